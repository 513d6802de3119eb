from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.core.references import new_reference
from portal.core.uploads import extension_for, safe_file_name


def noc_document_path(instance, filename):
    # Generated names only, the extension from the detected type: the uploaded name is never on disk.
    return f"nocs/{instance.permit_id}/{new_reference('noc')}{extension_for(instance.content_type)}"


class NocVersion(models.Model):
    """An immutable version of a permit's NOC document; exactly one is current."""

    # No single-column index: noc_version_unique leads with the permit.
    permit = models.ForeignKey(
        "permits.Permit",
        on_delete=models.CASCADE,
        related_name="noc_versions",
        db_index=False,
        verbose_name=_("permit"),
    )
    # The permit's community, copied once (a permit never changes community): the dashboard's "NOCs expiring"
    # reads one community's current NOCs by day instead of every community's, then their permits.
    community = models.ForeignKey(
        "core.Community",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        editable=False,
        verbose_name=_("community"),
    )
    version = models.PositiveIntegerField(verbose_name=_("version"))
    is_current = models.BooleanField(default=True, verbose_name=_("is current"))
    file = models.FileField(upload_to=noc_document_path, blank=True, max_length=255, verbose_name=_("file"))
    document_url = models.URLField(
        max_length=500,
        blank=True,
        help_text=_("A link given through the API, never fetched."),
        verbose_name=_("document url"),
    )
    original_name = models.CharField(max_length=255, blank=True, verbose_name=_("original name"))
    content_type = models.CharField(max_length=100, blank=True, verbose_name=_("content type"))
    size = models.PositiveIntegerField(default=0, verbose_name=_("size"))
    noc_number = models.CharField(_("NOC number"), max_length=64)
    issue_date = models.DateField(verbose_name=_("issue date"))
    expiry_date = models.DateField(verbose_name=_("expiry date"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("uploaded by")
    )
    uploaded_by_label = models.CharField(max_length=200, blank=True, verbose_name=_("uploaded by label"))
    uploaded_at = models.DateTimeField(auto_now_add=True, verbose_name=_("uploaded at"))

    class Meta:
        ordering = ["-version"]
        verbose_name = _("NOC version")
        verbose_name_plural = _("NOC versions")
        constraints = [
            models.UniqueConstraint(fields=["permit", "version"], name="noc_version_unique"),
            models.UniqueConstraint(fields=["permit"], condition=Q(is_current=True), name="noc_one_current_per_permit"),
            models.CheckConstraint(condition=Q(expiry_date__gte=models.F("issue_date")), name="noc_expiry_after_issue"),
            models.CheckConstraint(condition=~Q(file="") | ~Q(document_url=""), name="noc_has_file_or_url"),
        ]
        indexes = [
            # The reminders: every community's current versions by expiry day.
            models.Index(fields=["expiry_date"], condition=Q(is_current=True), name="noc_current_expiry_idx"),
            # The dashboard's "NOCs expiring" panel: the viewer's communities' current versions by expiry day.
            models.Index(
                fields=["community", "expiry_date"], condition=Q(is_current=True), name="noc_community_expiry_idx"
            ),
        ]

    def __str__(self):
        return f"NOC {self.noc_number} v{self.version}"

    def save(self, *args, **kwargs):
        if self._state.adding:  # the permit's community, whoever creates the version (bulk loads set it themselves)
            self.community_id = self.permit.community_id
        super().save(*args, **kwargs)

    @property
    def download_name(self) -> str:
        """Safe base and the detected type's extension (also for versions stored before names were cleaned)."""
        return safe_file_name(self.original_name, self.content_type, fallback=f"noc-{self.noc_number}")
