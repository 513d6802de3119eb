"""The daily reminders, as notifications: each goes to each person once per threshold (``services.notify_once``).

- A permit ends within 7 days, then within 1 day: its contractor's users and its community's
  property managers. Keyed by the end, so an extended permit is reminded again of its new end.
- A permit's current NOC expires within 30 days, or before the permit ends: the contractor's users.
- A company's trade licence or insurance expires within 30 days (or has expired), or before the
  end of one of its live permits: its users, and the property managers of the communities where
  it has live permits. Keyed by the expiry date, so a renewed document starts afresh.

Each reminder is an in-app notification and, as the person chose, an e-mail sent by a worker after
commit. The unique (person, key) lets the job run twice, or twice at once, and still remind once.
"""

from __future__ import annotations

import datetime
import logging
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Max, Q
from django.utils import timezone

from contractors.local_time import contractor_today_q, contractor_todays
from contractors.models import Contractor, ContractorMembership
from permits.choices import PermitStatus
from permits.models import NocVersion, Permit
from permits.validators import local_date, validate_noc_covers_permit
from portal.core.local_time import community_today

from .recipients import Recipient, community_managers, company_users
from .services import notify_once

logger = logging.getLogger(__name__)

REMINDED_STATUSES = (PermitStatus.APPROVED, PermitStatus.ACTIVE)
PERMIT_THRESHOLDS = ((1, "1d"), (7, "7d"))  # nearest first
DOCUMENT_WINDOW_DAYS = 30


@dataclass
class Reminder:
    kind: str
    key: str
    data: dict
    audiences: list[tuple[list[Recipient], int | None]] = field(default_factory=list)  # (people, community id)


@dataclass
class ReminderResult:
    """Notifications written by one run (people reminded), per subject."""

    permits: int = 0
    nocs: int = 0
    documents: int = 0
    failed: int = 0  # reminders that could not be written: the next run tries again

    @property
    def sent(self) -> int:
        return self.permits + self.nocs + self.documents


def reminders_send(
    *, now: datetime.datetime | None = None, progress: Callable[[int, int], None] | None = None
) -> ReminderResult:
    """Write every reminder due at ``now`` (those already written are skipped)."""
    now = now or timezone.now()
    groups = {
        "permits": permit_end_reminders(now),
        "nocs": noc_reminders(now),
        "documents": document_reminders(now),
    }
    total, done, result = sum(len(items) for items in groups.values()), 0, ReminderResult()
    for name, reminders in groups.items():
        for reminder in reminders:
            try:
                setattr(result, name, getattr(result, name) + _notify(reminder))
            except Exception:
                logger.exception("reminder %s not written", reminder.key)
                result.failed += 1
            done += 1
            if progress is not None:
                progress(done, total)
    return result


def _notify(reminder: Reminder) -> int:
    written = 0
    for recipients, community_id in reminder.audiences:
        if recipients:
            written += len(
                notify_once(
                    kind=reminder.kind,
                    key=reminder.key,
                    recipients=recipients,
                    data=reminder.data,
                    community_id=community_id,
                )
            )
    return written


# Permits ending


def permit_end_reminders(now: datetime.datetime) -> list[Reminder]:
    longest = datetime.timedelta(days=PERMIT_THRESHOLDS[-1][0])
    permits = list(
        Permit.objects.filter(status__in=REMINDED_STATUSES, valid_till__gt=now, valid_till__lte=now + longest)
        .select_related("community", "contractor")
        .order_by("valid_till", "pk")
    )
    users = company_users(p.contractor_id for p in permits)
    managers = community_managers(p.community_id for p in permits)
    return [_permit_reminder(p, now, users[p.contractor_id], managers[p.community_id]) for p in permits]


def _permit_reminder(permit: Permit, now: datetime.datetime, users, managers) -> Reminder:
    tag = next(tag for days, tag in PERMIT_THRESHOLDS if permit.valid_till <= now + _d(days))
    return Reminder(
        kind="permit_ending",
        key=f"reminder:permit:{permit.pk}:ends-{tag}:{permit.valid_till:%Y%m%dT%H%M}",
        data={**permit_data(permit), "ends": permit.valid_till.isoformat(), "variant": tag},
        audiences=[(users, permit.community_id), (managers, permit.community_id)],
    )


def permit_data(permit: Permit) -> dict:
    """What a notification about a permit shows (the permit, its company and community loaded)."""
    return {
        "permit": permit.pk,
        "reference": permit.reference,
        "contractor": permit.contractor_id,
        "company": permit.contractor.company_name,
        "community_name": permit.community.name,
        "time_zone": permit.community.time_zone,
    }


# NOCs


def noc_reminders(now: datetime.datetime) -> list[Reminder]:
    nocs = list(
        NocVersion.objects.filter(is_current=True, permit__status__in=REMINDED_STATUSES)
        .select_related("permit__community", "permit__contractor")
        .order_by("expiry_date", "pk")
    )
    due = [(noc, tier) for noc in nocs if (tier := _noc_tier(noc, community_today(noc.permit.community, now)))]
    users = company_users(noc.permit.contractor_id for noc, _ in due)
    return [_noc_reminder(noc, tier, users[noc.permit.contractor_id]) for noc, tier in due]


def _noc_tier(noc: NocVersion, today: datetime.date) -> str:
    if noc.expiry_date <= today + _d(DOCUMENT_WINDOW_DAYS):
        return "30d"
    try:
        validate_noc_covers_permit(noc.expiry_date, noc.permit.valid_till, tz=noc.permit.community.tzinfo)
    except ValidationError:
        return "before-end"
    return ""


def _noc_reminder(noc: NocVersion, tier: str, users) -> Reminder:
    permit = noc.permit
    ends = local_date(permit.valid_till, permit.community.tzinfo)
    return Reminder(
        kind="noc_expiring",
        key=f"reminder:noc:{noc.pk}:{tier}",
        data={
            **permit_data(permit),
            "noc_number": noc.noc_number,
            "expiry": noc.expiry_date.isoformat(),
            "permit_ends": ends.isoformat(),
            "before_end": noc.expiry_date < ends,
        },
        audiences=[(users, permit.community_id)],
    )


# Trade licence and insurance


DOCUMENTS = (("trade_licence_expiry", "trade-licence", "trade_licence"), ("insurance_expiry", "insurance", "insurance"))


@dataclass(frozen=True)
class _DocumentDue:
    contractor: Contractor
    slug: str  # in the key
    document: str  # in the data: the document kind
    expiry: datetime.date
    tier: str
    today: datetime.date  # the company's (``contractors.local_time``)
    last_live_end: datetime.date | None  # the last day of its live permits, each on its community's clock


def document_reminders(now: datetime.datetime) -> list[Reminder]:
    contractors = list(_contractors_to_check(now))
    todays = contractor_todays((contractor.pk for contractor in contractors), now=now)
    ends = last_live_end_days(contractor.pk for contractor in contractors)
    due = []
    for contractor in contractors:
        today, last_live_end = todays[contractor.pk], ends.get(contractor.pk)
        for attribute, slug, document in DOCUMENTS:
            expiry = getattr(contractor, attribute)
            if tier := _document_tier(expiry, last_live_end, today):
                due.append(_DocumentDue(contractor, slug, document, expiry, tier, today, last_live_end))
    contractor_ids = [item.contractor.pk for item in due]
    users = company_users(contractor_ids)
    communities = live_permit_communities(contractor_ids)
    managers = community_managers(pk for ids in communities.values() for pk in ids)
    home = home_communities(contractor_ids)
    return [
        _document_reminder(
            item,
            users[item.contractor.pk],
            [(managers[pk], pk) for pk in sorted(communities[item.contractor.pk])],
            home.get(item.contractor.pk),
        )
        for item in due
    ]


def _contractors_to_check(now: datetime.datetime):
    def lapsing(today: datetime.date) -> Q:
        soon = today + _d(DOCUMENT_WINDOW_DAYS)
        return Q(trade_licence_expiry__lte=soon) | Q(insurance_expiry__lte=soon)

    with_live_permits = Q(pk__in=Permit.objects.filter(status__in=REMINDED_STATUSES).values("contractor_id"))
    return Contractor.objects.filter(contractor_today_q(lapsing, now=now) | with_live_permits).order_by("pk")


def last_live_end_days(contractor_ids: Iterable[int]) -> dict[int, datetime.date]:
    """Each company's last day of work under a live permit, on the permit's community's clock (one query)."""
    rows = (
        Permit.objects.filter(contractor_id__in=set(contractor_ids), status__in=REMINDED_STATUSES)
        .order_by()
        .values_list("contractor_id", "community__time_zone")
        .annotate(end=Max("valid_till"))
    )
    days: dict[int, datetime.date] = {}
    for contractor_id, zone, end in rows:
        day = local_date(end, zoneinfo.ZoneInfo(zone))
        days[contractor_id] = max(day, days.get(contractor_id, day))
    return days


def _document_tier(expiry: datetime.date | None, last_live_end: datetime.date | None, today: datetime.date) -> str:
    if expiry is None:
        return ""
    if expiry <= today + _d(DOCUMENT_WINDOW_DAYS):
        return "30d"
    if last_live_end is not None and expiry < last_live_end:
        return "before-end"
    return ""


def _document_reminder(item: _DocumentDue, users, managers, home: int | None) -> Reminder:
    contractor, expiry, ends = item.contractor, item.expiry, item.last_live_end
    live = [community_id for _, community_id in managers]
    return Reminder(
        kind="document_expiring",
        key=f"reminder:contractor:{contractor.pk}:{item.slug}:{expiry:%Y%m%d}:{item.tier}",
        data={
            "contractor": contractor.pk,
            "company": contractor.company_name,
            "document": item.document,
            "expiry": expiry.isoformat(),
            "variant": "expired" if expiry < item.today else "",
            "last_live_end": ends.isoformat() if ends else None,
            "before_end": ends is not None and expiry < ends,
        },
        audiences=[(users, live[0] if live else home), *managers],
    )


def live_permit_communities(contractor_ids: Iterable[int]) -> defaultdict[int, set[int]]:
    rows = Permit.objects.filter(contractor_id__in=set(contractor_ids), status__in=REMINDED_STATUSES)
    communities = defaultdict(set)
    for contractor_id, community_id in rows.values_list("contractor_id", "community_id").distinct():
        communities[contractor_id].add(community_id)
    return communities


def home_communities(contractor_ids: Iterable[int]) -> dict[int, int]:
    """A community each company belongs to (its first membership), for reminders outside any live permit."""
    rows = ContractorMembership.objects.filter(contractor_id__in=set(contractor_ids)).order_by("-pk")
    return dict(rows.values_list("contractor_id", "community_id"))


def _d(days: int) -> datetime.timedelta:
    return datetime.timedelta(days=days)
