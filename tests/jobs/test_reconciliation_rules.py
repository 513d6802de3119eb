"""Reconciliation without partners: the comparison table, the rate limit, drift bookkeeping, repair refusals."""

import datetime
import time

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from permits.choices import PermitStatus
from permits.models import Permit
from portal.core.actors import Actor
from portal.integrations.buzzin import operations as buzzin_op
from portal.integrations.delivery.models import OutboundDelivery
from portal.integrations.delivery.planning import Planned, deliveries_plan
from portal.integrations.models import Drift
from portal.integrations.opscom import operations as opscom_op
from portal.integrations.reconciliation import drift_repair, reconcile
from portal.integrations.reconciliation.compare import Finding, permit_findings
from portal.integrations.reconciliation.rate import RateLimiter
from portal.integrations.reconciliation.store import drifts_record, drifts_resolve_outside
from tests.factories import PermitFactory, VehicleFactory, link_buzzin_permit

from .conftest import BASE

ACTOR = Actor.system("test")
NOW = BASE


def permit(status: str, **kwargs):
    """A permit as the reconciliation reads it: its Buzz-In id comes along (``permit_candidates`` annotates it)."""
    ours = Permit(
        pk=7,
        reference="a1PTESTREFERENCE01",
        status=status,
        valid_from=NOW + datetime.timedelta(days=1),
        valid_till=NOW + datetime.timedelta(days=10),
        **kwargs,
    )
    ours.buzzin_id = "a" * 24
    return ours


def known_to_buzzin(status=PermitStatus.ACTIVE) -> Permit:
    """A saved permit Buzz-In holds under an id."""
    target = PermitFactory(status=status, with_worker=False, with_noc=False)
    link_buzzin_permit(target, "b" * 24)
    return target


def remote(status: str, *, code: bool = True, till_days: float = 10, from_days: float = 1) -> dict:
    return {
        "statusName": status,
        "accessCode": "7H2KQ9ZTM4XB1RPA8VC0DLEN" if code else None,
        "validFrom": (NOW + datetime.timedelta(days=from_days)).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "validTill": (NOW + datetime.timedelta(days=till_days)).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
    }


@pytest.mark.parametrize(
    ("status", "answer", "expected"),
    [
        ("active", remote("ACCEPTED"), []),
        ("active", remote("ACCEPTED", code=False), [("status_differs", "pass.reissue")]),
        ("active", remote("DRAFT", code=False), [("status_differs", "permit.submit")]),
        ("active", remote("REVOKED", code=False), [("status_differs", "")]),
        ("approved", remote("SUBMITTED", code=False), []),
        ("approved", remote("DRAFT", code=False), [("status_differs", "permit.submit")]),
        ("approved", remote("ACCEPTED"), [("status_differs", "pass.reissue")]),
        ("approved", remote("ARCHIVED", code=False), [("status_differs", "")]),
        ("revoked", remote("ACCEPTED"), [("pass_live_after_revocation", None)]),
        ("archived", remote("ACCEPTED", code=False), [("pass_live_after_revocation", None)]),
        ("expired", remote("ACCEPTED", till_days=-1, from_days=-9), []),
        ("revoked", remote("REVOKED", code=False), []),
        ("active", None, [("missing_at_buzzin", None)]),
        ("revoked", None, []),
        ("active", remote("ACCEPTED", till_days=12), [("dates_differ", None)]),
        ("active", {**remote("ACCEPTED"), "statusName": None, "status": 1}, []),
    ],
)
def test_what_counts_as_drift(status, answer, expected):
    found = permit_findings(permit(status), answer, NOW)
    assert [(f.kind, f.detail.get("repair")) for f in found] == expected


def test_dates_are_compared_to_the_second():
    ours = permit("active")
    answer = remote("ACCEPTED")
    ours.valid_till += datetime.timedelta(milliseconds=400)
    assert permit_findings(ours, answer, NOW) == []
    ours.valid_till += datetime.timedelta(seconds=2)
    (finding,) = permit_findings(ours, answer, NOW)
    assert finding.detail["fields"] == ["valid_till"]


def test_the_rate_limiter_spaces_calls():
    clock, slept = [100.0], []

    def sleep(seconds):
        slept.append(round(seconds, 3))
        clock[0] += seconds

    limiter = RateLimiter(5, clock=lambda: clock[0], sleep=sleep)
    for _ in range(4):
        limiter.wait()
    assert slept == [0.2, 0.2, 0.2]
    unlimited = RateLimiter(0, clock=lambda: clock[0], sleep=sleep)
    unlimited.wait()
    unlimited.wait()
    assert len(slept) == 3


@pytest.mark.django_db
class TestDriftBookkeeping:
    def test_one_open_drift_per_kind_and_target(self):
        target = PermitFactory(with_worker=False, with_noc=False)
        scope = ["dates_differ", "status_differs"]
        finding = Finding("dates_differ", {"fields": ["valid_till"]})
        assert drifts_record(target=target, community_id=target.community_id, scope=scope, findings=[finding]) == (1, 0)
        assert drifts_record(target=target, community_id=target.community_id, scope=scope, findings=[finding]) == (0, 0)
        Drift.objects.create(kind="dates_differ", community=target.community, target_type="permit", target_id=target.pk)
        assert drifts_record(target=target, community_id=target.community_id, scope=scope, findings=[finding]) == (0, 1)
        assert Drift.objects.filter(resolved_at__isnull=True).count() == 1
        assert drifts_record(target=target, community_id=target.community_id, scope=scope, findings=[]) == (0, 1)
        assert not Drift.objects.filter(resolved_at__isnull=True).exists()

    def test_targets_that_left_the_compared_set_are_resolved(self):
        target = PermitFactory(with_worker=False, with_noc=False)
        Drift.objects.create(kind="dates_differ", community=target.community, target_type="permit", target_id=target.pk)
        assert drifts_resolve_outside(target_type="permit", scope=["dates_differ"], compared_ids={str(target.pk)}) == 0
        assert drifts_resolve_outside(target_type="permit", scope=["dates_differ"], compared_ids=set()) == 1


@pytest.mark.django_db
class TestReconcileRun:
    def test_a_partner_outage_leaves_drifts_alone(self, settings):
        settings.BUZZIN_API_URL = "http://127.0.0.1:9"
        settings.RECONCILE_RATE_PER_SECOND = 0
        target = known_to_buzzin()
        drift = Drift.objects.create(
            kind="dates_differ", community=target.community, target_type="permit", target_id=target.pk
        )
        result = reconcile()
        assert (result.errors, result.permits_checked, result.resolved) == (1, 1, 0)
        drift.refresh_from_db()
        assert drift.resolved_at is None

    def test_targets_with_open_deliveries_are_skipped(self, settings):
        settings.BUZZIN_API_URL = "http://127.0.0.1:9"
        target = known_to_buzzin()
        planned = Planned(
            operation=buzzin_op.PERMIT_UPDATE_VALIDITY,
            target_type="permit",
            target_id=target.pk,
            community_id=target.community_id,
            sequence=f"permit:{target.pk}",
        )
        deliveries_plan("buzzin", [planned])
        result = reconcile()
        assert (result.skipped_in_flux, result.errors) == (1, 0)

    def test_vehicles_with_open_parking_deliveries_are_skipped(self):
        vehicle = VehicleFactory(permit=PermitFactory(status=PermitStatus.ACTIVE, with_worker=False, with_noc=False))
        planned = Planned(
            operation=opscom_op.PARKING_PUSH,
            target_type="vehicle",
            target_id=vehicle.pk,
            community_id=vehicle.permit.community_id,
            sequence=f"vehicle:{vehicle.pk}",
        )
        deliveries_plan("opscom", [planned])
        result = reconcile()
        assert (result.skipped_in_flux, result.vehicles_checked, result.errors) == (1, 0, 0)
        assert not Drift.objects.exists()  # its push is on its way: not "missing"

    def test_a_run_out_of_time_stops_and_resolves_nothing(self):
        target = known_to_buzzin()
        Drift.objects.create(kind="dates_differ", community=target.community, target_type="permit", target_id="999")
        result = reconcile(deadline=time.monotonic() - 1)
        assert not result.complete and result.permits_checked == 0
        assert Drift.objects.filter(resolved_at__isnull=True).count() == 1


@pytest.mark.django_db
class TestRepairRefusals:
    def drift(self, kind: str, status=PermitStatus.ACTIVE, **detail):
        target = known_to_buzzin(status)
        return Drift.objects.create(
            kind=kind, community=target.community, target_type="permit", target_id=target.pk, detail=detail
        )

    def test_a_pass_buzzin_killed_cannot_be_revived_by_a_push(self):
        drift = self.drift("status_differs", buzzin_status="REVOKED", repair="")
        with pytest.raises(ValidationError, match="cannot bring it back"):
            drift_repair(actor=ACTOR, drift=drift)
        assert not OutboundDelivery.objects.exists()

    def test_a_resolved_drift_or_one_under_repair_is_left_alone(self):
        drift = self.drift("dates_differ")
        (delivery,) = drift_repair(actor=ACTOR, drift=drift)
        assert delivery.operation == "permit.update_validity"
        with pytest.raises(ValidationError, match="already under way"):
            drift_repair(actor=ACTOR, drift=drift)
        Drift.objects.filter(pk=drift.pk).update(resolved_at=timezone.now())
        with pytest.raises(ValidationError, match="resolved already"):
            drift_repair(actor=ACTOR, drift=drift)

    def test_a_permit_that_moved_on_is_not_repaired(self):
        drift = self.drift("dates_differ", status=PermitStatus.EXPIRED)
        with pytest.raises(ValidationError, match="expired now"):
            drift_repair(actor=ACTOR, drift=drift)

    def test_the_revoke_repair_carries_the_portals_reason(self):
        drift = self.drift("pass_live_after_revocation", status=PermitStatus.REVOKED)
        Drift.objects.filter(pk=drift.pk)
        (delivery,) = drift_repair(actor=ACTOR, drift=drift)
        assert (delivery.operation, delivery.params["reason"]) == ("pass.revoke", "The permit is revoked.")
