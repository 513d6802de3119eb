"""Submit (with the checklist), answer a change request, cancel, ask for an extension, show the pass."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from permits import services
from permits.models import GateScan, Permit
from portal.core.actors import Actor
from portal.core.models import AuditEvent
from portal.core.storage import file_stored_first
from tests.factories import PNG_BYTES, permit_in_status

from .conftest import Counts, assert_says, local_input

pytestmark = pytest.mark.django_db


@pytest.fixture
def place(company_a, community, prop, units):
    return {"community": community, "property": prop, "main_unit": units[0], "contractor": company_a}


def _submit(client, permit):
    return client.post(reverse("permits:submit", args=[permit.reference]), follow=True)


def test_submit_without_workers_lists_what_is_missing(client_a, permit_a):
    permit_a.workers.all().delete()
    counts = Counts(Permit)
    page = client_a.get(reverse("permits:detail", args=[permit_a.reference]))
    assert_says(page, "Missing:")
    assert_says(page, "At least one worker")
    response = _submit(client_a, permit_a)
    assert_says(response, "The permit cannot be submitted yet. Still missing: at least one worker.")
    permit_a.refresh_from_db()
    assert permit_a.status == "draft"
    assert counts.unchanged()


def test_submit_a_complete_draft(client_a, permit_a):
    response = _submit(client_a, permit_a)
    assert_says(response, "Submitted.")
    permit_a.refresh_from_db()
    assert permit_a.status == "submitted"
    assert permit_a.submitted_at is not None


def test_checklist_shows_rule_problems_too(client_a, permit_a, company_a):
    company_a.insurance_expiry = datetime.date.today() + datetime.timedelta(days=5)
    company_a.save()
    page = client_a.get(reverse("permits:detail", args=[permit_a.reference]))
    assert_says(page, "Also to resolve:")
    assert_says(page, f"The company's insurance expires on {company_a.insurance_expiry:%d %b %Y}")


def test_answer_a_change_request_and_submit_again(client_a, place):
    permit = permit_in_status("changes_requested", **place)
    page = client_a.get(reverse("permits:detail", args=[permit.reference]))
    assert_says(page, "The property manager asked for changes")
    assert_says(page, "Fix it.")
    assert_says(page, "Submit again")
    client_a.post(
        reverse("permits:worker_add", args=[permit.reference]), {"worker-name": "Ali", "worker-id_number": "42"}
    )
    _submit(client_a, permit)
    permit.refresh_from_db()
    assert permit.status == "submitted"


def test_cancel_a_draft_and_a_submitted_permit(client_a, permit_a, place):
    response = client_a.post(
        reverse("permits:cancel", args=[permit_a.reference]), {"cancel-reason": "Postponed."}, follow=True
    )
    assert_says(response, f"Permit {permit_a.reference} cancelled.")
    permit_a.refresh_from_db()
    assert permit_a.status == "cancelled"
    event = AuditEvent.objects.filter(target_type="permit", target_id=str(permit_a.pk)).first()
    assert (event.to_status, event.reason) == ("cancelled", "Postponed.")
    submitted = permit_in_status("submitted", **{**place, "main_unit": place["main_unit"]})
    client_a.post(reverse("permits:cancel", args=[submitted.reference]))
    submitted.refresh_from_db()
    assert submitted.status == "cancelled"


def test_an_active_permit_cannot_be_cancelled(client_a, place):
    permit = permit_in_status("active", **place)
    response = client_a.post(reverse("permits:cancel", args=[permit.reference]))
    assert_says(response, "An active permit cannot be cancelled.")
    permit.refresh_from_db()
    assert permit.status == "active"


def test_request_an_extension(client_a, place):
    permit = permit_in_status("active", **place)
    tz = permit.community.tzinfo
    url = reverse("permits:extension", args=[permit.reference])
    new_end = local_input(40, 17, tz)
    response = client_a.post(url, {"valid_till": new_end, "note": "Tiles arrived late."}, follow=True)
    assert_says(response, "Extension requested.")
    permit.refresh_from_db()
    assert permit.extension_requested_till.astimezone(tz).strftime("%Y-%m-%dT%H:%M") == new_end
    assert permit.extension_request_note == "Tiles arrived late."
    assert_says(response, "the property manager has not decided yet")


def test_an_extension_that_is_not_later_is_refused(client_a, place):
    permit = permit_in_status("active", **place)
    counts = Counts(Permit)
    response = client_a.post(
        reverse("permits:extension", args=[permit.reference]),
        {"valid_till": local_input(3, 8, permit.community.tzinfo)},
    )
    assert_says(response, "Ask for an end later than the current one.")
    permit.refresh_from_db()
    assert permit.extension_requested_till is None
    assert counts.unchanged()


def test_pass_page_shows_qr_and_access_code(client_a, place):
    permit = permit_in_status("approved", **place)
    with file_stored_first(ContentFile(PNG_BYTES), path=f"passes/{permit.reference}.png") as qr_image:
        services.permit_pass_issue(
            actor=Actor.system("test"), permit=permit, pass_number="WP-7", access_code="7H2KQ9ZTM4XB", qr_image=qr_image
        )
    response = client_a.get(reverse("permits:pass", args=[permit.reference]))
    page = response.content.decode()
    assert "7H2KQ9ZTM4XB" in page
    assert f'src="{reverse("documents:qr", args=[permit.reference])}"' in page
    assert "Ravi Kumar" in page and "UNIT-0712" in page
    assert "/media/" not in page


def test_pass_page_of_a_factory_active_permit(client_a, place):
    permit = permit_in_status("active", **place)
    page = client_a.get(reverse("permits:pass", args=[permit.reference]))
    assert_says(page, "7H2KQ9ZTM4XB1RPA8VC0DLEN")
    assert_says(page, "The QR image is not available yet.")


def test_no_pass_before_the_permit_is_active(client_a, permit_a):
    response = client_a.get(reverse("permits:pass", args=[permit_a.reference]), follow=True)
    assert_says(response, "The pass is shown here once the permit is active.")


def test_gate_scans_are_listed(client_a, place):
    from django.utils import timezone

    permit = permit_in_status("active", **place)
    GateScan.objects.create(permit=permit, event_id="evt-1", scanned_at=timezone.now(), gate="North Gate")
    page = client_a.get(reverse("permits:detail", args=[permit.reference]))
    assert_says(page, "North Gate")
    assert_says(page, "Show the pass")


def test_a_draft_cannot_be_extended(client_a, permit_a):
    response = client_a.get(reverse("permits:extension", args=[permit_a.reference]), follow=True)
    assert_says(response, "A draft permit cannot be extended.")


def test_the_list_warns_about_documents_lapsing(client_a, company_a):
    company_a.trade_licence_expiry = datetime.date.today() + datetime.timedelta(days=3)
    company_a.save()
    page = client_a.get(reverse("permits:list"))
    assert_says(page, f"Trade licence expires on {company_a.trade_licence_expiry:%d %b %Y}, within 30 days.")
