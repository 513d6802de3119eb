"""Reminder e-mails, each sent once per threshold and recipient (``portal.core.notifications.notify_once``).

- A permit ends within 7 days, then within 1 day: its contractor's users and its community's
  property managers. Keyed by the end, so an extended permit is reminded again of its new end.
- A permit's current NOC expires within 30 days, or before the permit ends: the contractor's users.
- A company's trade licence or insurance expires within 30 days (or has expired), or before the
  end of one of its live permits: its users, and the property managers of the communities where
  it has live permits. Keyed by the expiry date, so a renewed document starts afresh.

Contractor users get a link to the page where they act (``/permits/<reference>/``, ``/company/``),
managers a link to the admin. A NotificationLog row is claimed before each mail is sent, so the
job may run twice, or twice at once, and still send each mail once.
"""

from __future__ import annotations

import datetime
import logging
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Max, Q
from django.utils import timezone

from contractors.local_time import contractor_today_q, contractor_todays
from contractors.models import Contractor
from portal.core.choices import StaffRole
from portal.core.local_time import community_today
from portal.core.notifications import notify_once

from .choices import PermitStatus
from .models import NocVersion, Permit
from .validators import local_date, validate_noc_covers_permit

logger = logging.getLogger(__name__)

REMINDED_STATUSES = (PermitStatus.APPROVED, PermitStatus.ACTIVE)
PERMIT_THRESHOLDS = ((1, "1d", "within 24 hours"), (7, "7d", "within 7 days"))  # nearest first
DOCUMENT_WINDOW_DAYS = 30
TEMPLATES = "emails/reminders/"


@dataclass
class Reminder:
    key: str
    subject: str
    template: str
    context: dict
    audiences: list[tuple[list[str], str]] = field(default_factory=list)  # (recipients, link to act)


@dataclass
class ReminderResult:
    permits: int = 0
    nocs: int = 0
    documents: int = 0
    failed: int = 0  # reminders whose mail could not be sent: their claim is released, the next run retries

    @property
    def sent(self) -> int:
        return self.permits + self.nocs + self.documents


def reminders_send(
    *, now: datetime.datetime | None = None, progress: Callable[[int, int], None] | None = None
) -> ReminderResult:
    """Send every reminder due at ``now``; returns how many e-mails went out (already sent ones are skipped)."""
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
                setattr(result, name, getattr(result, name) + _send(reminder))
            except Exception:
                logger.exception("reminder %s not sent", reminder.key)
                result.failed += 1
            done += 1
            if progress is not None:
                progress(done, total)
    return result


def _send(reminder: Reminder) -> int:
    sent = 0
    for recipients, action_url in reminder.audiences:
        if recipients:
            sent += notify_once(
                key=reminder.key,
                recipients=recipients,
                subject=reminder.subject,
                template_base=TEMPLATES + reminder.template,
                context={**reminder.context, "action_url": action_url},
            )
    return sent


# Permits ending


def permit_end_reminders(now: datetime.datetime) -> list[Reminder]:
    longest = datetime.timedelta(days=PERMIT_THRESHOLDS[-1][0])
    permits = list(
        Permit.objects.filter(status__in=REMINDED_STATUSES, valid_till__gt=now, valid_till__lte=now + longest)
        .select_related("community", "contractor", "property", "main_unit")
        .order_by("valid_till", "pk")
    )
    users = contractor_emails(p.contractor_id for p in permits)
    managers = manager_emails(p.community_id for p in permits)
    return [_permit_reminder(p, now, users[p.contractor_id], managers[p.community_id]) for p in permits]


def _permit_reminder(permit: Permit, now: datetime.datetime, users: list[str], managers: list[str]) -> Reminder:
    tag, phrase = next((tag, phrase) for days, tag, phrase in PERMIT_THRESHOLDS if permit.valid_till <= now + _d(days))
    ends = permit.valid_till.astimezone(permit.community.tzinfo)
    return Reminder(
        key=f"reminder:permit:{permit.pk}:ends-{tag}:{permit.valid_till:%Y%m%dT%H%M}",
        subject=f"Work permit {permit.reference} ends {phrase}: {ends:%d %b %Y %H:%M}",
        template="permit_ending",
        context={"permit": permit, "ends": ends, "phrase": phrase, "time_zone": permit.community.time_zone},
        audiences=[(users, contractor_permit_url(permit)), (managers, admin_permit_url(permit))],
    )


# NOCs


def noc_reminders(now: datetime.datetime) -> list[Reminder]:
    nocs = list(
        NocVersion.objects.filter(is_current=True, permit__status__in=REMINDED_STATUSES)
        .select_related("permit__community", "permit__contractor", "permit__main_unit", "permit__property")
        .order_by("expiry_date", "pk")
    )
    due = [(noc, tier) for noc in nocs if (tier := _noc_tier(noc, community_today(noc.permit.community, now)))]
    users = contractor_emails(noc.permit.contractor_id for noc, _ in due)
    return [_noc_reminder(noc, tier, users[noc.permit.contractor_id]) for noc, tier in due]


def _noc_tier(noc: NocVersion, today: datetime.date) -> str:
    if noc.expiry_date <= today + _d(DOCUMENT_WINDOW_DAYS):
        return "30d"
    try:
        validate_noc_covers_permit(noc.expiry_date, noc.permit.valid_till, tz=noc.permit.community.tzinfo)
    except ValidationError:
        return "before-end"
    return ""


def _noc_reminder(noc: NocVersion, tier: str, users: list[str]) -> Reminder:
    permit = noc.permit
    ends = local_date(permit.valid_till, permit.community.tzinfo)
    return Reminder(
        key=f"reminder:noc:{noc.pk}:{tier}",
        subject=f"The NOC of work permit {permit.reference} expires on {noc.expiry_date:%d %b %Y}",
        template="noc_expiring",
        context={"noc": noc, "permit": permit, "ends": ends, "before_end": noc.expiry_date < ends},
        audiences=[(users, contractor_permit_url(permit))],
    )


# Trade licence and insurance


DOCUMENTS = (("trade_licence_expiry", "trade-licence", "trade licence"), ("insurance_expiry", "insurance", "insurance"))


@dataclass(frozen=True)
class _DocumentDue:
    contractor: Contractor
    slug: str
    label: str
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
        for attribute, slug, label in DOCUMENTS:
            expiry = getattr(contractor, attribute)
            if tier := _document_tier(expiry, last_live_end, today):
                due.append(_DocumentDue(contractor, slug, label, expiry, tier, today, last_live_end))
    users = contractor_emails(item.contractor.pk for item in due)
    communities = live_permit_communities(item.contractor.pk for item in due)
    managers = manager_emails(pk for ids in communities.values() for pk in ids)
    return [
        _document_reminder(item, users[item.contractor.pk], _union(managers, communities[item.contractor.pk]))
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


def _document_reminder(item: _DocumentDue, users: list[str], managers: list[str]) -> Reminder:
    contractor, expiry, ends = item.contractor, item.expiry, item.last_live_end
    expired = expiry < item.today
    return Reminder(
        key=f"reminder:contractor:{contractor.pk}:{item.slug}:{expiry:%Y%m%d}:{item.tier}",
        subject=f"{contractor.company_name}: {item.label} {'expired' if expired else 'expires'} on {expiry:%d %b %Y}",
        template="document_expiring",
        context={
            "contractor": contractor,
            "label": item.label,
            "expiry": expiry,
            "expired": expired,
            "last_live_end": ends,
            "before_end": ends is not None and expiry < ends,
        },
        audiences=[(users, company_url()), (managers, admin_contractor_url(contractor))],
    )


# Recipients and links


def contractor_emails(contractor_ids: Iterable[int]) -> defaultdict[int, list[str]]:
    """Active users of each company, by company id."""
    rows = _active_users().filter(contractor_profile__contractor_id__in=set(contractor_ids))
    return _grouped(rows.values_list("contractor_profile__contractor_id", "email"))


def manager_emails(community_ids: Iterable[int]) -> defaultdict[int, list[str]]:
    """Active property managers of each community, by community id."""
    rows = _active_users().filter(
        staff_memberships__community_id__in=set(community_ids), staff_memberships__role=StaffRole.PROPERTY_MANAGER
    )
    return _grouped(rows.values_list("staff_memberships__community_id", "email"))


def live_permit_communities(contractor_ids: Iterable[int]) -> defaultdict[int, set[int]]:
    rows = Permit.objects.filter(contractor_id__in=set(contractor_ids), status__in=REMINDED_STATUSES)
    communities = defaultdict(set)
    for contractor_id, community_id in rows.values_list("contractor_id", "community_id").distinct():
        communities[contractor_id].add(community_id)
    return communities


def contractor_permit_url(permit: Permit) -> str:
    return f"{settings.SITE_URL}/permits/{permit.reference}/"


def admin_permit_url(permit: Permit) -> str:
    return f"{settings.SITE_URL}/admin/permits/permit/{permit.pk}/change/"


def company_url() -> str:
    return f"{settings.SITE_URL}/company/"


def admin_contractor_url(contractor: Contractor) -> str:
    return f"{settings.SITE_URL}/admin/contractors/contractor/{contractor.pk}/change/"


def _active_users():
    return get_user_model().objects.filter(is_active=True).exclude(email="")


def _grouped(pairs) -> defaultdict[int, list[str]]:
    grouped = defaultdict(list)
    for owner_id, email in pairs:
        if email not in grouped[owner_id]:
            grouped[owner_id].append(email)
    return grouped


def _union(by_community: dict[int, list[str]], community_ids: Iterable[int]) -> list[str]:
    return list(dict.fromkeys(email for pk in sorted(community_ids) for email in by_community.get(pk, [])))


def _d(days: int) -> datetime.timedelta:
    return datetime.timedelta(days=days)
