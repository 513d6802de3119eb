"""Each move writes one audit event (who, from, to, why) and the outbox rows partners need."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from contractors.choices import MembershipStatus
from contractors.services import contractor_approve
from permits import services
from permits.choices import ParkingState, PermitStatus
from permits.models import Permit
from portal.core.actors import Actor
from portal.core.models import AuditEvent
from portal.integrations.delivery.models import OutboundDelivery
from tests.factories import (
    MembershipFactory,
    UserFactory,
    VehicleFactory,
    in_days,
    pdf_file,
    permit_in_status,
    set_buzzin_membership,
)

pytestmark = pytest.mark.django_db


def new_rows(since_id: int) -> list[tuple[str, str]]:
    return list(OutboundDelivery.objects.filter(id__gt=since_id).order_by("id").values_list("subscriber", "operation"))


def last_id() -> int:
    return OutboundDelivery.objects.order_by("-id").values_list("id", flat=True).first() or 0


def new_audit(since_id: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(id__gt=since_id).order_by("id"))


def last_audit_id() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def parked_permit(count: int = 2) -> Permit:
    permit = permit_in_status("approved")
    for _ in range(count):
        VehicleFactory(permit=permit)
    return services.permit_pass_issue(actor=Actor.system("t"), permit=permit, pass_number="WP-1", access_code="A" * 24)


def test_approve_writes_one_audit_event_and_create_then_submit():
    user = UserFactory(is_staff=True)
    permit = permit_in_status("submitted")
    outbox, audit = last_id(), last_audit_id()
    services.permit_approve(actor=Actor.for_user(user), permit=permit)
    [event] = new_audit(audit)
    assert (event.action, event.from_status, event.to_status, event.actor) == (
        "permits.permit.approved",
        "submitted",
        "approved",
        user,
    )
    assert new_rows(outbox) == [("buzzin", "permit.create"), ("buzzin", "permit.submit")]
    assert set(OutboundDelivery.objects.filter(id__gt=outbox).values_list("sequence_key", flat=True)) == {
        f"buzzin:permit:{permit.pk}"
    }


def test_reject_keeps_the_reason_in_the_audit_event():
    permit = permit_in_status("submitted")
    audit = last_audit_id()
    services.permit_reject(actor=Actor.system("t"), permit=permit, reason="Drawings missing.")
    [event] = new_audit(audit)
    assert (event.to_status, event.reason) == ("rejected", "Drawings missing.")


def test_pass_issue_activates_and_pushes_one_parking_permit_per_vehicle():
    permit = permit_in_status("approved")
    vehicles = [VehicleFactory(permit=permit), VehicleFactory(permit=permit)]
    outbox, audit = last_id(), last_audit_id()
    services.permit_pass_issue(actor=Actor.partner("Buzz-In"), permit=permit, pass_number="WP-7", access_code="B" * 24)
    [event] = new_audit(audit)
    assert (event.action, event.to_status) == ("permits.permit.activated", "active")
    assert new_rows(outbox) == [("opscom", "parking.push"), ("opscom", "parking.push")]
    assert {v.parking_state for v in type(vehicles[0]).objects.filter(permit=permit)} == {ParkingState.REQUESTED}


def test_extend_end_updates_the_pass_and_each_parking_permit():
    permit = parked_permit(2)
    outbox = last_id()
    services.permit_extend(
        actor=Actor.system("t"), permit=permit, valid_till=permit.valid_till + datetime.timedelta(days=3)
    )
    assert new_rows(outbox) == [
        ("buzzin", "permit.update_validity"),
        ("opscom", "parking.update"),
        ("opscom", "parking.update"),
    ]


def test_extend_start_deletes_and_pushes_parking_again():
    permit = parked_permit(1)
    outbox = last_id()
    services.permit_extend(
        actor=Actor.system("t"),
        permit=permit,
        valid_from=permit.valid_from + datetime.timedelta(days=1),
        valid_till=permit.valid_till + datetime.timedelta(days=1),
    )
    assert new_rows(outbox) == [
        ("buzzin", "permit.update_validity"),
        ("opscom", "parking.delete"),
        ("opscom", "parking.push"),
    ]


def test_extension_past_the_noc_is_refused_with_the_rule():
    permit = permit_in_status("active")
    with pytest.raises(ValidationError, match=r"The NOC expires on .*, before the permit ends on"):
        services.permit_extend(actor=Actor.system("t"), permit=permit, valid_till=in_days(400))


@pytest.mark.parametrize(
    ("service", "kwargs", "buzzin_ops"),
    [
        (services.permit_revoke, {"reason": "Breach."}, [("buzzin", "pass.revoke")]),
        (services.permit_expire, {}, []),
        (services.permit_archive, {"reason": "Contractor revoked."}, []),
    ],
)
def test_ending_moves_release_parking(service, kwargs, buzzin_ops):
    permit = parked_permit(2)
    outbox = last_id()
    service(actor=Actor.system("t"), permit=permit, **kwargs)
    assert new_rows(outbox) == [*buzzin_ops, ("opscom", "parking.delete"), ("opscom", "parking.delete")]


def test_reissue_asks_buzzin_for_a_new_code():
    permit = permit_in_status("active")
    outbox = last_id()
    services.permit_reissue(actor=Actor.system("t"), permit=permit)
    assert new_rows(outbox) == [("buzzin", "pass.reissue")]


def test_noc_versions_keep_history_and_notify_buzzin_once_it_knows_the_permit():
    permit = permit_in_status("active")
    outbox, audit = last_id(), last_audit_id()
    noc = services.noc_version_upload(
        actor=Actor.system("t"),
        permit=permit,
        noc_number="NOC-2",
        issue_date=datetime.date.today(),
        expiry_date=datetime.date.today() + datetime.timedelta(days=200),
        file=pdf_file(),
    )
    assert noc.version == 2 and noc.is_current
    assert list(permit.noc_versions.values_list("version", "is_current")) == [(2, True), (1, False)]
    assert [e.action for e in new_audit(audit)] == ["permits.noc.uploaded"]
    assert new_rows(outbox) == [("buzzin", "permit.replace_noc")]
    assert noc.file.name.startswith(f"nocs/{permit.pk}/") and "noc.pdf" not in noc.file.name
    assert noc.file.storage.exists(noc.file.name)


def test_noc_on_a_draft_is_not_pushed():
    permit = permit_in_status("draft")
    outbox = last_id()
    services.noc_version_upload(
        actor=Actor.system("t"),
        permit=permit,
        noc_number="NOC-2",
        issue_date=datetime.date.today(),
        expiry_date=datetime.date.today() + datetime.timedelta(days=200),
        file=pdf_file(),
    )
    assert new_rows(outbox) == []


def test_vehicle_changes_on_an_active_permit_follow_parking_and_the_gates():
    permit = parked_permit(1)
    vehicle = permit.vehicles.get()
    outbox = last_id()
    services.vehicle_change_plate(actor=Actor.system("t"), vehicle=vehicle, plate="dxb 999")
    added = services.vehicle_add(actor=Actor.system("t"), permit=permit, plate="shj-1")
    services.vehicle_remove(actor=Actor.system("t"), vehicle=vehicle)
    vehicle.refresh_from_db()
    assert (vehicle.plate, added.plate, added.position) == ("DXB999", "SHJ1", 2)
    assert vehicle.removed_at is not None
    rows = new_rows(outbox)
    assert [row for row in rows if row[0] == "opscom"] == [
        ("opscom", "parking.update"),
        ("opscom", "parking.push"),
        ("opscom", "parking.delete"),
    ]
    assert [row for row in rows if row[0] == "buzzin"] == [("buzzin", "permit.update_people")] * 3  # each change


def test_contractor_approval_creates_it_at_buzzin():
    membership = MembershipFactory(status=MembershipStatus.PENDING)
    outbox, audit = last_id(), last_audit_id()
    contractor_approve(actor=Actor.system("t"), membership=membership)
    assert [(e.action, e.from_status, e.to_status) for e in new_audit(audit)] == [
        ("contractors.membership.approved", "pending", "approved")
    ]
    assert new_rows(outbox) == [("buzzin", "contractor.create")]


def test_contractor_revocation_archives_live_permits_and_releases_parking():
    permit = parked_permit(1)
    untouched = permit_in_status("draft", community=permit.community, contractor=permit.contractor)
    membership = permit.contractor.memberships.get(community=permit.community)
    set_buzzin_membership(membership, "approved", buzzin_id="66e0000000000000000000f1")
    outbox = last_id()
    services.contractor_revoke(actor=Actor.system("t"), membership=membership, reason="Licence fraud.")
    permit.refresh_from_db()
    untouched.refresh_from_db()
    assert (permit.status, untouched.status) == (PermitStatus.ARCHIVED, PermitStatus.DRAFT)
    assert new_rows(outbox) == [("buzzin", "contractor.revoke"), ("opscom", "parking.delete")]


def test_a_failure_part_way_leaves_nothing_behind(monkeypatch):
    """The event is written, one subscriber has planned its rows, the next one fails: all rolls back."""
    from portal.integrations.opscom.subscriber import subscriber as opscom

    permit = permit_in_status("submitted")
    outbox, audit = last_id(), last_audit_id()
    planned_before_failure = []

    def failing_plan(events):
        planned_before_failure.extend(new_rows(outbox))
        raise RuntimeError("database went away")

    monkeypatch.setattr(opscom, "plan", failing_plan)
    with pytest.raises(RuntimeError):
        services.permit_approve(actor=Actor.system("t"), permit=permit)
    assert planned_before_failure == [("buzzin", "permit.create"), ("buzzin", "permit.submit")]
    permit.refresh_from_db()
    assert permit.status == PermitStatus.SUBMITTED
    assert new_audit(audit) == []
    assert new_rows(outbox) == []


def test_submit_lists_what_is_missing():
    permit = permit_in_status("draft", with_worker=False, representative_name="")
    with pytest.raises(ValidationError) as caught:
        services.permit_submit(actor=Actor.system("t"), permit=permit)
    assert caught.value.messages == [
        "The permit cannot be submitted yet. Still missing: the representative's name; at least one worker."
    ]


def test_draft_for_an_unapproved_contractor_is_refused():
    from tests.factories import PropertyFactory, UnitFactory

    membership = MembershipFactory(status=MembershipStatus.PENDING)
    prop = PropertyFactory(community=membership.community)
    with pytest.raises(ValidationError, match="is not approved to work in"):
        services.permit_create_draft(
            actor=Actor.system("t"),
            contractor=membership.contractor,
            property=prop,
            main_unit=UnitFactory(property=prop),
            valid_from=in_days(1),
            valid_till=in_days(5),
        )
    assert Permit.objects.count() == 0


def test_units_of_another_property_are_refused():
    from tests.factories import PropertyFactory, UnitFactory

    membership = MembershipFactory()
    prop = PropertyFactory(community=membership.community)
    other = UnitFactory()
    with pytest.raises(ValidationError, match=rf"Unit {other.external_id} is not in"):
        services.permit_create_draft(
            actor=Actor.system("t"),
            contractor=membership.contractor,
            property=prop,
            main_unit=UnitFactory(property=prop),
            additional_units=[other],
            valid_from=in_days(1),
            valid_till=in_days(5),
        )
    assert Permit.objects.count() == 0
