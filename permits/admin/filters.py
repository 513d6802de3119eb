"""Review filters of the permit changelist (community, property and contractor are scoped filters).

"Today" and "within 7 days" are days on each permit's community's clock (``portal.core.local_time``).
"""

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from portal.core.admin_scoping import ScopedRelatedFieldListFilter, scoped_queryset_for

from ..choices import PermitStatus
from ..models import NocVersion
from ..selectors.admin import ends_within_q, noc_expires_before_end, starts_within_q

SOON_DAYS = 7
DAY_CHOICES = {
    "today": (_("Today"), 1),
    "7d": (format_lazy(_("Within {days} days"), days=SOON_DAYS), SOON_DAYS),
}  # value: (label, days)


class _LocalDaysFilter(admin.SimpleListFilter):
    """Permits whose moment falls on today, or one of the next days, of their community.

    A list narrowed to such a window is shown soonest first (``window_ordering``): what starts or ends
    first is what a manager acts on first. It is also what keeps the list fast: a few thousand permits of a
    window sorted by their moment, instead of the review order walked through a million permits whose
    newest ones all end weeks later.
    """

    condition = staticmethod(starts_within_q)
    ordering: tuple[str, ...] = ("valid_from", "id")

    def lookups(self, request, model_admin):
        return [(value, label) for value, (label, _) in DAY_CHOICES.items()]

    def queryset(self, request, queryset):
        if self.value() in DAY_CHOICES:
            _, days = DAY_CHOICES[self.value()]
            return queryset.filter(self.condition(days))
        return queryset


class StartsSoonFilter(_LocalDaysFilter):
    title = _("starts")
    parameter_name = "starts"
    condition = staticmethod(starts_within_q)


class EndsSoonFilter(_LocalDaysFilter):
    title = _("expires")
    parameter_name = "expires"
    condition = staticmethod(ends_within_q)
    ordering = ("valid_till", "id")


def window_ordering(params) -> list[str] | None:
    """The order of the day window the list is filtered to (starts, then expires), if any."""
    for window in (StartsSoonFilter, EndsSoonFilter):
        if params.get(window.parameter_name) in DAY_CHOICES:
            return list(window.ordering)
    return None


class NocCoverageFilter(admin.SimpleListFilter):
    title = _("NOC")
    parameter_name = "noc"

    def lookups(self, request, model_admin):
        return [("short", _("Expires before the permit ends")), ("missing", _("No current NOC"))]

    def queryset(self, request, queryset):
        if self.value() == "short":
            return noc_expires_before_end(queryset)
        if self.value() == "missing":
            current = NocVersion.objects.filter(permit=OuterRef("pk"), is_current=True)
            return queryset.filter(~Exists(current))
        return queryset


class ShortListRelatedFilter(ScopedRelatedFieldListFilter):
    """A scoped related filter that lists its choices only while there are few of them.

    An operator of a large estate has thousands of contractors and towers: a sidebar with every
    one of them takes longer to render than the whole rest of the page and cannot be scanned by
    eye anyway. Above ``max_choices`` the filter keeps only the selected choice (so the active
    filter can still be seen and cleared) and the search box does the rest.
    """

    max_choices = 100

    def field_choices(self, field, request, model_admin):
        allowed = scoped_queryset_for(model_admin.admin_site, request, field.related_model)
        ordering = self.field_admin_ordering(field, request, model_admin) or ()
        rows = list(allowed.order_by(*ordering)[: self.max_choices + 1]) if ordering else None
        if rows is None:
            rows = list(allowed.order_by("pk")[: self.max_choices + 1])
        self.too_many = len(rows) > self.max_choices
        if self.too_many:
            selected = {str(value) for value in (self.lookup_val or ())}
            rows = [row for row in allowed.filter(pk__in=selected)] if selected else []
            self.title = _("%(field)s (many: use the search box)") % {"field": field.verbose_name}
        return [(row.pk, str(row)) for row in rows]


class ReviewStatusFilter(admin.SimpleListFilter):
    """By default what needs a manager: waiting for a decision, approved but without a pass yet, live.

    Drafts (the contractors' own business) and closed permits are one click away. The parameter keeps
    the stock name (``status__exact``) so links from the dashboard and e-mails keep working.
    """

    title = _("status")
    parameter_name = "status__exact"
    NEEDS_YOU = (PermitStatus.SUBMITTED, PermitStatus.APPROVED, PermitStatus.ACTIVE)
    ALL = "all"

    def lookups(self, request, model_admin):
        return [(self.ALL, _("All, drafts included")), *PermitStatus.choices]

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("Needs you (submitted, approved, active)"),
        }
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset.filter(status__in=self.NEEDS_YOU)
        if value in PermitStatus.values:
            return queryset.filter(status=value)
        return queryset
