from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import DecisionOutcome, DecisionStage

OPEN = Q(decided_at__isnull=True)
DECIDED = Q(decided_month__isnull=False)
REPORT_COLUMNS = ["working_seconds", "decided_at", "due_at"]


class PermitDecision(models.Model):
    """One wait for a manager's decision (a submission or an extension request) and its deadline.

    Opened when the permit is (re)submitted or an extension is asked for, closed by the decision.
    ``reminded_at`` and ``escalated_at`` are set once, by the deadline job, when it records the
    reminder and the escalation: each happens at most once per wait. Closed rows are the
    service-level report's facts (``permits.selectors.service_levels``).
    """

    permit = models.ForeignKey("Permit", on_delete=models.CASCADE, related_name="decisions")
    community = models.ForeignKey("core.Community", on_delete=models.PROTECT, related_name="+", db_index=False)
    stage = models.CharField(_("stage"), max_length=10, choices=DecisionStage.choices)
    started_at = models.DateTimeField(_("waiting since"))
    due_at = models.DateTimeField(_("decide by"))
    remind_at = models.DateTimeField(_("reminder at"))
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=DecisionOutcome.choices, blank=True)
    decided_month = models.DateField(
        null=True,
        blank=True,
        help_text="First day of the month of the decision on the community's clock; none if withdrawn.",
    )
    elapsed_seconds = models.PositiveIntegerField(null=True, blank=True, help_text="Calendar time to decide.")
    working_seconds = models.PositiveIntegerField(null=True, blank=True, help_text="Working time to decide.")

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("decision deadline")
        verbose_name_plural = _("decision deadlines")
        indexes = [
            models.Index(fields=["permit", "stage"], name="decision_permit_open_idx", condition=OPEN),
            models.Index(
                fields=["remind_at"], name="decision_remind_due_idx", condition=OPEN & Q(reminded_at__isnull=True)
            ),
            models.Index(fields=["due_at"], name="decision_overdue_idx", condition=OPEN & Q(escalated_at__isnull=True)),
            models.Index(fields=["community", "due_at"], name="decision_open_due_idx", condition=OPEN),
            # The report reads these alone (index-only, already in group order): per community, and all together.
            models.Index(
                fields=["community", "decided_month"],
                include=REPORT_COLUMNS,
                name="decision_report_idx",
                condition=DECIDED,
            ),
            models.Index(
                fields=["decided_month"], include=REPORT_COLUMNS, name="decision_report_month_idx", condition=DECIDED
            ),
        ]

    def __str__(self):
        return f"{self.get_stage_display()} #{self.permit_id} by {self.due_at:%Y-%m-%d %H:%M}"
