"""PATCH /passes/{id}: submit (with what is missing), revoke, reissuePass."""

from __future__ import annotations

import pytest

from permits.choices import PermitStatus
from permits.models import Permit
from portal.integrations.buzzin import operations as buzzin_op
from portal.integrations.delivery.models import OutboundDelivery
from tests.factories import permit_in_status

from .support import permit_body

pytestmark = pytest.mark.django_db


def _permit(site, status):
    return permit_in_status(status, community=site.community, property=site.property, main_unit=site.units[0])


def test_submit_moves_a_complete_draft_into_review(api, created_permit):
    response = api.patch(f"/passes/{created_permit['_id']}", {"action": "submit"})
    assert (response.status, response.body) == (200, {})
    permit = Permit.objects.get()
    assert permit.status == PermitStatus.SUBMITTED and permit.submitted_at is not None
    answer = api.get(f"/permits/{permit.reference}").body
    assert (answer["status"], answer["statusName"]) == (11, "SUBMITTED")
    assert not OutboundDelivery.objects.exists()  # Buzz-In hears of it only once a property manager approves


def test_submit_of_an_incomplete_draft_is_400_with_what_is_missing(api, site):
    body = permit_body(site)
    for name in ("timeIn", "timeOut", "representativeName", "employees", "noc"):
        del body[name]
    created = api.post("/permits", body).body
    response = api.patch(f"/passes/{created['_id']}", {"action": "submit"})
    assert response.status == 400
    assert response.body["missing"] == [
        "the daily start and end times",
        "the representative's name",
        "at least one worker",
        "the NOC document",
    ]
    assert response.body["message"].startswith("The permit cannot be submitted yet. Still missing:")
    assert Permit.objects.get().status == PermitStatus.DRAFT


def test_submit_twice_is_400(api, created_permit):
    api.patch(f"/passes/{created_permit['_id']}", {"action": "submit"})
    response = api.patch(f"/passes/{created_permit['_id']}", {"action": "submit"})
    assert response.status == 400
    assert response.body["message"] == "A submitted permit cannot be submitted."


def test_revoke_an_active_pass(api, site):
    permit = _permit(site, "active")
    response = api.patch(f"/passes/{permit.reference}", {"action": "revoke", "reason": "Safety breach on site."})
    assert (response.status, response.body) == (200, {})
    permit.refresh_from_db()
    assert permit.status == PermitStatus.REVOKED and permit.revocation_reason == "Safety breach on site."
    assert OutboundDelivery.objects.filter(operation=buzzin_op.PASS_REVOKE).count() == 1
    again = api.patch(f"/passes/{permit.reference}", {"action": "revoke"})
    assert again.status == 200  # a retried revoke changes nothing
    assert OutboundDelivery.objects.filter(operation=buzzin_op.PASS_REVOKE).count() == 1


def test_revoke_before_approval_cancels(api, created_permit):
    response = api.patch(f"/passes/{created_permit['_id']}", {"action": "revoke"})
    assert response.status == 200
    assert Permit.objects.get().status == PermitStatus.CANCELLED
    assert api.get(f"/permits/{created_permit['_id']}").body["statusName"] == "CANCELLED"


def test_revoke_an_expired_permit_is_400(api, site):
    permit = _permit(site, "expired")
    response = api.patch(f"/passes/{permit.reference}", {"action": "revoke"})
    assert response.status == 400
    assert response.body["message"] == "An expired permit cannot be revoked."


def test_reissue_an_active_pass(api, site):
    permit = _permit(site, "active")
    response = api.patch(f"/passes/{permit.reference}", {"action": "reissuePass"})
    assert (response.status, response.body) == (200, {})
    assert OutboundDelivery.objects.filter(operation=buzzin_op.PASS_REISSUE).count() == 1


@pytest.mark.parametrize("status", ["draft", "submitted", "approved", "revoked"])
def test_reissue_needs_an_active_permit(api, site, status):
    permit = _permit(site, status)
    response = api.patch(f"/passes/{permit.reference}", {"action": "reissuePass"})
    assert response.status == 400
    assert response.body["message"].endswith("permit cannot be reissued.")
    assert not OutboundDelivery.objects.filter(operation=buzzin_op.PASS_REISSUE).exists()


@pytest.mark.parametrize("body", [{}, {"action": "explode"}, {"action": 7}, []])
def test_an_unknown_action_is_400(api, created_permit, body):
    response = api.patch(f"/passes/{created_permit['_id']}", body)
    assert response.status == 400
    assert response.body["name"] == "BadRequest"


def test_an_unknown_pass_is_404(api):
    response = api.patch("/passes/a1Pnothere", {"action": "submit"})
    assert response.status == 404
    assert response.body["name"] == "NotFound"
