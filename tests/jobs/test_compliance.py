"""Compliance: lapsed licence or insurance flags live permits, suspends them where the community says so."""

import datetime

import pytest
from django.core.management import call_command

from permits.choices import PermitStatus
from permits.selectors.compliance import permits_with_compliance_issues
from permits.services.compliance import compliance_check, contractor_compliance_refresh
from portal.core.models import AuditEvent
from portal.integrations.delivery.models import OutboundDelivery
from tests.factories import CommunityFactory, PermitFactory, StaffMembershipFactory, UserFactory

from .conftest import BASE, live_permit

pytestmark = pytest.mark.django_db


def lapsed_contractor_permits(*, suspend: bool):
    community = CommunityFactory(suspend_on_compliance_lapse=suspend)
    active = live_permit(community, ends=BASE + datetime.timedelta(days=20))
    contractor = active.contractor
    contractor.trade_licence_expiry = datetime.date(2026, 7, 30)
    contractor.save()
    approved = live_permit(community, ends=BASE + datetime.timedelta(days=9), status=PermitStatus.APPROVED)
    approved.contractor = contractor
    approved.save()
    draft = PermitFactory(community=community, contractor=contractor)
    return active, approved, draft


def test_a_lapsed_licence_flags_live_permits_and_a_renewal_clears_them():
    active, approved, draft = lapsed_contractor_permits(suspend=False)
    bystander = live_permit(ends=BASE + datetime.timedelta(days=20))

    result = compliance_check(now=BASE)

    assert (result.flagged, result.suspended, result.cleared) == (2, 0, 0)
    for permit in (active, approved):
        permit.refresh_from_db()
        assert permit.compliance_issue == "Trade licence expired on 30 Jul 2026."
        assert permit.status in (PermitStatus.ACTIVE, PermitStatus.APPROVED)
    draft.refresh_from_db()
    bystander.refresh_from_db()
    assert draft.compliance_issue == bystander.compliance_issue == ""
    flags = AuditEvent.objects.filter(action="permits.permit.compliance_flagged")
    assert sorted(flags.values_list("target_id", flat=True)) == sorted([str(active.pk), str(approved.pk)])
    assert set(flags.values_list("reason", flat=True)) == {"Trade licence expired on 30 Jul 2026."}
    assert compliance_check(now=BASE).flagged == 0  # nothing changed: no second event

    contractor = active.contractor
    contractor.trade_licence_expiry = datetime.date(2027, 7, 30)
    contractor.save()
    assert compliance_check(now=BASE).cleared == 2
    active.refresh_from_db()
    assert active.compliance_issue == ""
    assert AuditEvent.objects.filter(action="permits.permit.compliance_cleared").count() == 2


def test_both_documents_lapsed_are_named():
    active, _, _ = lapsed_contractor_permits(suspend=False)
    active.contractor.insurance_expiry = datetime.date(2026, 7, 1)
    active.contractor.save()
    compliance_check(now=BASE)
    active.refresh_from_db()
    assert active.compliance_issue == "Trade licence expired on 30 Jul 2026. Insurance expired on 01 Jul 2026."


def test_the_community_setting_suspends_with_a_reason_the_contractor_can_read():
    active, approved, draft = lapsed_contractor_permits(suspend=True)
    result = compliance_check(now=BASE)
    assert result.suspended == 2
    reason = "Suspended: the company's trade licence expired on 30 Jul 2026."
    for permit in (active, approved):
        permit.refresh_from_db()
        assert permit.status == PermitStatus.REVOKED
        assert permit.revocation_reason == reason
        assert permit.compliance_issue == "Trade licence expired on 30 Jul 2026."
    revokes = OutboundDelivery.objects.filter(operation="pass.revoke", target_id=str(active.pk))
    assert [d.params for d in revokes] == [{"reason": reason}]
    assert AuditEvent.objects.filter(action="permits.permit.revoked", reason=reason).count() == 2
    draft.refresh_from_db()
    assert draft.status == PermitStatus.DRAFT
    assert compliance_check(now=BASE).checked == 0


def test_the_licence_expiring_today_is_still_valid():
    active, _, _ = lapsed_contractor_permits(suspend=True)
    assert compliance_check(now=BASE - datetime.timedelta(days=2)).checked == 0
    active.refresh_from_db()
    assert active.status == PermitStatus.ACTIVE


def test_contractor_refresh_after_a_renewal_clears_at_once():
    active, _, _ = lapsed_contractor_permits(suspend=False)
    compliance_check(now=BASE)
    active.contractor.trade_licence_expiry = datetime.date(2027, 1, 1)
    active.contractor.save()
    assert contractor_compliance_refresh(contractor=active.contractor, now=BASE).cleared == 2


def test_the_dashboard_selector_is_scoped_to_the_managers_communities():
    active, approved, _ = lapsed_contractor_permits(suspend=False)
    other_active, other_approved, _ = lapsed_contractor_permits(suspend=False)
    compliance_check(now=BASE)
    manager = StaffMembershipFactory(community=active.community).user
    operator = UserFactory(is_staff=True, is_superuser=True)
    assert set(permits_with_compliance_issues(manager)) == {active, approved}
    assert set(permits_with_compliance_issues(operator)) == {active, approved, other_active, other_approved}
    assert permits_with_compliance_issues(UserFactory(is_staff=True)).count() == 0


def test_the_command_reports_what_it_did(capsys):
    lapsed_contractor_permits(suspend=True)
    call_command("check_compliance")
    out = capsys.readouterr().out
    assert "2 flagged" in out and "2 suspended" in out
