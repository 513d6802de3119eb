from functools import partial

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.core.references import new_reference
from portal.core.uploads import extension_for, safe_file_name

from ..attention import NeedsAttention
from ..choices import DocumentKind, MembershipStatus


class Contractor(models.Model):
    """A contracting company. Approval is per community (``ContractorMembership``)."""

    company_name = models.CharField(max_length=200, verbose_name=_("company name"))
    reference = models.CharField(
        max_length=18,
        unique=True,
        default=partial(new_reference, "a0C"),
        editable=False,
        help_text=_("Public reference, stable once given: the partners know the company by it."),
        verbose_name=_("reference"),
    )
    contact_name = models.CharField(
        max_length=200, help_text=_("The company's representative."), verbose_name=_("contact name")
    )
    email = models.EmailField(unique=True, verbose_name=_("email"))
    phone = models.CharField(max_length=20, help_text=_("E.164, e.g. +971501234567."), verbose_name=_("phone"))
    trade_licence_number = models.CharField(max_length=64, blank=True, verbose_name=_("trade licence number"))
    trade_licence_expiry = models.DateField(null=True, blank=True, verbose_name=_("trade licence expiry"))
    insurance_expiry = models.DateField(null=True, blank=True, verbose_name=_("insurance expiry"))
    crm_reference = models.CharField(
        max_length=18,
        null=True,
        blank=True,
        unique=True,
        help_text=_("salesforceId given by a CRM through the API."),
        verbose_name=_("crm reference"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("contractor")
        verbose_name_plural = _("contractors")
        ordering = ["company_name"]

    def __str__(self):
        return self.company_name


class ContractorMembership(NeedsAttention):
    """A contractor's standing in one community: approval there is the property manager's decision."""

    contractor = models.ForeignKey(
        Contractor, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("contractor")
    )
    community = models.ForeignKey(
        "core.Community", on_delete=models.PROTECT, related_name="contractor_memberships", verbose_name=_("community")
    )
    status = models.CharField(
        max_length=16, choices=MembershipStatus.choices, default=MembershipStatus.PENDING, verbose_name=_("status")
    )
    status_changed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("status changed at"))
    status_reason = models.TextField(blank=True, verbose_name=_("status reason"))
    attention_since = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("Set while a refusal elsewhere waits for a person to fix the company's data."),
        verbose_name=_("attention since"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("contractor membership")
        verbose_name_plural = _("contractor memberships")
        ordering = ["contractor__company_name", "community__name"]
        constraints = [models.UniqueConstraint(fields=["contractor", "community"], name="membership_unique")]

    def __str__(self):
        return f"{self.contractor} in {self.community}: {self.get_status_display()}"


class ContractorUser(models.Model):
    """A person who signs in for a contractor company; sees that company only."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contractor_profile", verbose_name=_("user")
    )
    contractor = models.ForeignKey(
        Contractor, on_delete=models.CASCADE, related_name="users", verbose_name=_("contractor")
    )

    class Meta:
        verbose_name = _("contractor user")
        verbose_name_plural = _("contractor users")

    def __str__(self):
        return f"{self.user} ({self.contractor})"


def contractor_document_path(instance, filename):
    # Generated names only, the extension from the detected type: the uploaded name is never on disk.
    name = new_reference("doc") + extension_for(instance.content_type)
    return f"contractors/{instance.contractor_id}/{instance.kind}/{name}"


class ContractorDocument(models.Model):
    """A version of a trade licence or insurance document; replacing one keeps the earlier."""

    contractor = models.ForeignKey(
        Contractor, on_delete=models.CASCADE, related_name="documents", verbose_name=_("contractor")
    )
    kind = models.CharField(max_length=16, choices=DocumentKind.choices, verbose_name=_("kind"))
    file = models.FileField(upload_to=contractor_document_path, max_length=255, verbose_name=_("file"))
    original_name = models.CharField(max_length=255, verbose_name=_("original name"))
    content_type = models.CharField(max_length=100, verbose_name=_("content type"))
    size = models.PositiveIntegerField(verbose_name=_("size"))
    number = models.CharField(max_length=64, blank=True, verbose_name=_("number"))
    expiry_date = models.DateField(null=True, blank=True, verbose_name=_("expiry date"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(auto_now_add=True, verbose_name=_("uploaded at"))

    class Meta:
        verbose_name = _("contractor document")
        verbose_name_plural = _("contractor documents")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.contractor} ({self.uploaded_at:%Y-%m-%d})"

    @property
    def download_name(self) -> str:
        """Safe base and the detected type's extension (also for documents stored before names were cleaned)."""
        return safe_file_name(self.original_name, self.content_type, fallback=self.kind)
