"""Signed in with Arabic chosen, the contractor pages show no English outside data values."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from permits.models import Vehicle
from portal.core.models import LanguagePreference
from tests.factories import permit_in_status
from tests.i18n.visible_english import english_words

pytestmark = pytest.mark.django_db

ARABIC_HTML = '<html lang="ar" dir="rtl">'


@pytest.fixture
def arabic_client(user_a):
    LanguagePreference.objects.create(user=user_a, language="ar")
    client = Client(headers={"accept-language": "en"})
    client.force_login(user_a)
    return client


@pytest.fixture
def permits(company_a, community, prop, units):
    kwargs = {"community": community, "property": prop, "contractor": company_a}
    draft = permit_in_status("draft", main_unit=units[0], **kwargs)
    active = permit_in_status("active", main_unit=units[1], **kwargs)
    Vehicle.objects.create(permit=draft, plate="DXBA12345")
    return {
        "draft": draft,
        "active": active,
        "changes": permit_in_status("changes_requested", **kwargs),
        "revoked": permit_in_status("revoked", **kwargs),
    }


def data_of(user, permits, community, prop, units) -> list[str]:
    """What the pages show that is data, not words of the portal."""
    values = [user.email, user.username, str(user.contractor_profile.contractor), community.name, prop.name]
    values += [community.time_zone, prop.external_id, "Omar Haddad"]
    for unit in units:
        values += [unit.name, unit.external_id]
    for permit in permits.values():
        values += [permit.reference, permit.representative_name, permit.representative_contact, permit.jobs_summary]
        values += [permit.main_unit.name, permit.decision_note, permit.pass_number, permit.access_code]
        values += [permit.revocation_reason]
        for worker in permit.workers.all():
            values += [worker.name, worker.id_number]
        for noc in permit.noc_versions.all():
            values += [noc.noc_number, noc.uploaded_by_label, noc.original_name]
    return [str(value) for value in values if value]


def pages(permits, prop) -> list[str]:
    draft, active, changes = permits["draft"].reference, permits["active"].reference, permits["changes"].reference
    return [
        reverse("permits:list"),
        reverse("permits:list") + "?status=draft",
        reverse("permits:create"),
        reverse("permits:create") + f"?property={prop.pk}",
        reverse("permits:detail", args=[draft]),
        reverse("permits:edit", args=[draft]),
        reverse("permits:detail", args=[changes]),
        reverse("permits:detail", args=[active]),
        reverse("permits:detail", args=[permits["revoked"].reference]),
        reverse("permits:extension", args=[active]),
        reverse("permits:pass", args=[active]),
        reverse("permits:company"),
        reverse("permits:calendar"),
        reverse("permits:calendar") + "?view=week",
        reverse("notifications:list"),
        reverse("notifications:preferences"),
    ]


def test_the_contractor_pages_speak_arabic(arabic_client, user_a, permits, community, prop, units):
    data = data_of(user_a, permits, community, prop, units)
    found = {}
    for url in pages(permits, prop):
        response = arabic_client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert ARABIC_HTML in html, url
        words = english_words(html, data)
        if words:
            found[url] = sorted(set(words))
    assert not found, found


def test_a_form_sent_back_with_errors_speaks_arabic(arabic_client, user_a, permits, community, prop, units):
    draft = permits["draft"]
    url = reverse("permits:worker_add", args=[draft.reference])
    response = arabic_client.post(url, {"worker-name": "", "worker-id_number": "12", "worker-phone": "abc"})
    html = response.content.decode()
    assert "لم يُحفظ أي شيء" in html
    assert not english_words(html, [*data_of(user_a, permits, community, prop, units), "12", "abc"])


def test_the_visitor_pages_speak_arabic():
    client = Client(headers={"accept-language": "ar"})
    for url in (reverse("login"), reverse("register"), reverse("password_reset"), reverse("password_reset_done")):
        html = client.get(url).content.decode()
        assert ARABIC_HTML in html, url
        assert not english_words(html, []), (url, english_words(html, []))
