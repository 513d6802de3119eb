"""The expiry sweep: set-based, batched, audited, parking released, a bounded number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from permits.choices import ParkingState, PermitStatus
from permits.models import Permit
from permits.services.expiry import permits_expire_due
from portal.core.models import AuditEvent
from portal.integrations.delivery import dispatch
from portal.integrations.delivery.models import OutboundDelivery
from tests.factories import CommunityFactory, PermitFactory, VehicleFactory, set_parking_reference

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 9, 1, 8, 0, tzinfo=datetime.UTC)


def due_permit(community, status=PermitStatus.ACTIVE, *, ends=NOW - datetime.timedelta(minutes=1), vehicles=1):
    permit = PermitFactory(
        community=community,
        status=status,
        valid_from=ends - datetime.timedelta(days=10),
        valid_till=ends,
        with_worker=False,
        with_noc=False,
    )
    for _ in range(vehicles):
        set_parking_reference(VehicleFactory(permit=permit, parking_state=ParkingState.ACTIVE), "REF")
    return permit


def test_due_permits_expire_with_one_audit_event_and_parking_delete_each():
    community = CommunityFactory()
    active = due_permit(community, PermitStatus.ACTIVE, vehicles=2)
    approved = due_permit(community, PermitStatus.APPROVED, vehicles=0)
    ends_now = due_permit(community, ends=NOW)
    not_due = due_permit(community, ends=NOW + datetime.timedelta(minutes=1))
    revoked = due_permit(community, PermitStatus.REVOKED)
    VehicleFactory(permit=active, parking_state=ParkingState.NONE)
    VehicleFactory(permit=active, parking_state=ParkingState.ACTIVE, removed_at=NOW)

    assert permits_expire_due(now=NOW) == 3

    statuses = dict(Permit.objects.values_list("pk", "status"))
    assert statuses[active.pk] == statuses[approved.pk] == statuses[ends_now.pk] == PermitStatus.EXPIRED
    assert statuses[not_due.pk] == PermitStatus.ACTIVE
    assert statuses[revoked.pk] == PermitStatus.REVOKED
    events = AuditEvent.objects.filter(action="permits.permit.expired")
    assert sorted((e.target_id, e.from_status, e.to_status) for e in events) == sorted(
        [
            (str(active.pk), "active", "expired"),
            (str(approved.pk), "approved", "expired"),
            (str(ends_now.pk), "active", "expired"),
        ]
    )
    assert {e.actor_label for e in events} == {"system: expiry sweep"}
    parked = list(active.vehicles.filter(parking_state=ParkingState.ACTIVE, removed_at=None)) + list(
        ends_now.vehicles.all()
    )
    deletes = OutboundDelivery.objects.filter(operation="parking.delete")
    assert sorted((d.target_id, d.sequence_key, d.subscriber, d.target_type) for d in deletes) == sorted(
        (str(v.pk), f"opscom:vehicle:{v.pk}", "opscom", "vehicle") for v in parked
    )
    assert permits_expire_due(now=NOW) == 0


def expire_and_count_queries(count: int) -> int:
    community = CommunityFactory()
    permits = [due_permit(community) for _ in range(count)]
    with CaptureQueriesContext(connection) as queries:
        assert permits_expire_due(now=NOW) == count
    ids = [str(p.pk) for p in permits]
    assert AuditEvent.objects.filter(action="permits.permit.expired", target_id__in=ids).count() == count
    vehicle_ids = [str(v.pk) for p in permits for v in p.vehicles.all()]
    assert OutboundDelivery.objects.filter(operation="parking.delete", target_id__in=vehicle_ids).count() == count
    return len(queries)


def test_the_number_of_queries_does_not_depend_on_the_number_of_permits():
    assert expire_and_count_queries(5) == expire_and_count_queries(50)


def test_batches_cover_every_due_permit():
    community = CommunityFactory()
    for _ in range(7):
        due_permit(community, vehicles=0)
    seen = []
    assert permits_expire_due(now=NOW, batch_size=3, progress=seen.append) == 7
    assert seen == [3, 6, 7]
    assert not Permit.objects.exclude(status=PermitStatus.EXPIRED).exists()


def test_parking_deletes_go_to_the_broker_after_commit(settings, monkeypatch, django_capture_on_commit_callbacks):
    settings.OUTBOX_DISPATCH = True
    dispatched = []
    monkeypatch.setattr(dispatch, "hand_over", lambda task, pk, countdown=None: dispatched.append(pk) or True)
    community = CommunityFactory()
    due_permit(community, vehicles=2)
    with django_capture_on_commit_callbacks(execute=True):
        permits_expire_due(now=NOW)
    assert sorted(dispatched) == sorted(OutboundDelivery.objects.values_list("pk", flat=True))


def test_a_broker_outage_leaves_the_rest_to_the_relay(settings, monkeypatch, django_capture_on_commit_callbacks):
    settings.OUTBOX_DISPATCH = True
    attempts = []
    monkeypatch.setattr(dispatch, "hand_over", lambda task, pk, countdown=None: attempts.append(pk) and False)
    due_permit(CommunityFactory(), vehicles=3)
    with django_capture_on_commit_callbacks(execute=True):
        permits_expire_due(now=NOW)
    assert len(attempts) == 1
    assert OutboundDelivery.objects.filter(state="pending").count() == 3


def test_default_now_is_the_current_time():
    permit = due_permit(CommunityFactory(), ends=timezone.now() - datetime.timedelta(seconds=5))
    assert permits_expire_due() == 1
    permit.refresh_from_db()
    assert permit.status == PermitStatus.EXPIRED
