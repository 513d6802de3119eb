"""The calendar of permits, month or week, shared by the managers' admin page and the contractors' page.

The caller passes the permits the user may see (already scoped); this module filters them, lays
each one out as bars over the weeks shown (a permit's days are its own community's days, see
``permits.clashes.local_days``) and lists the filter choices from those same permits, so a filter
never offers a building the user may not see.
"""

from __future__ import annotations

import calendar as pycalendar
import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from django.db.models import Q
from django.utils.formats import date_format, get_format
from django.utils.translation import gettext as _

from portal.core.formats import format_date
from portal.core.models import Community, Property, Unit

from ..choices import PermitStatus, PermitType
from ..clashes import local_days
from ..models import Permit, PermitUnit

MONTH, WEEK = "month", "week"
DEFAULT_STATUSES = (
    PermitStatus.SUBMITTED,
    PermitStatus.CHANGES_REQUESTED,
    PermitStatus.APPROVED,
    PermitStatus.ACTIVE,
    PermitStatus.EXPIRED,
)
MAX_PERMITS = 400  # a page beyond this is unreadable anyway: narrow the filters
TIME_FORMAT = "%H:%M"


@dataclass(frozen=True)
class CalendarQuery:
    view: str = MONTH
    anchor: datetime.date | None = None
    community_id: int | None = None
    property_id: int | None = None
    unit_id: int | None = None
    statuses: tuple[str, ...] = DEFAULT_STATUSES
    types: tuple[str, ...] = ()

    def params(self, **changes) -> str:
        """The query string of this calendar with ``changes`` (e.g. another anchor)."""
        values = {
            "filtered": "1",  # the statuses below are the chosen ones, even when none is
            "view": self.view,
            "date": self.anchor.isoformat() if self.anchor else "",
            "community": self.community_id or "",
            "property": self.property_id or "",
            "unit": self.unit_id or "",
            **changes,
        }
        pairs = [(key, value) for key, value in values.items() if value not in ("", None)]
        pairs += [("status", status) for status in self.statuses] + [("type", kind) for kind in self.types]
        return urlencode(pairs)


def _int_or_none(raw) -> int | None:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return None
    return value if 0 < value < 2**31 else None


def _date_or_none(raw) -> datetime.date | None:
    """ISO (the page's own links) or as people type it (``DATE_INPUT_FORMATS``: day-month-year)."""
    raw = (raw or "").strip()
    for pattern in ("%Y-%m-%d", *get_format("DATE_INPUT_FORMATS")):
        try:
            day = datetime.datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
        return day if 1 < day.year < 9999 else None
    return None


def parse_calendar_query(params) -> CalendarQuery:
    """Read the page's GET parameters; anything unreadable is dropped, never an error."""
    statuses = tuple(value for value in params.getlist("status") if value in PermitStatus.values)
    return CalendarQuery(
        view=WEEK if params.get("view") == WEEK else MONTH,
        anchor=_date_or_none(params.get("date")),
        community_id=_int_or_none(params.get("community")),
        property_id=_int_or_none(params.get("property")),
        unit_id=_int_or_none(params.get("unit")),
        statuses=statuses or (() if params.get("filtered") else DEFAULT_STATUSES),
        types=tuple(value for value in params.getlist("type") if value in PermitType.values),
    )


@dataclass
class Bar:
    url: str
    reference: str
    status: str
    status_label: str
    type_label: str
    unit: str
    building: str
    hours: str
    period: str  # the permit's first and last day
    column: int  # 1 = Monday
    span: int
    continues_before: bool
    continues_after: bool


@dataclass
class Week:
    days: list[datetime.date]
    bars: list[Bar] = field(default_factory=list)


@dataclass
class CalendarPage:
    query: CalendarQuery
    title: str
    today: datetime.date
    month: int  # days of other months are dimmed in the month view
    weeks: list[Week]
    previous: str  # query strings
    following: str
    this_period: str
    truncated: bool
    choices: dict
    statuses: list[tuple[str, str]] = field(default_factory=lambda: list(PermitStatus.choices))
    types: list[tuple[str, str]] = field(default_factory=lambda: list(PermitType.choices))


def _days_shown(view: str, anchor: datetime.date) -> list[datetime.date]:
    if view == WEEK:
        start = anchor - datetime.timedelta(days=anchor.weekday())
        return [start + datetime.timedelta(days=n) for n in range(7)]
    first = anchor.replace(day=1)
    last = first.replace(day=pycalendar.monthrange(first.year, first.month)[1])
    start = first - datetime.timedelta(days=first.weekday())
    end = last + datetime.timedelta(days=6 - last.weekday())
    return [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)]


def _step(view: str, anchor: datetime.date, direction: int) -> datetime.date:
    if view == WEEK:
        return anchor + datetime.timedelta(days=7 * direction)
    month_index = anchor.year * 12 + anchor.month - 1 + direction
    return datetime.date(month_index // 12, month_index % 12 + 1, 1)


def _filtered(permits, query: CalendarQuery, first: datetime.date, last: datetime.date):
    # A day or two of slack on each side: each permit's days are then read on its own community's clock.
    start = datetime.datetime.combine(first - datetime.timedelta(days=1), datetime.time.min, tzinfo=datetime.UTC)
    end = datetime.datetime.combine(last + datetime.timedelta(days=2), datetime.time.min, tzinfo=datetime.UTC)
    permits = permits.filter(valid_from__lt=end, valid_till__gt=start)
    if query.community_id:
        permits = permits.filter(community_id=query.community_id)
    if query.property_id:
        permits = permits.filter(property_id=query.property_id)
    if query.unit_id:
        on_unit = PermitUnit.objects.filter(unit_id=query.unit_id).values("permit_id")
        permits = permits.filter(Q(main_unit_id=query.unit_id) | Q(pk__in=on_unit))
    if query.statuses:
        permits = permits.filter(status__in=query.statuses)
    if query.types:
        permits = permits.filter(permit_type__in=query.types)
    return permits


def _hours(permit: Permit) -> str:
    if permit.time_in and permit.time_out:
        return f"{permit.time_in:{TIME_FORMAT}}–{permit.time_out:{TIME_FORMAT}}"
    return ""


def _lay_out(permits: Iterable[Permit], weeks: list[Week], link: Callable[[Permit], str]) -> None:
    status_labels, type_labels = dict(PermitStatus.choices), dict(PermitType.choices)
    for permit in permits:
        days = local_days(permit, permit.community.tzinfo)
        for week in weeks:
            shown = [day for day in days if week.days[0] <= day <= week.days[-1]]
            if not shown:
                continue
            week.bars.append(
                Bar(
                    url=link(permit),
                    reference=permit.reference,
                    status=permit.status,
                    status_label=status_labels.get(permit.status, permit.status),
                    type_label=type_labels.get(permit.permit_type, permit.permit_type),
                    unit=permit.main_unit.external_id,
                    building=permit.property.name,
                    hours=_hours(permit),
                    period=f"{format_date(days[0])} – {format_date(days[-1])}",
                    column=(shown[0] - week.days[0]).days + 1,
                    span=len(shown),
                    continues_before=days[0] < shown[0],
                    continues_after=days[-1] > shown[-1],
                )
            )
    for week in weeks:
        week.bars.sort(key=lambda bar: (bar.column, -bar.span, bar.reference))


def filter_choices(permits, query: CalendarQuery) -> dict:
    """Communities, buildings and units of the permits the user may see (never more)."""
    communities = Community.objects.filter(pk__in=permits.values("community_id")).order_by("name")
    properties = Property.objects.filter(pk__in=permits.values("property_id"))
    if query.community_id:
        properties = properties.filter(community_id=query.community_id)
    units = Unit.objects.none()
    if query.property_id:
        units = Unit.objects.filter(pk__in=permits.values("main_unit_id"), property_id=query.property_id)
    return {
        "communities": list(communities.values_list("pk", "name")),
        "properties": list(properties.order_by("name").values_list("pk", "name")),
        "units": list(units.order_by("external_id").values_list("pk", "external_id")),
    }


def calendar_page(
    permits, query: CalendarQuery, *, today: datetime.date, link: Callable[[Permit], str]
) -> CalendarPage:
    """``permits``: the user's own (scoped) permits. ``today``: on the clock of the community shown."""
    anchor = query.anchor or today
    query = replace(query, anchor=anchor)
    days = _days_shown(query.view, anchor)
    weeks = [Week(days=days[n : n + 7]) for n in range(0, len(days), 7)]
    shown = (
        _filtered(permits, query, days[0], days[-1])
        .select_related("community", "property", "main_unit")
        .order_by("valid_from", "pk")[: MAX_PERMITS + 1]
    )
    shown = list(shown)
    _lay_out(shown[:MAX_PERMITS], weeks, link)
    week_title = _("Week of %(day)s") % {"day": format_date(days[0])}
    title = week_title if query.view == WEEK else date_format(anchor, "F Y")
    return CalendarPage(
        query=query,
        title=title,
        today=today,
        month=anchor.month,
        weeks=weeks,
        previous=query.params(date=_step(query.view, anchor, -1).isoformat()),
        following=query.params(date=_step(query.view, anchor, 1).isoformat()),
        this_period=query.params(date=today.isoformat()),
        truncated=len(shown) > MAX_PERMITS,
        choices=filter_choices(permits, query),
    )
