"""The permit page as a decision page: flags, common reasons, the NOC in the page, history in words, Recent actions."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from contractors.models import Contractor
from permits import services
from permits.choices import PermitStatus
from permits.selectors.decision import decision_flags
from portal.core.actors import Actor
from tests.factories import ContractorUserFactory, PermitFactory, permit_in_status

pytestmark = pytest.mark.django_db


def change_url(permit) -> str:
    return reverse("admin:permits_permit_change", args=[permit.pk])


def test_the_decision_comes_first_with_its_flags(manager_client, permit_a):
    response = manager_client.get(change_url(permit_a))
    content = response.content.decode()
    assert content.index('id="decide"') < content.index('id="noc-preview"') < content.index('id="audit-timeline"')
    assert 'class="status-badge status-badge--submitted"' in content
    assert "btn btn--primary" in content  # Approve
    levels = {flag.level for flag in response.context["decision_flags"]}
    assert levels == {"ok"}
    assert '<details class="integration" id="integration-details">' in content  # partner ids folded away


def test_flags_tell_a_lapsed_licence_and_a_short_noc(permit_a):
    today = datetime.date.today()
    Contractor.objects.filter(pk=permit_a.contractor_id).update(trade_licence_expiry=today - datetime.timedelta(days=1))
    permit_a.noc_versions.update(expiry_date=today + datetime.timedelta(days=3))
    permit_a.refresh_from_db()
    problems = [flag.text for flag in decision_flags(permit_a) if flag.level == "problem"]
    assert any(text.startswith("Trade licence expired on") for text in problems)
    assert any(text.startswith("NOC ") and "before the permit ends" in text for text in problems)


def test_reject_with_a_common_reason_and_own_words(manager_client, permit_a):
    url = reverse("admin:permits_permit_reject", args=[permit_a.pk])
    page = manager_client.get(url).content.decode()
    assert "The NOC does not cover the permit&#x27;s dates." in page
    response = manager_client.post(url, {"common": ["0"], "reason": "Ask the owner for a new one."})
    assert response.status_code == 302
    permit_a.refresh_from_db()
    assert permit_a.status == PermitStatus.REJECTED
    assert permit_a.decision_note == "The NOC does not cover the permit's dates. Ask the owner for a new one."


def test_revoke_is_dangerous_and_asks_first(manager_client, community_a, property_a, contractor_a):
    active = permit_in_status("active", community=community_a, property=property_a, contractor=contractor_a)
    content = manager_client.get(change_url(active)).content.decode()
    assert 'class="btn btn--danger" href="/admin/permits/permit/' in content
    confirm = manager_client.get(reverse("admin:permits_permit_revoke", args=[active.pk])).content.decode()
    assert "This cannot be undone." in confirm and "btn--danger" in confirm
    active.refresh_from_db()
    assert active.status == PermitStatus.ACTIVE


def test_a_decision_is_in_recent_actions_and_the_history_in_words(
    manager_client, manager_a, community_a, property_a, contractor_a
):
    omar = ContractorUserFactory(contractor=contractor_a, user__first_name="Omar").user
    draft = PermitFactory(community=community_a, property=property_a, contractor=contractor_a)
    permit_a = services.permit_submit(actor=Actor.for_user(omar), permit=draft)
    manager_a.first_name = "Sara"
    manager_a.save()
    response = manager_client.post(reverse("admin:permits_permit_approve", args=[permit_a.pk]))
    assert response.status_code == 302
    assert LogEntry.objects.get(user=manager_a).object_id == str(permit_a.pk)
    assert str(permit_a) in manager_client.get(reverse("admin:index")).content.decode()  # Recent actions

    history = manager_client.get(change_url(permit_a)).context["history"]
    said = [f"{line.what} by {line.who}" for line in history]
    assert said[0] == "Approved by Sara"
    assert "Submitted by Omar (Alpha Fitouts LLC)" in said


def test_the_noc_is_shown_in_the_page_and_only_that_url_may_be_framed(manager_client, permit_a):
    noc = permit_a.noc_versions.get(is_current=True)
    preview = reverse("documents:noc_preview", args=[noc.pk])
    assert f'<iframe class="noc-preview" src="{preview}"' in manager_client.get(change_url(permit_a)).content.decode()
    response = manager_client.get(preview)
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert "inline" in response["Content-Disposition"]
    download = manager_client.get(reverse("documents:noc", args=[noc.pk]))
    assert download["X-Frame-Options"] == "DENY" and "attachment" in download["Content-Disposition"]
    page = manager_client.get(change_url(permit_a))
    assert page["X-Frame-Options"] == "DENY"
    assert "'unsafe-eval'" not in page["Content-Security-Policy"]
    assert "script-src 'self'" in page["Content-Security-Policy"]
