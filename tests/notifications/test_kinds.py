"""Per kind: the event happens, the right people (and only they) get one in-app item and one e-mail."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contractors.choices import MembershipStatus
from contractors.models import ContractorMembership
from contractors.services import contractor_approve, contractor_register, membership_attention_raise
from permits import services
from permits.models import PermitDecision
from permits.services import permit_attention_raise
from permits.services.contractors import contractor_revoke
from permits.services.deadlines import decision_escalate, decision_remind
from portal.core.actors import Actor
from portal.core.models import AuditEvent, StaffMembership
from portal.integrations.notifications.kinds import BY_EVENT, KINDS
from portal.integrations.notifications.messages import notification_email
from portal.integrations.notifications.models import Notification
from portal.integrations.notifications.subscriber import subscriber
from tests.factories import permit_in_status

from .conftest import drain, mailed, notified

pytestmark = pytest.mark.django_db
COMPANY, MANAGERS = ["ali", "bea"], ["pm"]
BUZZIN = Actor.partner("Buzz-In")


@dataclass(frozen=True)
class Case:
    kind: str
    status: str  # the permit's status before (ignored for company cases)
    act: Callable  # (site, permit) -> None: the change, made by the manager or a company user
    people: list[str]
    subject: str  # "{ref}" stands for the permit's reference
    body: str  # a phrase the text and HTML bodies carry
    link: str  # the page the mail links to; "{ref}", "{pk}", "{membership}" filled in
    also: tuple = ()  # (people, subject) that the same event raises under its other kind (needs attention)


def manager(site):
    return Actor.for_user(site.managers[0])


def ali(site):
    return Actor.for_user(site.users[0])


def _membership(site):
    return ContractorMembership.objects.get(contractor=site.contractor, community=site.community)


def _open_wait(permit) -> int:
    return PermitDecision.objects.get(permit=permit, decided_at__isnull=True).pk


def _escalate_to_lead(site, permit):
    StaffMembership.objects.filter(user=site.managers[0]).update(is_lead=True)
    decision_escalate(decision_id=_open_wait(permit), now=timezone.now())


def _revoke_company(site, permit):
    contractor_revoke(actor=manager(site), membership=_membership(site), reason="Unsafe scaffolding.")


def _approve_company(site, permit):
    ContractorMembership.objects.filter(pk=_membership(site).pk).update(status=MembershipStatus.PENDING)
    contractor_approve(actor=manager(site), membership=_membership(site))


def _register(site, permit):
    company = {
        "company_name": "Fresh Fitters LLC",
        "contact_name": "Nadia",
        "email": "office@fresh.example",
        "phone": "+971509998877",
        "communities": [site.community],
    }
    contractor_register(company=company, email="nadia@fresh.example", password="a-long-pass-phrase-9")


def _decline(site, permit):
    services.permit_request_extension(actor=ali(site), permit=permit, valid_till=_later(permit, 3))
    Notification.objects.all().delete()
    services.permit_extension_decline(actor=manager(site), permit=permit, reason="The tower is closed that week.")


def _later(permit, days=5):
    return permit.valid_till + datetime.timedelta(days=days)


PERMIT_PAGE = "https://permits.example.com/permits/{ref}/"
ADMIN_PERMIT = "https://permits.example.com/admin/permits/permit/{pk}/change/"

CASES = [
    Case(
        "permit_approved",
        "submitted",
        lambda s, p: services.permit_approve(actor=manager(s), permit=p),
        COMPANY,
        "Work permit {ref} is approved",
        "The gate pass is being issued",
        "https://permits.example.com/permits/{ref}/pass/",
    ),
    Case(
        "pass_issued",
        "approved",
        lambda s, p: services.permit_pass_issue(actor=BUZZIN, permit=p, pass_number="WP-7", access_code="K7"),
        COMPANY,
        "The pass of work permit {ref} is ready",
        "Pass number: WP-7.",
        "https://permits.example.com/permits/{ref}/pass/",
    ),
    Case(
        "pass_issued",
        "active",  # a reissued pass
        lambda s, p: services.permit_pass_issue(actor=BUZZIN, permit=p, pass_number="WP-8", access_code="K8"),
        COMPANY,
        "The pass of work permit {ref} is ready",
        "Pass number: WP-8.",
        "https://permits.example.com/permits/{ref}/pass/",
    ),
    Case(
        "changes_requested",
        "submitted",
        lambda s, p: services.permit_request_changes(actor=manager(s), permit=p, note="Add the second NOC page."),
        COMPANY,
        "Work permit {ref} needs changes",
        "Add the second NOC page.",
        PERMIT_PAGE,
    ),
    Case(
        "permit_rejected",
        "submitted",
        lambda s, p: services.permit_reject(actor=manager(s), permit=p, reason="Unit under dispute."),
        COMPANY,
        "Work permit {ref} was rejected",
        "Reason: Unit under dispute.",
        PERMIT_PAGE,
    ),
    Case(
        "permit_revoked",
        "active",
        lambda s, p: services.permit_revoke(actor=manager(s), permit=p, reason="Work outside the hours."),
        COMPANY,
        "The pass of work permit {ref} was revoked",
        "Reason: Work outside the hours.",
        PERMIT_PAGE,
    ),
    Case(
        "extension_decided",
        "active",
        lambda s, p: services.permit_extend(actor=manager(s), permit=p, valid_till=_later(p)),
        COMPANY,
        "Work permit {ref} now runs until {till}",
        "is now valid until",
        PERMIT_PAGE,
    ),
    Case(
        "company_approved",
        "",
        _approve_company,
        COMPANY,
        "Al Noor LLC is approved in Akoya",
        "Its users can now submit work permits there.",
        "https://permits.example.com/company/",
    ),
    Case(
        "company_revoked",
        "",
        _revoke_company,
        COMPANY,
        "Al Noor LLC was revoked in Akoya",
        "Reason: Unsafe scaffolding.",
        "https://permits.example.com/company/",
    ),
    Case(
        "permit_submitted",
        "draft",
        lambda s, p: services.permit_submit(actor=ali(s), permit=p),
        MANAGERS,
        "Work permit {ref} of Al Noor LLC waits for approval",
        "Al Noor LLC submitted work permit {ref} in Akoya for approval.",
        ADMIN_PERMIT,
    ),
    Case(
        "extension_requested",
        "active",
        lambda s, p: services.permit_request_extension(
            actor=ali(s), permit=p, valid_till=_later(p, 3), note="Tiles arrive late."
        ),
        MANAGERS,
        "Al Noor LLC asks to extend work permit {ref} to {till3}",
        "Their note: Tiles arrive late.",
        ADMIN_PERMIT,
    ),
    Case(
        "approval_deadline",
        "submitted",
        lambda s, p: decision_remind(decision_id=_open_wait(p), now=timezone.now()),
        MANAGERS,
        "Work permit {ref} must be decided by {due}",
        "Work permit {ref} of Al Noor LLC waits for a decision by",
        ADMIN_PERMIT,
    ),
    Case(
        "approval_overdue",
        "submitted",
        _escalate_to_lead,
        MANAGERS,  # the manager made team lead
        "Overdue: work permit {ref} was due for a decision by {due}",
        "and is still waiting.",
        ADMIN_PERMIT,
    ),
    Case(
        "extension_declined",
        "active",
        lambda s, p: _decline(s, p),
        COMPANY,
        "The extension of work permit {ref} was declined",
        "Reason: The tower is closed that week.",
        PERMIT_PAGE,
    ),
    Case(
        "partner_refused",
        "approved",
        lambda s, p: permit_attention_raise(actor=BUZZIN, permit=p, reason="Unit A-101 is unknown.", by="manager"),
        COMPANY,
        "Work permit {ref} needs your attention",
        "The property management corrects it; you need not do anything.",
        PERMIT_PAGE,
        also=((MANAGERS, "Work permit {ref} needs attention"),),
    ),
    Case(
        "push_attention",
        "",
        lambda s, p: membership_attention_raise(
            actor=BUZZIN, membership=_membership(s), reason="Phone refused.", by="company"
        ),
        MANAGERS,
        "Al Noor LLC needs attention in Akoya",
        "The company was asked to correct its contact details",
        "https://permits.example.com/admin/contractors/contractormembership/{company_membership}/change/",
        also=((COMPANY, "Al Noor LLC needs your attention in Akoya"),),
    ),
    Case(
        "company_waiting",
        "",
        _register,
        MANAGERS,
        "Fresh Fitters LLC asks to work in Akoya",
        "Fresh Fitters LLC asks to work in Akoya and waits for approval.",
        "https://permits.example.com/admin/contractors/contractormembership/{membership}/change/",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[f"{case.kind}-from-{case.status or 'company'}" for case in CASES])
def test_the_right_people_get_one_item_and_one_mail(site, case):
    permit = None
    if case.status:
        permit = permit_in_status(case.status, community=site.community, contractor=site.contractor)
    Notification.objects.all().delete()  # what the set-up itself raised

    case.act(site, permit)

    assert notified(case.kind) == case.people
    others = [name for people, _ in case.also for name in people]
    assert notified() == sorted(case.people + others)  # nothing else, for nobody else
    drain()
    fill = _fill(site, permit)
    subject = case.subject.format(**fill)
    expected = [(f"{name}@example.com", subject) for name in case.people]
    expected += [(f"{name}@example.com", other.format(**fill)) for people, other in case.also for name in people]
    assert mailed() == sorted(expected)
    for message in mail.outbox:
        if message.to[0] not in [f"{name}@example.com" for name in case.people]:
            continue
        html, mimetype = message.alternatives[0]
        assert mimetype == "text/html"
        link = case.link.format(**fill)
        assert case.body.format(**fill) in message.body
        assert case.body.format(**fill).replace("'", "&#x27;") in html
        assert link in message.body
        assert f'href="{link}"' in html
        assert "Permit portal" in message.body and "Permit portal" in html  # the portal's name
    drain()
    assert len(mail.outbox) == len(expected)  # a second pass sends nothing more


def _fill(site, permit) -> dict:
    fill = {"membership": ContractorMembership.objects.order_by("-pk").values_list("pk", flat=True).first()}
    fill["company_membership"] = _membership(site).pk
    if permit is not None:
        permit.refresh_from_db()
        local = permit.valid_till.astimezone(site.community.tzinfo)
        requested = permit.extension_requested_till
        fill |= {"ref": permit.reference, "pk": permit.pk, "till": f"{local:%d %b %Y, %H:%M}"}
        if permit.decision_due_at:
            fill["due"] = f"{permit.decision_due_at.astimezone(site.community.tzinfo):%d %b %Y, %H:%M}"
        if requested:
            fill["till3"] = f"{requested.astimezone(site.community.tzinfo):%d %b %Y, %H:%M}"
    return fill


def test_every_kind_raised_by_an_event_has_a_case():
    """Written out, not read from the table: a new event in the table needs its own case above."""
    assert {case.kind for case in CASES} == {kind.slug for kind in KINDS if kind.events}


def test_the_table_maps_these_events():
    single = {
        "permits.permit.approved": "permit_approved",
        "permits.permit.activated": "pass_issued",
        "permits.pass.reissued": "pass_issued",
        "permits.permit.changes_requested": "changes_requested",
        "permits.permit.rejected": "permit_rejected",
        "permits.permit.revoked": "permit_revoked",
        "permits.permit.extended": "extension_decided",
        "permits.permit.extension_declined": "extension_declined",
        "contractors.membership.approved": "company_approved",
        "contractors.membership.revoked": "company_revoked",
        "permits.permit.submitted": "permit_submitted",
        "permits.permit.extension_requested": "extension_requested",
        "contractors.membership.requested": "company_waiting",
        "permits.permit.decision_due_soon": "approval_deadline",
        "permits.permit.decision_overdue": "approval_overdue",
    }
    attention = ["partner_refused", "push_attention"]  # the company and the managers, each in their words
    assert {event: [kind.slug for kind in kinds] for event, kinds in BY_EVENT.items()} == {
        **{event: [slug] for event, slug in single.items()},
        "permits.permit.needs_attention": attention,
        "contractors.membership.needs_attention": attention,
    }


def test_the_person_who_acted_hears_nothing_of_it(site):
    """A company user submits: the managers hear of it; the submitter, in no audience here, nothing."""
    permit = permit_in_status("approved", community=site.community, contractor=site.contractor)
    Notification.objects.all().delete()
    services.permit_revoke(actor=Actor.for_user(site.users[0]), permit=permit, reason="We stop the works.")
    assert notified("permit_revoked") == ["bea"]


def test_a_user_without_an_address_gets_the_item_but_no_mail(site):
    site.users[1].email = ""
    site.users[1].save()
    permit = permit_in_status("submitted", community=site.community, contractor=site.contractor)
    services.permit_approve(actor=manager(site), permit=permit)
    drain()
    assert notified("permit_approved") == COMPANY
    assert [message.to for message in mail.outbox if "is approved" in message.subject] == [["ali@example.com"]]


def test_inactive_users_hear_nothing(site):
    site.users[1].is_active = False
    site.users[1].save()
    permit = permit_in_status("submitted", community=site.community, contractor=site.contractor)
    services.permit_approve(actor=manager(site), permit=permit)
    assert notified("permit_approved") == ["ali"]


def test_planning_reads_the_same_number_of_times_for_one_event_or_many(site):
    """The subscriber runs inside every change: its reads do not grow with the events of a batch."""
    permits = [permit_in_status("approved", community=site.community, contractor=site.contractor) for _ in range(5)]
    events = list(AuditEvent.objects.filter(action="permits.permit.approved", target_id__in=[p.pk for p in permits]))
    Notification.objects.all().delete()

    def queries(batch) -> int:
        with CaptureQueriesContext(connection) as captured:
            subscriber.receive(batch)
        return len(captured)

    one, many = queries(events[:1]), queries(events[1:])
    assert one == many
    assert Notification.objects.count() == 2 * len(events)


SAMPLE = {
    "reference": "REF-1",
    "company": "Al Noor LLC",
    "community_name": "Akoya",
    "time_zone": "Asia/Dubai",
    "reason": "Because.",
    "valid_till": "2026-09-01T10:00:00+00:00",
    "requested_till": "2026-09-05T10:00:00+00:00",
    "ends": "2026-09-01T10:00:00+00:00",
    "deadline": "2026-08-02T10:00:00+00:00",
    "expiry": "2026-09-01",
    "permit_ends": "2026-09-10",
    "noc_number": "NOC-1",
    "document": "insurance",
    "partner": "Buzz-In",
    "count": 2,
    "error": "401 Invalid API key",
    "subscriber": "buzzin",
    "community": 1,
    "contractor": 1,
    "membership": 1,
    "pass_number": "WP-1",
}


@pytest.mark.parametrize("kind", KINDS, ids=[kind.slug for kind in KINDS])
def test_every_kind_renders_its_mail_and_line(site, kind):
    """Those waiting for their event (#16, #21) too: their templates are ready."""
    notification = Notification(recipient=site.users[0], kind=kind.slug, key="k", data=SAMPLE, email="each")
    message = notification_email(notification, site.users[0])
    html = message.alternatives[0][0]
    assert message.subject and "…" not in message.subject
    assert message.body.startswith("Hello,") and "…" not in message.body
    assert str(kind.action) in message.body and str(kind.action) in html
