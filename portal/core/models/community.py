import datetime
import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ..choices import DeadlineUnit, StaffRole, Weekend
from ..contact import DEFAULT_COUNTRY, validate_country

DEFAULT_MAX_PERMIT_DAYS = 90
# The parking operator's limits (contracts/): an amount from 0.01 to 999999.99, a currency code.
PARKING_FEE_LIMITS = [MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("999999.99"))]
CURRENCY_CODE = RegexValidator(r"^[A-Z]{3}$", _("Give a three-letter currency code such as AED."))


def _time_zone_choices():
    return [(name, name) for name in sorted(zoneinfo.available_timezones()) if "/" in name]


class Community(models.Model):
    """A tenant: one gated community with its parking defaults and rules (partners keep their own settings)."""

    name = models.CharField(max_length=200, unique=True, verbose_name=_("name"))
    slug = models.SlugField(max_length=80, unique=True, verbose_name=_("slug"))
    time_zone = models.CharField(
        max_length=64, default="Asia/Dubai", choices=_time_zone_choices, verbose_name=_("time zone")
    )
    country = models.CharField(
        max_length=2,
        default=DEFAULT_COUNTRY,
        validators=[validate_country],
        help_text=_("ISO code, e.g. AE. Phone numbers typed without a country code are read as this country's."),
        verbose_name=_("country"),
    )
    parking_zone = models.CharField(
        max_length=100,
        blank=True,
        help_text=_("Default parking zone of the properties."),
        verbose_name=_("parking zone"),
    )
    parking_fee = models.DecimalField(
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PARKING_FEE_LIMITS,
        help_text=_("Per vehicle, sent to the parking operator. Empty: no fee."),
        verbose_name=_("parking fee"),
    )
    parking_currency = models.CharField(
        max_length=10, blank=True, default="AED", validators=[CURRENCY_CODE], verbose_name=_("parking currency")
    )
    work_day_start = models.TimeField(default=datetime.time(7, 0), verbose_name=_("work day start"))
    work_day_end = models.TimeField(default=datetime.time(19, 0), verbose_name=_("work day end"))
    max_permit_days = models.PositiveSmallIntegerField(
        _("maximum permit length (days)"),
        default=DEFAULT_MAX_PERMIT_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_("Calendar days from the first to the last day of a permit, extensions included."),
    )
    overstay_grace_minutes = models.PositiveSmallIntegerField(
        _("overstay grace (minutes)"),
        default=30,
        validators=[MaxValueValidator(720)],
        help_text=_("A worker still inside this long after the permit's daily time-out is flagged as overstaying."),
    )
    no_show_days = models.PositiveSmallIntegerField(
        _("no-show after (days)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_(
            "An approved or active permit whose pass is not scanned in this many days from its first day is "
            "flagged as a no-show."
        ),
    )
    suspend_on_compliance_lapse = models.BooleanField(
        default=False,
        help_text=_("Revoke the passes of contractors whose licence or insurance has lapsed."),
        verbose_name=_("suspend on compliance lapse"),
    )
    weekend = models.CharField(
        _("weekend"),
        max_length=8,
        choices=Weekend.choices,
        default=Weekend.SAT_SUN,
        help_text=_("Days off of the office: decision deadlines count working days and hours without them."),
    )
    decision_deadline = models.PositiveSmallIntegerField(
        _("decision deadline"),
        default=2,
        validators=[MaxValueValidator(1000)],
        help_text=_("On a submitted permit, from its (re)submission."),
    )
    decision_deadline_unit = models.CharField(
        _("unit"),
        max_length=5,
        choices=DeadlineUnit.choices,
        default=DeadlineUnit.DAYS,
    )
    extension_deadline = models.PositiveSmallIntegerField(
        _("extension decision deadline"),
        default=1,
        validators=[MaxValueValidator(1000)],
        help_text=_("On a request to extend a permit."),
    )
    extension_deadline_unit = models.CharField(
        _("unit"),
        max_length=5,
        choices=DeadlineUnit.choices,
        default=DeadlineUnit.DAYS,
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("community")
        ordering = ["name"]
        verbose_name_plural = _("communities")
        constraints = [
            models.CheckConstraint(
                condition=Q(work_day_end__gt=F("work_day_start")), name="community_work_day_end_after_start"
            )
        ]

    def __str__(self):
        return self.name

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class BlackoutDate(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="blackout_dates", verbose_name=_("community")
    )
    date = models.DateField(verbose_name=_("date"))
    reason = models.CharField(max_length=200, blank=True, verbose_name=_("reason"))

    class Meta:
        verbose_name = _("blackout date")
        verbose_name_plural = _("blackout dates")
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["community", "date"], name="blackout_unique_per_day")]

    def __str__(self):
        return f"{self.date} {self.reason}".strip()


class PublicHoliday(models.Model):
    """A day the community's office is closed: decision deadlines do not count it."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="public_holidays", verbose_name=_("community")
    )
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")
        constraints = [models.UniqueConstraint(fields=["community", "date"], name="public_holiday_unique_per_day")]

    def __str__(self):
        return f"{self.date} {self.name}".strip()


class Property(models.Model):
    """A tower or building of a community."""

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="properties", verbose_name=_("community")
    )
    name = models.CharField(max_length=200, verbose_name=_("name"))
    external_id = models.CharField(
        max_length=64,
        unique=True,
        help_text=_("The id used on the wire, e.g. DAMAC-TWR-07."),
        verbose_name=_("external id"),
    )
    parking_zone = models.CharField(
        max_length=100, blank=True, help_text=_("Empty: the community's zone."), verbose_name=_("parking zone")
    )

    class Meta:
        verbose_name = _("property")
        ordering = ["community__name", "name"]
        verbose_name_plural = _("properties")

    def __str__(self):
        return f"{self.name} ({self.external_id})"

    @property
    def effective_parking_zone(self) -> str:
        return self.parking_zone or self.community.parking_zone


class Unit(models.Model):
    property = models.ForeignKey(Property, on_delete=models.PROTECT, related_name="units", verbose_name=_("property"))
    name = models.CharField(max_length=100, verbose_name=_("name"))
    external_id = models.CharField(
        max_length=64, help_text=_("The id used on the wire, e.g. UNIT-0712."), verbose_name=_("external id")
    )

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["property__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["property", "external_id"], name="unit_external_id_unique_per_property")
        ]

    def __str__(self):
        return f"{self.external_id} · {self.property.name}"


class StaffMembership(models.Model):
    """A property manager belongs to one or more communities and sees only those."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_memberships", verbose_name=_("user")
    )
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="staff_memberships", verbose_name=_("community")
    )
    role = models.CharField(
        max_length=32, choices=StaffRole.choices, default=StaffRole.PROPERTY_MANAGER, verbose_name=_("role")
    )
    is_lead = models.BooleanField(
        _("team lead"),
        default=False,
        help_text=_("Hears of every decision in the community that is overdue."),
    )

    class Meta:
        verbose_name = _("staff membership")
        verbose_name_plural = _("staff memberships")
        constraints = [models.UniqueConstraint(fields=["user", "community"], name="staff_membership_unique")]

    def __str__(self):
        return f"{self.user} · {self.community}"


class ApiKey(models.Model):
    """A CRM's key to the JSON API of one community. Only a hash is stored."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="api_keys", verbose_name=_("community")
    )
    name = models.CharField(max_length=100, verbose_name=_("name"))
    prefix = models.CharField(
        max_length=12,
        unique=True,
        help_text=_("First characters of the key, to recognise it."),
        verbose_name=_("prefix"),
    )
    key_hash = models.CharField(max_length=64, unique=True, verbose_name=_("key hash"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("created by")
    )
    revoked_at = models.DateTimeField(null=True, blank=True, verbose_name=_("revoked at"))
    last_used_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last used at"))

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"
