from functools import partial

from django.conf import settings
from django.db import models

from portal.core.references import new_reference
from portal.core.uploads import extension_for, safe_file_name

from ..choices import AttentionParty, DocumentKind, MembershipStatus


class Contractor(models.Model):
    """A contracting company. Approval is per community (``ContractorMembership``)."""

    company_name = models.CharField(max_length=200)
    reference = models.CharField(
        max_length=18,
        unique=True,
        default=partial(new_reference, "a0C"),
        editable=False,
        help_text="Public reference, stable once given: the partners know the company by it.",
    )
    contact_name = models.CharField(max_length=200, help_text="The company's representative.")
    email = models.EmailField(unique=True)
    phone = models.CharField(max_length=20, help_text="E.164, e.g. +971501234567.")
    trade_licence_number = models.CharField(max_length=64, blank=True)
    trade_licence_expiry = models.DateField(null=True, blank=True)
    insurance_expiry = models.DateField(null=True, blank=True)
    crm_reference = models.CharField(
        max_length=18, null=True, blank=True, unique=True, help_text="salesforceId given by a CRM through the API."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["company_name"]

    def __str__(self):
        return self.company_name


class ContractorMembership(models.Model):
    """A contractor's standing in one community: approval there is the property manager's decision."""

    contractor = models.ForeignKey(Contractor, on_delete=models.CASCADE, related_name="memberships")
    community = models.ForeignKey("core.Community", on_delete=models.PROTECT, related_name="contractor_memberships")
    status = models.CharField(max_length=16, choices=MembershipStatus.choices, default=MembershipStatus.PENDING)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_reason = models.TextField(blank=True)
    attention_since = models.DateTimeField(
        null=True, blank=True, help_text="Set while a refusal elsewhere waits for a person to fix the company's data."
    )
    attention_note = models.TextField(blank=True, help_text="Why it needs attention, in plain words.")
    attention_by = models.CharField(
        max_length=16, blank=True, choices=AttentionParty.choices, help_text="Who must act on it."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["contractor__company_name", "community__name"]
        constraints = [models.UniqueConstraint(fields=["contractor", "community"], name="membership_unique")]

    def __str__(self):
        return f"{self.contractor} in {self.community}: {self.get_status_display()}"


class ContractorUser(models.Model):
    """A person who signs in for a contractor company; sees that company only."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contractor_profile")
    contractor = models.ForeignKey(Contractor, on_delete=models.CASCADE, related_name="users")

    def __str__(self):
        return f"{self.user} ({self.contractor})"


def contractor_document_path(instance, filename):
    # Generated names only, the extension from the detected type: the uploaded name is never on disk.
    name = new_reference("doc") + extension_for(instance.content_type)
    return f"contractors/{instance.contractor_id}/{instance.kind}/{name}"


class ContractorDocument(models.Model):
    """A version of a trade licence or insurance document; replacing one keeps the earlier."""

    contractor = models.ForeignKey(Contractor, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=16, choices=DocumentKind.choices)
    file = models.FileField(upload_to=contractor_document_path, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    number = models.CharField(max_length=64, blank=True)
    expiry_date = models.DateField(null=True, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.contractor} ({self.uploaded_at:%Y-%m-%d})"

    @property
    def download_name(self) -> str:
        """Safe base and the detected type's extension (also for documents stored before names were cleaned)."""
        return safe_file_name(self.original_name, self.content_type, fallback=self.kind)
