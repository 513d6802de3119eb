import builtins
from functools import partial

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contractors.attention import NeedsAttention
from portal.core.references import new_reference

from ..choices import ParkingState, PermitSource, PermitStatus, PermitType
from ..transitions import TRANSITIONS, Move


class Permit(NeedsAttention):
    """A NOC / fit-out work permit. Status changes only through the services' transition table."""

    reference = models.CharField(
        max_length=18,
        unique=True,
        default=partial(new_reference, "a1P"),
        editable=False,
        help_text=_("Public reference, stable once given: the partners know the permit by it."),
        verbose_name=_("reference"),
    )
    crm_reference = models.CharField(
        max_length=18,
        null=True,
        blank=True,
        help_text=_("salesforcePermitId given by a CRM; unique in its community."),
        verbose_name=_("crm reference"),
    )
    source = models.CharField(
        max_length=8, choices=PermitSource.choices, default=PermitSource.PORTAL, verbose_name=_("source")
    )
    # No single-column indexes: the composite indexes below lead with these columns.
    community = models.ForeignKey(
        "core.Community", on_delete=models.PROTECT, related_name="permits", db_index=False, verbose_name=_("community")
    )
    contractor = models.ForeignKey(
        "contractors.Contractor",
        on_delete=models.PROTECT,
        related_name="permits",
        db_index=False,
        verbose_name=_("contractor"),
    )
    property = models.ForeignKey(
        "core.Property", on_delete=models.PROTECT, related_name="permits", verbose_name=_("property")
    )
    main_unit = models.ForeignKey(
        "core.Unit", on_delete=models.PROTECT, related_name="main_permits", verbose_name=_("main unit")
    )
    additional_units = models.ManyToManyField(
        "core.Unit", through="PermitUnit", related_name="additional_permits", verbose_name=_("additional units")
    )
    permit_type = models.CharField(
        max_length=16, choices=PermitType.choices, default=PermitType.FIT_OUT, verbose_name=_("permit type")
    )
    valid_from = models.DateTimeField(verbose_name=_("valid from"))
    valid_till = models.DateTimeField(verbose_name=_("valid till"))
    time_in = models.TimeField(
        null=True, blank=True, help_text=_("Daily start, community local time."), verbose_name=_("time in")
    )
    time_out = models.TimeField(
        null=True, blank=True, help_text=_("Daily end, community local time."), verbose_name=_("time out")
    )
    representative_name = models.CharField(max_length=200, blank=True, verbose_name=_("representative name"))
    representative_contact = models.CharField(max_length=100, blank=True, verbose_name=_("representative contact"))
    jobs_summary = models.TextField(blank=True, verbose_name=_("jobs summary"))

    status = models.CharField(
        max_length=20,
        choices=PermitStatus.choices,
        default=PermitStatus.DRAFT,
        editable=False,
        verbose_name=_("status"),
    )
    status_changed_at = models.DateTimeField(auto_now_add=True, verbose_name=_("status changed at"))
    submitted_at = models.DateTimeField(
        null=True, blank=True, help_text=_("Waiting for review since."), verbose_name=_("submitted at")
    )
    decision_note = models.TextField(
        blank=True, help_text=_("Last rejection reason or change request."), verbose_name=_("decision note")
    )
    revocation_reason = models.TextField(blank=True, verbose_name=_("revocation reason"))
    decision_due_at = models.DateTimeField(
        "decide by",
        null=True,
        blank=True,
        editable=False,
        help_text=_("Deadline of the decision it waits for, if any."),
    )
    extension_requested_till = models.DateTimeField(null=True, blank=True, verbose_name=_("extension requested till"))
    extension_request_note = models.TextField(blank=True, verbose_name=_("extension request note"))
    compliance_issue = models.CharField(max_length=300, blank=True, verbose_name=_("compliance issue"))
    attention_since = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("Set while a refusal elsewhere waits for a person to fix this permit."),
        verbose_name=_("attention since"),
    )
    work_started_at = models.DateTimeField(null=True, blank=True, verbose_name=_("work started at"))
    last_off_hours_entry_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("The latest gate entry outside the permit's daily hours."),
        verbose_name=_("last entry outside hours"),
    )

    pass_number = models.CharField(max_length=32, blank=True, verbose_name=_("pass number"))
    access_code = models.CharField(max_length=32, blank=True, verbose_name=_("access code"))
    qr_image = models.FileField(upload_to="passes/", blank=True, max_length=255, verbose_name=_("qr image"))
    pass_documentation_url = models.URLField(max_length=500, blank=True, verbose_name=_("pass documentation url"))
    pass_issued_at = models.DateTimeField(null=True, blank=True, verbose_name=_("pass issued at"))

    # No index: nothing looks permits up by creator; one would serve only deleting a user, and every status change
    # would write it.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_index=False,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        # A status change is never a HOT update (status is indexed), so it writes the row into every full index
        # below: the expiry sweep does that 100,000 times. An index earns its place by a query that needs it.
        verbose_name = _("permit")
        verbose_name_plural = _("permits")
        ordering = ["-created_at", "-id"]
        constraints = [
            # Each community's CRM numbers its own permits: uniqueness across communities would leak and collide.
            # Only numbered permits are in it: no two NULLs clash, and a permit made in the portal has none.
            models.UniqueConstraint(
                fields=["community", "crm_reference"],
                condition=Q(crm_reference__isnull=False),
                name="permit_crm_reference_per_community",
            ),
            models.CheckConstraint(condition=Q(valid_till__gt=F("valid_from")), name="permit_valid_till_after_from"),
            models.CheckConstraint(
                condition=Q(time_in__isnull=True) | Q(time_out__isnull=True) | Q(time_out__gt=F("time_in")),
                name="permit_time_out_after_time_in",
            ),
        ]
        indexes = [
            models.Index(fields=["community", "status", "submitted_at"], name="permit_review_queue_idx"),
            # Led by status: the counts by status across communities (an operator's "needs you" list, the queues).
            models.Index(fields=["status", "valid_till"], name="permit_status_till_idx"),
            models.Index(fields=["contractor", "status"], name="permit_contractor_status_idx"),
            models.Index(fields=["valid_from"], name="permit_valid_from_idx"),
            # The no-show flag: live permits whose pass was never scanned, by community and first day (small).
            models.Index(
                fields=["community", "valid_from"],
                condition=Q(work_started_at__isnull=True, status__in=[PermitStatus.APPROVED, PermitStatus.ACTIVE]),
                name="permit_no_show_idx",
            ),
            # The outside-hours flag: live permits by community and latest off-hours entry (a range of it).
            models.Index(
                fields=["community", "last_off_hours_entry_at"],
                condition=Q(
                    last_off_hours_entry_at__isnull=False, status__in=[PermitStatus.APPROVED, PermitStatus.ACTIVE]
                ),
                name="permit_off_hours_idx",
            ),
            models.Index(
                fields=["decision_due_at"], name="permit_decision_due_idx", condition=Q(decision_due_at__isnull=False)
            ),
            # Live permits of a community by end: the dashboard's "ending within 7 days", the reminders.
            models.Index(
                fields=["community", "valid_till"],
                condition=Q(status__in=[PermitStatus.APPROVED, PermitStatus.ACTIVE]),
                name="permit_live_till_idx",
            ),
            # The expiry sweep's due permits in its order: the ended ones (most of the table) are not in it.
            # Both conditions are read off the transition table, so a change of the table shows as a migration.
            models.Index(
                fields=["valid_till", "id"],
                condition=Q(status__in=sorted(TRANSITIONS[Move.EXPIRE][0])),
                name="permit_due_idx",
            ),
            # The dashboard's permits that a lapsed document can suspend, with a compliance issue (few, usually none).
            models.Index(
                fields=["community"],
                condition=Q(status__in=sorted(TRANSITIONS[Move.REVOKE][0])) & ~Q(compliance_issue=""),
                name="permit_compliance_idx",
            ),
            # The work queues' counts on every admin page (selectors.queues): each reads only its own rows.
            models.Index(fields=["community"], condition=Q(attention_since__isnull=False), name="permit_attention_idx"),
            models.Index(
                fields=["community"],
                condition=Q(extension_requested_till__isnull=False),
                name="permit_extension_asked_idx",
            ),
            models.Index(
                fields=["community", "status_changed_at"],
                condition=Q(status=PermitStatus.APPROVED),
                name="permit_approved_since_idx",
            ),
        ]

    def __str__(self):
        return f"{self.reference} · {self.main_unit.external_id if self.main_unit_id else ''}"

    @builtins.property  # plain ``property`` is a field of this model
    def not_started(self) -> bool:
        """Approved or with its pass, but its first day is still to come: "Starts on …", never "Active"."""
        return self.status in (PermitStatus.APPROVED, PermitStatus.ACTIVE) and self.valid_from > timezone.now()


class PermitUnit(models.Model):
    permit = models.ForeignKey(
        Permit, on_delete=models.CASCADE, db_index=False, verbose_name=_("permit")
    )  # led by permit_unit_unique
    unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, verbose_name=_("unit"))

    class Meta:
        verbose_name = _("permit unit")
        verbose_name_plural = _("permit units")
        constraints = [models.UniqueConstraint(fields=["permit", "unit"], name="permit_unit_unique")]

    def __str__(self):
        return f"{self.permit_id} · {self.unit_id}"


class Worker(models.Model):
    permit = models.ForeignKey(Permit, on_delete=models.CASCADE, related_name="workers", verbose_name=_("permit"))
    name = models.CharField(max_length=200, verbose_name=_("name"))
    id_number = models.CharField(
        _("ID number"),
        max_length=64,
        help_text=_("Emirates ID as 784-YYYY-NNNNNNN-C, or a passport number."),
    )
    phone = models.CharField(
        max_length=20, blank=True, help_text=_("E.164, e.g. +971501234567."), verbose_name=_("phone")
    )

    class Meta:
        verbose_name = _("worker")
        verbose_name_plural = _("workers")
        ordering = ["id"]
        # One Emirates ID under two names is looked up on every permit page (selectors.people).
        indexes = [models.Index(fields=["id_number"], name="worker_id_number_idx")]

    def __str__(self):
        return self.name


class Vehicle(models.Model):
    """A vehicle on a permit and the state of its parking permit. Removal is soft: parking must be released."""

    permit = models.ForeignKey(Permit, on_delete=models.CASCADE, related_name="vehicles", verbose_name=_("permit"))
    plate = models.CharField(
        max_length=25, help_text=_("Canonical: letters and digits only, e.g. DXBA12345."), verbose_name=_("plate")
    )
    position = models.PositiveSmallIntegerField(
        default=1, help_text=_("1, 2, … within the permit."), verbose_name=_("position")
    )
    parking_state = models.CharField(
        max_length=16, choices=ParkingState.choices, default=ParkingState.NONE, verbose_name=_("parking state")
    )
    parking_error = models.CharField(max_length=300, blank=True, verbose_name=_("parking error"))
    removed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("removed at"))

    class Meta:
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")
        ordering = ["position", "id"]

    def __str__(self):
        return self.plate
