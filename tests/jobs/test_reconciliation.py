"""Reconciliation against both sandboxes on loopback: every kind of drift found, repaired from the admin, gone.

The remote permits are created the real way: services write outbox rows, the delivery engineer's
``drain_outbox`` sends them through the real sender to the sandboxes.
"""

from __future__ import annotations

import datetime
import time

import pytest
import requests
from django.contrib.auth.models import Permission
from django.urls import reverse

from contractors.choices import MembershipStatus
from contractors.services import contractor_approve
from permits import services
from permits.choices import ParkingState
from permits.models import Permit
from portal.core.actors import Actor
from portal.integrations.buzzin.models import BuzzinPermit
from portal.integrations.buzzin.records import permit_buzzin_id
from portal.integrations.delivery.models import OutboundDelivery
from portal.integrations.models import Drift
from portal.integrations.reconciliation import reconcile
from sandboxes.buzzin import start_sandbox as start_buzzin
from sandboxes.catalogue import buzzin_sandbox_communities
from sandboxes.opscom import start_sandbox as start_opscom
from tests.delivery.conftest import drain_outbox
from tests.factories import (
    CommunityFactory,
    MembershipFactory,
    PermitFactory,
    StaffMembershipFactory,
    UserFactory,
    VehicleFactory,
    parking_reference_of,
)

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("reconciliation test")
OPSCOM_CLIENT, OPSCOM_TOKEN = "OC-JOBS", "opscom-token-jobs-5b2e"


class Partners:
    def __init__(self, buzzin, opscom):
        self.buzzin, self.opscom, self.http = buzzin, opscom, requests.Session()

    def control(self, which: str, method: str, path: str, body: dict | None = None) -> dict:
        response = self.http.request(method, f"{getattr(self, which).url}/_sandbox/{path}", json=body, timeout=5)
        response.raise_for_status()
        return response.json()

    def remote_permit(self, reference: str) -> dict:
        permits = self.control("buzzin", "GET", "state")["permits"]
        return next(p for p in permits if p["salesforcePermitId"] == reference)

    def wait_for_status(self, references: list[str], name: str) -> None:
        deadline = time.monotonic() + 10
        while any(self.remote_permit(ref)["statusName"] != name for ref in references):
            assert time.monotonic() < deadline, f"Buzz-In never made {references} {name}"
            time.sleep(0.05)


@pytest.fixture
def partners(settings):
    buzzin = start_buzzin(accept_delay=0.05, auto_approve_contractors_after=0.0, webhook_url=None)
    opscom = start_opscom(client_code=OPSCOM_CLIENT, api_token=OPSCOM_TOKEN, zones=["ZONE-A"])
    settings.BUZZIN_API_URL, settings.OPSCOM_API_URL = buzzin.url, opscom.url
    settings.BUZZIN_API_KEY = ""
    settings.OPSCOM_CLIENT_CODE, settings.OPSCOM_API_TOKEN = OPSCOM_CLIENT, OPSCOM_TOKEN
    settings.OUTBOX_DISPATCH = False
    settings.DELIVERY_MAX_ATTEMPTS = 10
    settings.DELIVERY_BACKOFF_BASE_SECONDS = 0.0
    settings.DELIVERY_BACKOFF_MAX_SECONDS = 0.0
    settings.RECONCILE_RATE_PER_SECOND = 0
    yield Partners(buzzin, opscom)
    buzzin.stop()
    opscom.stop()


def live_permits(partners, count: int, vehicles: dict[int, int]) -> list[Permit]:
    """``count`` active permits known to both partners, built through the services and the sender."""
    community = CommunityFactory(buzzin__api_key="bzk-jobs-community-key", parking_zone="ZONE-A")
    membership = MembershipFactory(community=community, status=MembershipStatus.PENDING)
    permits = [PermitFactory(community=community, contractor=membership.contractor) for _ in range(count)]
    for body in buzzin_sandbox_communities():
        partners.control("buzzin", "POST", "communities", body)
    contractor_approve(actor=ACTOR, membership=membership)
    drain_outbox()
    for index, permit in enumerate(permits):
        for _ in range(vehicles.get(index, 0)):
            VehicleFactory(permit=permit)
        services.permit_submit(actor=ACTOR, permit=permit)
        services.permit_approve(actor=ACTOR, permit=permit)
    drain_outbox()
    partners.wait_for_status([p.reference for p in permits], "ACCEPTED")
    for permit in permits:
        remote = partners.remote_permit(permit.reference)
        assert permit_buzzin_id(permit) == remote["_id"]  # recorded from the create's answer
        services.permit_pass_issue(
            actor=Actor.partner("Buzz-In"),
            permit=permit,
            pass_number=remote["passNumber"],
            access_code=remote["accessCode"],
        )
    drain_outbox()
    return [Permit.objects.get(pk=permit.pk) for permit in permits]


def open_drifts() -> dict[tuple[str, str], Drift]:
    return {(d.kind, d.target_id): d for d in Drift.objects.filter(resolved_at__isnull=True)}


def test_every_drift_is_found_repaired_from_the_admin_and_gone_after_draining(partners, client):
    revoked, dates, status, missing, parked = live_permits(partners, 5, vehicles={4: 2})
    assert reconcile().found == {}
    assert not Drift.objects.exists()

    # Make the partners disagree with the portal, each in one way.
    services.permit_revoke(actor=ACTOR, permit=revoked, reason="Safety breach.")
    drain_outbox()
    partners.control("buzzin", "POST", f"permits/{permit_buzzin_id(revoked)}/set", {"status": "ACCEPTED"})
    later = dates.valid_till + datetime.timedelta(days=2)
    partners.control("buzzin", "POST", f"permits/{permit_buzzin_id(dates)}/set", {"validTill": later.isoformat()})
    partners.control("buzzin", "POST", f"permits/{permit_buzzin_id(status)}/set", {"status": "DRAFT"})
    BuzzinPermit.objects.filter(permit=missing).update(buzzin_id="f" * 24)
    forgotten, kept = parked.vehicles.order_by("pk")
    partners.control("opscom", "POST", f"permits/{parking_reference_of(forgotten)}/forget")
    never_pushed = VehicleFactory(permit=parked, parking_state=ParkingState.NONE)

    result = reconcile()
    expected = {
        ("pass_live_after_revocation", str(revoked.pk)),
        ("dates_differ", str(dates.pk)),
        ("status_differs", str(status.pk)),
        ("missing_at_buzzin", str(missing.pk)),
        ("parking_missing", str(forgotten.pk)),
        ("parking_missing", str(never_pushed.pk)),
    }
    assert set(open_drifts()) == expected
    assert result.opened == 6 and result.errors == 0
    drifts = open_drifts()
    assert drifts["dates_differ", str(dates.pk)].detail["fields"] == ["valid_till"]
    assert drifts["status_differs", str(status.pk)].detail["repair"] == "permit.submit"
    assert "9009" in drifts["parking_missing", str(forgotten.pk)].detail["reason"]
    assert not Drift.objects.filter(target_type="vehicle", target_id=str(kept.pk)).exists()

    second = reconcile()  # found again: updated, not duplicated
    assert second.opened == 0 and set(open_drifts()) == expected
    assert Drift.objects.count() == 6

    # Repair: three through the admin action, three with the button of their row.
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    changelist = reverse("admin:integrations_drift_changelist")
    page = client.get(changelist)
    assert page.status_code == 200 and b'formaction="' in page.content
    by_action = [drifts[key].pk for key in sorted(expected)[:3]]
    response = client.post(changelist, {"action": "repair_selected", "_selected_action": by_action, "index": 0})
    assert response.status_code == 302
    for key in sorted(expected)[3:]:
        response = client.post(reverse("admin:integrations_drift_repair", args=[drifts[key].pk]))
        assert response.status_code == 302

    sent = {
        (d.operation, d.target_type, d.target_id, d.sequence_key)
        for d in OutboundDelivery.objects.exclude(state="succeeded")
    }
    assert sent == {
        ("pass.revoke", "permit", str(revoked.pk), f"buzzin:permit:{revoked.pk}"),
        ("permit.update_validity", "permit", str(dates.pk), f"buzzin:permit:{dates.pk}"),
        ("permit.submit", "permit", str(status.pk), f"buzzin:permit:{status.pk}"),
        ("permit.create", "permit", str(missing.pk), f"buzzin:permit:{missing.pk}"),
        ("permit.submit", "permit", str(missing.pk), f"buzzin:permit:{missing.pk}"),
        ("parking.push", "vehicle", str(forgotten.pk), f"opscom:vehicle:{forgotten.pk}"),
        ("parking.push", "vehicle", str(never_pushed.pk), f"opscom:vehicle:{never_pushed.pk}"),
    }
    assert all(drift.repair_delivery_id for drift in Drift.objects.all())

    drain_outbox()
    partners.wait_for_status([status.reference], "ACCEPTED")
    final = reconcile()
    assert final.found == {} and final.errors == 0
    assert not open_drifts()
    assert Drift.objects.filter(resolved_at__isnull=False).count() == 6
    assert parking_reference_of(never_pushed)
    assert partners.remote_permit(revoked.reference)["statusName"] == "REVOKED"


def test_property_managers_see_and_repair_only_their_communities_drifts(partners, client):
    (permit,) = live_permits(partners, 1, vehicles={})
    partners.control("buzzin", "POST", f"permits/{permit_buzzin_id(permit)}/set", {"status": "DRAFT"})
    reconcile()
    drift = Drift.objects.get()
    outsider = StaffMembershipFactory(community=CommunityFactory()).user
    outsider.user_permissions.add(*Permission.objects.filter(codename__in=["view_drift", "change_drift"]))
    client.force_login(outsider)
    assert client.get(reverse("admin:integrations_drift_change", args=[drift.pk])).status_code == 404
    assert client.post(reverse("admin:integrations_drift_repair", args=[drift.pk])).status_code == 404
    assert drift.pk not in [
        d.pk for d in client.get(reverse("admin:integrations_drift_changelist")).context["cl"].result_list
    ]

    manager = StaffMembershipFactory(community=permit.community).user
    manager.user_permissions.add(*Permission.objects.filter(codename__in=["view_drift", "change_drift"]))
    client.force_login(manager)
    page = client.get(reverse("admin:integrations_drift_change", args=[drift.pk]))
    assert page.status_code == 200 and b'value="Repair"' in page.content
    assert b"portal active, Buzz-In DRAFT" in client.get(reverse("admin:integrations_drift_changelist")).content
    assert client.post(reverse("admin:integrations_drift_repair", args=[drift.pk])).status_code == 302
    assert OutboundDelivery.objects.filter(
        operation="permit.submit", state="pending", target_id=str(permit.pk)
    ).exists()
