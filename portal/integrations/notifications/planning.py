"""Notifications from domain events, written in the event's transaction with a fixed number of queries.

A rolled-back change leaves no notification and no e-mail: both are rows of the same transaction,
and the e-mails are handed to the worker only after it commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from contractors.models import ContractorMembership
from permits.models import Permit
from portal.core.models import AuditEvent

from .kinds import BY_EVENT, CONTRACTOR, LEAD, MANAGER, OPERATOR
from .models import Notification
from .preferences import email_choices, email_route
from .recipients import Recipient, community_leads, community_managers, company_users, operators

PERMIT_TARGET = Permit._meta.model_name
DEADLINE_EVENTS = ("permits.permit.decision_due_soon", "permits.permit.decision_overdue")
MEMBERSHIP_TARGET = ContractorMembership._meta.model_name


@dataclass(frozen=True)
class About:
    """What an event is about: whose company, which community, and what its notifications show."""

    contractor_id: int
    community_id: int
    data: dict


def notifications_from_events(events: Sequence[AuditEvent]) -> list[Notification]:
    chosen = [(event, kind) for event in events for kind in BY_EVENT.get(event.action, ())]
    if not chosen:
        return []
    abouts = _abouts([event for event, _ in chosen])
    _note_company_attention([event for event, _ in chosen], abouts)
    audiences = _Audiences(abouts.values(), {audience for _, kind in chosen for audience in kind.audiences})
    planned = []
    for event, kind in chosen:
        about = abouts.get(event.pk)
        if about is None:
            continue  # its target is gone
        seen = {event.actor_id}  # nobody hears of what they did themselves
        for audience in kind.audiences:
            for recipient in audiences.of(audience, about):
                if recipient.pk not in seen:
                    seen.add(recipient.pk)
                    planned.append((event, kind, about, recipient))
    choices = email_choices((recipient.pk for *_, recipient in planned), (kind.slug for _, kind in chosen))
    rows = [
        Notification(
            recipient_id=recipient.pk,
            kind=kind.slug,
            key=f"event:{event.pk}",
            event=event,  # the instance: the deliveries planned next name it without another query
            community_id=about.community_id,
            data={**about.data, **_event_data(event)},
            email=email_route(kind, choices.get((recipient.pk, kind.slug)), recipient.email),
            created_at=event.at,
        )
        for event, kind, about, recipient in planned
    ]
    return Notification.objects.bulk_create(rows)


class _Audiences:
    """The recipients of every audience the batch needs, read once."""

    def __init__(self, abouts: Iterable[About], needed: set[str]):
        abouts = list(abouts)
        self.company = company_users(a.contractor_id for a in abouts) if CONTRACTOR in needed else {}
        self.managers = community_managers(a.community_id for a in abouts) if MANAGER in needed else {}
        self.leads = community_leads(a.community_id for a in abouts) if LEAD in needed else {}
        self.operators = operators() if OPERATOR in needed else []

    def of(self, audience: str, about: About) -> list[Recipient]:
        if audience == CONTRACTOR:
            return self.company.get(about.contractor_id, [])
        if audience == MANAGER:
            return self.managers.get(about.community_id, [])
        if audience == LEAD:
            return self.leads.get(about.community_id, [])
        return self.operators


def _abouts(events: list[AuditEvent]) -> dict[int, About]:
    """Event id → what it is about: one query for the permits, one for the memberships."""
    ids = {PERMIT_TARGET: set(), MEMBERSHIP_TARGET: set()}
    for event in events:
        if event.target_type in ids:
            ids[event.target_type].add(int(event.target_id))
    permits = {
        row["pk"]: About(
            row["contractor_id"],
            row["community_id"],
            {
                "permit": row["pk"],
                "reference": row["reference"],
                "contractor": row["contractor_id"],
                "company": row["contractor__company_name"],
                "community_name": row["community__name"],
                "time_zone": row["community__time_zone"],
            },
        )
        for row in Permit.objects.filter(pk__in=ids[PERMIT_TARGET]).values(
            "pk",
            "reference",
            "contractor_id",
            "community_id",
            "contractor__company_name",
            "community__name",
            "community__time_zone",
        )
    }
    memberships = {
        row["pk"]: About(
            row["contractor_id"],
            row["community_id"],
            {
                "membership": row["pk"],
                "contractor": row["contractor_id"],
                "company": row["contractor__company_name"],
                "community_name": row["community__name"],
            },
        )
        for row in ContractorMembership.objects.filter(pk__in=ids[MEMBERSHIP_TARGET]).values(
            "pk", "contractor_id", "community_id", "contractor__company_name", "community__name"
        )
    }
    by_type = {PERMIT_TARGET: permits, MEMBERSHIP_TARGET: memberships}
    abouts = {}
    for event in events:
        about = by_type.get(event.target_type, {}).get(int(event.target_id))
        if about is not None:
            abouts[event.pk] = about
    return abouts


def _note_company_attention(events: list[AuditEvent], abouts: dict[int, About]) -> None:
    """An approval of a permit whose company the gates refused says so, not "the pass is being issued" (one query)."""
    approved = [abouts[e.pk] for e in events if e.action == "permits.permit.approved" and e.pk in abouts]
    if not approved:
        return
    refused = set(
        ContractorMembership.objects.filter(
            contractor_id__in={a.contractor_id for a in approved},
            community_id__in={a.community_id for a in approved},
            attention_since__isnull=False,
        ).values_list("contractor_id", "community_id")
    )
    for about in approved:
        if (about.contractor_id, about.community_id) in refused:
            about.data["company_needs_attention"] = True


def _event_data(event: AuditEvent) -> dict:
    """What the event itself adds: the reason or note, the new end, the end asked for."""
    data = {"reason": event.reason} if event.reason else {}
    if event.action.endswith(".needs_attention"):
        data["by"] = event.data.get("by", "")
        if event.data.get("reason_i18n"):
            data["reason_i18n"] = event.data["reason_i18n"]
        if event.target_type == MEMBERSHIP_TARGET:
            data["variant"] = "company"
    elif event.action == "permits.permit.extended":
        till = event.data.get("valid_till")
        if isinstance(till, list) and len(till) == 2:
            data["valid_till"] = till[1]
    elif event.action in ("permits.permit.extension_requested", "permits.permit.extension_declined") and event.data.get(
        "requested_till"
    ):
        data["requested_till"] = event.data["requested_till"]
    elif event.action in DEADLINE_EVENTS and event.data.get("due_at"):
        data["deadline"] = event.data["due_at"]
        data["variant"] = "extension" if event.data.get("stage") == "extension" else ""
    elif event.data.get("pass_number"):
        data["pass_number"] = event.data["pass_number"]
    return data
