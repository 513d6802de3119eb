"""``/permits`` bodies (create, update) and answers (the create shape, and the detail shape of GET)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from permits.models import NocVersion, Permit
from permits.validators import (
    ID_NUMBER_HINT,
    PLATE_HINT,
    clean_plate,
    local_date,
    normalize_id_number,
    normalize_representative_contact,
    validate_noc_issued,
)
from portal.core.contact import normalize_optional_phone
from portal.integrations.buzzin.vocabulary import PERMIT_TYPE_NAMES, PERMIT_TYPES_BY_NAME

from .. import ids
from ..links import noc_public_url
from ..statuses import STATUS_NAMES, STATUS_NUMBERS, status_name, status_number
from .common import (
    BoundedDateField,
    DocumentLinkSerializer,
    DocumentSerializer,
    HourMinuteField,
    Text,
    UtcDateTimeField,
    checked,
    community_country,
)

ID = {"max_length": 64, "required": False}
NULLABLE_STRING = {"type": "string", "nullable": True}


class NocSerializer(DocumentSerializer):
    """A file descriptor plus the NOC's number and dates."""

    nocNumber = Text(source="noc_number", max_length=64)
    issueDate = BoundedDateField(source="issue_date", help_text="Not in the future (community time).")
    expiryDate = BoundedDateField(source="expiry_date", help_text="On or after the permit's end (validTill).")

    def validate_issueDate(self, value):
        community = self.context.get("community")
        if community is not None:
            today = local_date(timezone.now(), community.tzinfo)
            checked(lambda day: validate_noc_issued(day, today=today), value)
        return value


class EmployeeSerializer(serializers.Serializer):
    name = Text(max_length=200)
    idNumber = Text(source="id_number", max_length=64, help_text=f"{ID_NUMBER_HINT} Answered in one spelling.")
    phone = Text(
        max_length=32, required=False, allow_blank=True, default="", help_text="E.164, or national in the community."
    )

    def validate_idNumber(self, value):
        return checked(normalize_id_number, value)

    def validate_phone(self, value):
        return checked(lambda raw: normalize_optional_phone(raw, region=community_country(self)), value)


class VehicleSerializer(serializers.Serializer):
    plate = Text(max_length=40, help_text=f"{PLATE_HINT} Answered as stored, e.g. DXBA12345.")

    def validate_plate(self, value):
        return checked(clean_plate, value)


class PermitFieldsSerializer(serializers.Serializer):
    """What create and update share: the fields ``submit`` needs, people and extra flats."""

    permitType = serializers.ChoiceField(choices=list(PERMIT_TYPES_BY_NAME), source="permit_type", required=False)
    timeIn = HourMinuteField(source="time_in", required=False, help_text="HH:MM, community local time.")
    timeOut = HourMinuteField(source="time_out", required=False, help_text="HH:MM, community local time.")
    representativeName = Text(source="representative_name", max_length=200, required=False, allow_blank=True)
    representativeContact = Text(source="representative_contact", max_length=100, required=False, allow_blank=True)
    jobsSummary = Text(source="jobs_summary", max_length=5000, required=False, allow_blank=True)
    employees = EmployeeSerializer(many=True, required=False, max_length=200, help_text="The whole list.")
    vehicles = VehicleSerializer(many=True, required=False, max_length=50, help_text="The whole list.")
    additionalFlatExternalIds = serializers.ListField(child=Text(max_length=64), required=False, max_length=50)
    additionalFlatIds = serializers.ListField(child=Text(max_length=64), required=False, max_length=50)

    def validate_permitType(self, value):
        return PERMIT_TYPES_BY_NAME[value]

    def validate_representativeContact(self, value):
        region = community_country(self)
        return checked(lambda raw: normalize_representative_contact(raw, region=region), value)


class PermitCreateSerializer(PermitFieldsSerializer):
    salesforcePermitId = Text(max_length=18, required=False, allow_null=True)
    contractorSalesforceId = Text(**ID)
    communityContractorId = Text(**ID)
    propertyExternalId = Text(**ID)
    propertyId = Text(**ID)
    flatExternalId = Text(**ID)
    flatId = Text(**ID)
    validFrom = UtcDateTimeField(source="valid_from")
    validTill = UtcDateTimeField(source="valid_till", help_text="In the future and after validFrom.")
    noc = NocSerializer(required=False, allow_null=True)

    def validate(self, attrs):
        for one, other in (
            ("contractorSalesforceId", "communityContractorId"),
            ("propertyExternalId", "propertyId"),
            ("flatExternalId", "flatId"),
        ):
            if not attrs.get(one) and not attrs.get(other):
                raise serializers.ValidationError(_("Give %(one)s or %(other)s.") % {"one": one, "other": other})
        return attrs


class PermitUpdateSerializer(PermitFieldsSerializer):
    action = serializers.ChoiceField(choices=["replaceNoc"], required=False)
    noc = NocSerializer(required=False, help_text="With action replaceNoc: the new current NOC.")
    validFrom = UtcDateTimeField(source="valid_from", required=False)
    validTill = UtcDateTimeField(source="valid_till", required=False)

    def validate(self, attrs):
        if attrs.get("action") == "replaceNoc" and not attrs.get("noc"):
            raise serializers.ValidationError({"noc": _("replaceNoc needs the new noc.")})
        if attrs.get("noc") and attrs.get("action") != "replaceNoc":
            raise serializers.ValidationError({"action": 'Send a new NOC with "action": "replaceNoc".'})
        if not attrs:
            raise serializers.ValidationError(_("Nothing to change: send validity, permit fields or replaceNoc."))
        return attrs


class NocSummarySerializer(serializers.Serializer):
    document = serializers.SerializerMethodField()
    nocNumber = serializers.CharField(source="noc_number")

    @extend_schema_field(DocumentLinkSerializer)
    def get_document(self, noc: NocVersion) -> dict:
        return {"publicUrl": noc_public_url(noc, self.context.get("request"))}


class NocVersionSerializer(NocSummarySerializer):
    issueDate = BoundedDateField(source="issue_date")
    expiryDate = BoundedDateField(source="expiry_date")
    version = serializers.IntegerField()
    uploadedAt = UtcDateTimeField(source="uploaded_at")


class DamacCreatedSerializer(serializers.Serializer):
    salesforceId = serializers.CharField(source="crm_reference", allow_null=True, help_text="salesforcePermitId.")
    noc = serializers.SerializerMethodField()

    @extend_schema_field(NocSummarySerializer(allow_null=True))
    def get_noc(self, permit: Permit) -> dict | None:
        noc = _current(permit)
        return NocSummarySerializer(noc, context=self.context).data if noc else None


class DamacDetailSerializer(DamacCreatedSerializer):
    nocHistory = serializers.SerializerMethodField()

    @extend_schema_field(NocVersionSerializer(allow_null=True))
    def get_noc(self, permit: Permit) -> dict | None:
        noc = _current(permit)
        return NocVersionSerializer(noc, context=self.context).data if noc else None

    @extend_schema_field(NocVersionSerializer(many=True))
    def get_nocHistory(self, permit: Permit) -> list[dict]:
        earlier = [noc for noc in permit.noc_versions.all() if not noc.is_current]
        return NocVersionSerializer(sorted(earlier, key=lambda noc: noc.version), many=True, context=self.context).data


class IntegrationsCreatedSerializer(serializers.Serializer):
    damac = DamacCreatedSerializer(source="*")


class IntegrationsDetailSerializer(serializers.Serializer):
    damac = DamacDetailSerializer(source="*")


class PermitCreatedSerializer(serializers.Serializer):
    """Exactly the contract's 201 body of ``POST /permits``."""

    _id = serializers.CharField(source="reference")
    status = serializers.SerializerMethodField()
    communityContractorId = serializers.CharField(source="contractor.reference")
    propertyId = serializers.SerializerMethodField()
    flatId = serializers.SerializerMethodField()
    validFrom = UtcDateTimeField(source="valid_from")
    validTill = UtcDateTimeField(source="valid_till")
    integrations = IntegrationsCreatedSerializer(source="*")

    @extend_schema_field({"type": "integer", "enum": STATUS_NUMBERS})
    def get_status(self, permit: Permit) -> int:
        return status_number(permit.status)

    def get_propertyId(self, permit: Permit) -> str:
        return ids.property_id(permit.property)

    def get_flatId(self, permit: Permit) -> str:
        return ids.unit_id(permit.main_unit)


class PermitDetailSerializer(PermitCreatedSerializer):
    """``GET /permits/{id}``: the create shape plus status name, pass, NOC history and the permit's fields."""

    statusName = serializers.SerializerMethodField()
    portalStatus = serializers.CharField(source="status", help_text="The portal's own status (e.g. changes_requested).")
    passNumber = serializers.SerializerMethodField()
    accessCode = serializers.SerializerMethodField()
    permitType = serializers.SerializerMethodField()
    propertyExternalId = serializers.CharField(source="property.external_id")
    flatExternalId = serializers.CharField(source="main_unit.external_id")
    additionalFlatExternalIds = serializers.SerializerMethodField()
    timeIn = HourMinuteField(source="time_in", allow_null=True)
    timeOut = HourMinuteField(source="time_out", allow_null=True)
    representativeName = serializers.CharField(source="representative_name")
    representativeContact = serializers.CharField(source="representative_contact")
    jobsSummary = serializers.CharField(source="jobs_summary")
    employees = EmployeeSerializer(source="workers", many=True)
    vehicles = serializers.SerializerMethodField()
    integrations = IntegrationsDetailSerializer(source="*")

    @extend_schema_field({"type": "string", "enum": STATUS_NAMES})
    def get_statusName(self, permit: Permit) -> str:
        return status_name(permit.status)

    @extend_schema_field(NULLABLE_STRING)
    def get_passNumber(self, permit: Permit) -> str | None:
        return permit.pass_number or None

    @extend_schema_field(NULLABLE_STRING)
    def get_accessCode(self, permit: Permit) -> str | None:
        return permit.access_code or None

    @extend_schema_field({"type": "string", "enum": list(PERMIT_TYPES_BY_NAME)})
    def get_permitType(self, permit: Permit) -> str:
        return PERMIT_TYPE_NAMES.get(permit.permit_type, "other")

    def get_additionalFlatExternalIds(self, permit: Permit) -> list[str]:
        return [unit.external_id for unit in permit.additional_units.all()]

    @extend_schema_field(VehicleSerializer(many=True))
    def get_vehicles(self, permit: Permit) -> list[dict]:
        return [{"plate": vehicle.plate} for vehicle in permit.vehicles.all() if vehicle.removed_at is None]


def _current(permit: Permit) -> NocVersion | None:
    return next((noc for noc in permit.noc_versions.all() if noc.is_current), None)
