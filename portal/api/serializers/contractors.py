"""``/communityContractors`` bodies and answers."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from contractors.choices import DocumentKind, MembershipStatus
from contractors.models import ContractorMembership
from portal.core.contact import normalize_email, normalize_phone

from .. import ids
from ..links import contractor_document_url
from .common import BoundedDateField, DocumentLinkSerializer, DocumentSerializer, Text, checked, community_country


class CompanySerializer(serializers.Serializer):
    companyName = Text(max_length=200)
    tradeLicense = DocumentSerializer()
    tradeLicenseExpiryDate = BoundedDateField()
    tradeLicenseNumber = Text(max_length=64, required=False, allow_blank=True)
    insurance = DocumentSerializer(required=False)
    insuranceExpiryDate = BoundedDateField(required=False)

    def validate(self, attrs):
        if attrs.get("insurance") and not attrs.get("insuranceExpiryDate"):
            raise serializers.ValidationError({"insuranceExpiryDate": _("Give the insurance's expiry date.")})
        return attrs


class DamacIdSerializer(serializers.Serializer):
    salesforceId = Text(max_length=18, required=False, allow_null=True)


class ContractorIntegrationsSerializer(serializers.Serializer):
    damac = DamacIdSerializer(required=False)


class ContractorCreateSerializer(serializers.Serializer):
    """Other documents (e.g. a safety certificate) are not stored by the portal and are ignored."""

    name = Text(max_length=200, help_text="The company's representative.")
    email = serializers.EmailField(max_length=254, help_text="Stored trimmed and lower-cased.")
    phone = Text(
        max_length=32,
        help_text="E.164, e.g. +971501234567; a national number (050 123 4567) is read in the community's country. "
        "Stored and answered in E.164.",
    )
    company = CompanySerializer()
    integrations = ContractorIntegrationsSerializer(required=False)

    def validate_email(self, value):
        return checked(normalize_email, value)

    def validate_phone(self, value):
        return checked(lambda raw: normalize_phone(raw, region=community_country(self)), value)

    def validated_salesforce_id(self) -> str | None:
        damac = (self.validated_data.get("integrations") or {}).get("damac") or {}
        return damac.get("salesforceId") or None


class ContractorActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["revoke", "approve"])
    reason = Text(max_length=1000, required=False, allow_blank=True)


class CompanyOutSerializer(serializers.Serializer):
    companyName = serializers.CharField()
    tradeLicense = DocumentLinkSerializer(allow_null=True)


class ContractorSerializer(serializers.Serializer):
    """Renders a ``ContractorMembership``: the contractor as the key's community sees it."""

    _id = serializers.CharField(source="contractor.reference")
    name = serializers.CharField(source="contractor.contact_name")
    email = serializers.EmailField(source="contractor.email")
    phone = serializers.CharField(source="contractor.phone")
    approved = serializers.SerializerMethodField()
    communitiesIds = serializers.SerializerMethodField()
    company = serializers.SerializerMethodField()
    integrations = serializers.SerializerMethodField()

    def get_approved(self, membership: ContractorMembership) -> bool:
        return membership.status == MembershipStatus.APPROVED

    def get_communitiesIds(self, membership: ContractorMembership) -> list[str]:
        if membership.status == MembershipStatus.REVOKED:
            return []
        return [ids.community_id(membership.community)]

    @extend_schema_field(CompanyOutSerializer)
    def get_company(self, membership: ContractorMembership) -> dict:
        url = self.context.get("trade_license_url") or contractor_document_url(
            membership.contractor, DocumentKind.TRADE_LICENCE, self.context.get("request")
        )
        return {"companyName": membership.contractor.company_name, "tradeLicense": {"publicUrl": url} if url else None}

    @extend_schema_field(ContractorIntegrationsSerializer)
    def get_integrations(self, membership: ContractorMembership) -> dict:
        return {"damac": {"salesforceId": membership.contractor.crm_reference}}
