"""The reference of the API create figure: the same nested create written the plain DRF way.

``POST /bench/api/v1/permits`` takes the portal's request body (``POST /api/v1/permits``) and stores the
same rows (permit, extra units, workers, vehicles, first NOC version) with what a careful DRF user would
write: one ``ModelSerializer`` with nested serializers, lookups scoped to the API key's community, one
transaction, the portal's authentication, permission, throttle, parser and renderer classes. What it
leaves out is what the portal adds on top: the domain rules (maximum length, contractor documents,
clashes), the audit events, the row locks and the NOC version numbering, and the answer's full shape.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from rest_framework import serializers, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from contractors.choices import MembershipStatus
from contractors.models import Contractor
from permits.choices import PermitSource
from permits.models import NocVersion, Permit, PermitUnit, Vehicle, Worker
from permits.validators import clean_plate, normalize_id_number, normalize_representative_contact
from portal.api.authentication import ApiKeyAuthentication
from portal.api.permissions import HasApiKey
from portal.api.throttling import ApiKeyRateThrottle
from portal.api.transport import JsonOnlyNegotiation, SafeJSONParser
from portal.core.actors import Actor
from portal.core.contact import normalize_optional_phone
from portal.core.models import Property, Unit


def _checked(normalise, value):
    from django.core.exceptions import ValidationError

    try:
        return normalise(value)
    except ValidationError as error:
        raise serializers.ValidationError(error.messages) from None


class ContractorField(serializers.RelatedField):
    """By salesforceId or portal reference, among the contractors approved in the key's community."""

    def get_queryset(self):
        community = self.context["community"]
        return Contractor.objects.filter(
            memberships__community=community, memberships__status=MembershipStatus.APPROVED
        )

    def to_internal_value(self, data):
        found = self.get_queryset().filter(Q(crm_reference=data) | Q(reference=data)).first()
        if found is None:
            raise serializers.ValidationError("Unknown contractor.")
        return found

    def to_representation(self, value):
        return value.reference


class ReferenceNocSerializer(serializers.ModelSerializer):
    type = serializers.ChoiceField(choices=["url"], write_only=True)
    url = serializers.URLField(source="document_url", max_length=500)
    nocNumber = serializers.CharField(source="noc_number", max_length=64)
    issueDate = serializers.DateField(source="issue_date")
    expiryDate = serializers.DateField(source="expiry_date")

    class Meta:
        model = NocVersion
        fields = ["type", "url", "nocNumber", "issueDate", "expiryDate"]

    def validate(self, attrs):
        attrs.pop("type", None)
        if attrs["issue_date"] > timezone.localdate():
            raise serializers.ValidationError({"issueDate": "Not in the future."})
        return attrs


class ReferenceWorkerSerializer(serializers.ModelSerializer):
    idNumber = serializers.CharField(source="id_number", max_length=64)

    class Meta:
        model = Worker
        fields = ["name", "idNumber", "phone"]
        extra_kwargs = {"phone": {"required": False, "allow_blank": True, "max_length": 32}}

    def validate_idNumber(self, value):
        return _checked(normalize_id_number, value)

    def validate_phone(self, value):
        region = self.context["community"].country
        return _checked(lambda raw: normalize_optional_phone(raw, region=region), value)


class ReferenceVehicleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Vehicle
        fields = ["plate"]
        extra_kwargs = {"plate": {"max_length": 40}}

    def validate_plate(self, value):
        return _checked(clean_plate, value)


class ReferencePermitSerializer(serializers.ModelSerializer):
    _id = serializers.CharField(source="reference", read_only=True)
    salesforcePermitId = serializers.CharField(source="crm_reference", max_length=18)
    contractorSalesforceId = ContractorField(source="contractor")
    propertyExternalId = serializers.SlugRelatedField(
        source="property", slug_field="external_id", queryset=Property.objects.none()
    )
    flatExternalId = serializers.CharField(write_only=True, max_length=64)
    additionalFlatExternalIds = serializers.ListField(
        child=serializers.CharField(max_length=64), write_only=True, required=False, max_length=50
    )
    validFrom = serializers.DateTimeField(source="valid_from")
    validTill = serializers.DateTimeField(source="valid_till")
    timeIn = serializers.TimeField(source="time_in", required=False)
    timeOut = serializers.TimeField(source="time_out", required=False)
    representativeName = serializers.CharField(source="representative_name", required=False, allow_blank=True)
    representativeContact = serializers.CharField(source="representative_contact", required=False, allow_blank=True)
    jobsSummary = serializers.CharField(source="jobs_summary", required=False, allow_blank=True)
    noc = ReferenceNocSerializer(write_only=True, required=False)
    employees = ReferenceWorkerSerializer(many=True, write_only=True, required=False, max_length=200)
    vehicles = ReferenceVehicleSerializer(many=True, write_only=True, required=False, max_length=50)

    class Meta:
        model = Permit
        fields = [
            "_id",
            "status",
            "salesforcePermitId",
            "contractorSalesforceId",
            "propertyExternalId",
            "flatExternalId",
            "additionalFlatExternalIds",
            "validFrom",
            "validTill",
            "timeIn",
            "timeOut",
            "representativeName",
            "representativeContact",
            "jobsSummary",
            "noc",
            "employees",
            "vehicles",
        ]
        read_only_fields = ["status"]

    def get_fields(self):
        fields = super().get_fields()
        fields["propertyExternalId"].queryset = Property.objects.filter(community=self.context["community"])
        return fields

    def validate_salesforcePermitId(self, value):
        if Permit.objects.filter(community=self.context["community"], crm_reference=value).exists():
            raise serializers.ValidationError("A permit with this salesforcePermitId exists.")
        return value

    def validate_representativeContact(self, value):
        region = self.context["community"].country
        return _checked(lambda raw: normalize_representative_contact(raw, region=region), value)

    def validate(self, attrs):
        if attrs["valid_till"] <= attrs["valid_from"]:
            raise serializers.ValidationError({"validTill": "After validFrom."})
        if attrs["valid_till"] <= timezone.now():
            raise serializers.ValidationError({"validTill": "In the future."})
        wanted = [attrs.pop("flatExternalId"), *attrs.pop("additionalFlatExternalIds", [])]
        units = {
            unit.external_id: unit for unit in Unit.objects.filter(property=attrs["property"], external_id__in=wanted)
        }
        missing = [external_id for external_id in wanted if external_id not in units]
        if missing:
            raise serializers.ValidationError({"flatExternalId": f"Unknown flats: {', '.join(missing)}."})
        attrs["main_unit"] = units[wanted[0]]
        attrs["extra_units"] = list(dict.fromkeys(units[e] for e in wanted[1:] if units[e] != attrs["main_unit"]))
        return attrs

    def create(self, validated_data):
        noc = validated_data.pop("noc", None)
        workers = validated_data.pop("employees", [])
        vehicles = validated_data.pop("vehicles", [])
        extra_units = validated_data.pop("extra_units")
        with transaction.atomic():
            permit = Permit.objects.create(
                community=self.context["community"], source=PermitSource.API, **validated_data
            )
            PermitUnit.objects.bulk_create(PermitUnit(permit=permit, unit=unit) for unit in extra_units)
            Worker.objects.bulk_create(Worker(permit=permit, **worker) for worker in workers)
            Vehicle.objects.bulk_create(
                Vehicle(permit=permit, plate=vehicle["plate"], position=position)
                for position, vehicle in enumerate(vehicles, start=1)
            )
            if noc is not None:
                NocVersion.objects.create(
                    permit=permit, version=1, is_current=True, uploaded_by_label=self.context["actor"].label, **noc
                )
        return permit


class ReferencePermitCreateView(APIView):
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [HasApiKey]
    throttle_classes = [ApiKeyRateThrottle]
    parser_classes = [SafeJSONParser]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JsonOnlyNegotiation

    def post(self, request):
        context = {"request": request, "community": request.auth.community, "actor": Actor.api_key(request.auth)}
        serializer = ReferencePermitSerializer(data=request.data, context=context)
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return Response(serializer.data, status=status.HTTP_201_CREATED)
