from functools import partial

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from contractors.choices import AttentionParty
from portal.core.references import new_reference

from ..choices import ParkingState, PermitSource, PermitStatus, PermitType


class Permit(models.Model):
    """A NOC / fit-out work permit. Status changes only through the services' transition table."""

    reference = models.CharField(
        max_length=18,
        unique=True,
        default=partial(new_reference, "a1P"),
        editable=False,
        help_text="Public reference, stable once given: the partners know the permit by it.",
    )
    crm_reference = models.CharField(
        max_length=18, null=True, blank=True, help_text="salesforcePermitId given by a CRM; unique in its community."
    )
    source = models.CharField(max_length=8, choices=PermitSource.choices, default=PermitSource.PORTAL)
    # No single-column indexes: the composite indexes below lead with these columns.
    community = models.ForeignKey("core.Community", on_delete=models.PROTECT, related_name="permits", db_index=False)
    contractor = models.ForeignKey(
        "contractors.Contractor", on_delete=models.PROTECT, related_name="permits", db_index=False
    )
    property = models.ForeignKey("core.Property", on_delete=models.PROTECT, related_name="permits")
    main_unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="main_permits")
    additional_units = models.ManyToManyField("core.Unit", through="PermitUnit", related_name="additional_permits")
    permit_type = models.CharField(max_length=16, choices=PermitType.choices, default=PermitType.FIT_OUT)
    valid_from = models.DateTimeField()
    valid_till = models.DateTimeField()
    time_in = models.TimeField(null=True, blank=True, help_text="Daily start, community local time.")
    time_out = models.TimeField(null=True, blank=True, help_text="Daily end, community local time.")
    representative_name = models.CharField(max_length=200, blank=True)
    representative_contact = models.CharField(max_length=100, blank=True)
    jobs_summary = models.TextField(blank=True)

    status = models.CharField(max_length=20, choices=PermitStatus.choices, default=PermitStatus.DRAFT, editable=False)
    status_changed_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True, help_text="Waiting for review since.")
    decision_note = models.TextField(blank=True, help_text="Last rejection reason or change request.")
    revocation_reason = models.TextField(blank=True)
    decision_due_at = models.DateTimeField(
        "decide by", null=True, blank=True, editable=False, help_text="Deadline of the decision it waits for, if any."
    )
    extension_requested_till = models.DateTimeField(null=True, blank=True)
    extension_request_note = models.TextField(blank=True)
    compliance_issue = models.CharField(max_length=300, blank=True)
    attention_since = models.DateTimeField(
        null=True, blank=True, help_text="Set while a refusal elsewhere waits for a person to fix this permit."
    )
    attention_note = models.TextField(blank=True, help_text="Why it needs attention, in plain words.")
    attention_by = models.CharField(
        max_length=16, blank=True, choices=AttentionParty.choices, help_text="Who must act on it."
    )
    work_started_at = models.DateTimeField(null=True, blank=True)

    pass_number = models.CharField(max_length=32, blank=True)
    access_code = models.CharField(max_length=32, blank=True)
    qr_image = models.FileField(upload_to="passes/", blank=True, max_length=255)
    pass_documentation_url = models.URLField(max_length=500, blank=True)
    pass_issued_at = models.DateTimeField(null=True, blank=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # Each community's CRM numbers its own permits: uniqueness across communities would leak and collide.
            models.UniqueConstraint(fields=["community", "crm_reference"], name="permit_crm_reference_per_community"),
            models.CheckConstraint(condition=Q(valid_till__gt=F("valid_from")), name="permit_valid_till_after_from"),
            models.CheckConstraint(
                condition=Q(time_in__isnull=True) | Q(time_out__isnull=True) | Q(time_out__gt=F("time_in")),
                name="permit_time_out_after_time_in",
            ),
        ]
        indexes = [
            models.Index(fields=["community", "status", "submitted_at"], name="permit_review_queue_idx"),
            models.Index(fields=["status", "valid_till"], name="permit_status_till_idx"),
            models.Index(fields=["contractor", "status"], name="permit_contractor_status_idx"),
            models.Index(fields=["valid_from"], name="permit_valid_from_idx"),
            models.Index(
                fields=["decision_due_at"], name="permit_decision_due_idx", condition=Q(decision_due_at__isnull=False)
            ),
        ]

    def __str__(self):
        return f"{self.reference} · {self.main_unit.external_id if self.main_unit_id else ''}"

    def not_started(self) -> bool:
        """Approved or with its pass, but its first day is still to come: "Starts on …", never "Active".

        A method, not a property: ``property`` is a field of this model. Templates call it as ``permit.not_started``."""
        return self.status in (PermitStatus.APPROVED, PermitStatus.ACTIVE) and self.valid_from > timezone.now()


class PermitUnit(models.Model):
    permit = models.ForeignKey(Permit, on_delete=models.CASCADE, db_index=False)  # led by permit_unit_unique
    unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["permit", "unit"], name="permit_unit_unique")]

    def __str__(self):
        return f"{self.permit_id} · {self.unit_id}"


class Worker(models.Model):
    permit = models.ForeignKey(Permit, on_delete=models.CASCADE, related_name="workers")
    name = models.CharField(max_length=200)
    id_number = models.CharField(
        "ID number", max_length=64, help_text="Emirates ID as 784-YYYY-NNNNNNN-C, or a passport number."
    )
    phone = models.CharField(max_length=20, blank=True, help_text="E.164, e.g. +971501234567.")

    class Meta:
        ordering = ["id"]
        # One Emirates ID under two names is looked up on every permit page (selectors.people).
        indexes = [models.Index(fields=["id_number"], name="worker_id_number_idx")]

    def __str__(self):
        return self.name


class Vehicle(models.Model):
    """A vehicle on a permit and the state of its parking permit. Removal is soft: parking must be released."""

    permit = models.ForeignKey(Permit, on_delete=models.CASCADE, related_name="vehicles")
    plate = models.CharField(max_length=25, help_text="Canonical: letters and digits only, e.g. DXBA12345.")
    position = models.PositiveSmallIntegerField(default=1, help_text="1, 2, … within the permit.")
    parking_state = models.CharField(max_length=16, choices=ParkingState.choices, default=ParkingState.NONE)
    parking_error = models.CharField(max_length=300, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.plate
