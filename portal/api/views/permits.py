"""``POST /permits``, ``GET /permits/{id}``, ``PATCH /permits/{id}``."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.response import Response

from permits.services.api_support import permit_create_with_noc, permit_update_whole

from ..lookups import approved_membership_or_404, permit_for_answer, permit_or_404, places_or_404, units_or_404
from ..serializers.permits import (
    PermitCreatedSerializer,
    PermitCreateSerializer,
    PermitDetailSerializer,
    PermitUpdateSerializer,
)
from .base import ApiView, error_responses, id_parameter
from .examples import CREATE_PERMIT_EXAMPLE, CREATED_PERMIT_EXAMPLE

TAGS = ["Permits"]
FIELDS = ("permit_type", "time_in", "time_out", "representative_name", "representative_contact", "jobs_summary")
PERMIT_ID = id_parameter("The permit's `_id`, its salesforcePermitId, or its Buzz-In id.")


class PermitCreateView(ApiView):
    @extend_schema(
        operation_id="createPermit",
        summary="Create NOC / fit-out permit",
        description="Creates the permit as a DRAFT (`status: 10`) in the key's community. Contractor, property and "
        "flats are resolved by external or portal ids (404 when unknown, unapproved or outside the community); "
        "`validTill` must be in the future and after `validFrom` (400); a `salesforcePermitId` already used in the "
        "community is a 409. Submit it with `PATCH /passes/{id}` once it is complete.",
        tags=TAGS,
        request=PermitCreateSerializer,
        responses={201: PermitCreatedSerializer, **error_responses(400, 404, 409)},
        examples=[
            OpenApiExample("Contract example", value=CREATE_PERMIT_EXAMPLE, request_only=True),
            OpenApiExample("Created", value=CREATED_PERMIT_EXAMPLE, response_only=True, status_codes=["201"]),
        ],
    )
    def post(self, request):
        serializer = PermitCreateSerializer(data=request.data, context=self.context(community=self.community))
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        salesforce_id = data.get("salesforcePermitId") or None
        membership = approved_membership_or_404(
            self.community,
            salesforce_id=data.get("contractorSalesforceId"),
            contractor_id=data.get("communityContractorId"),
            new_permit_id=salesforce_id,
        )
        prop, main_unit, additional_units = places_or_404(
            self.community,
            property_external_id=data.get("propertyExternalId"),
            property_id=data.get("propertyId"),
            flat_external_id=data.get("flatExternalId"),
            flat_id=data.get("flatId"),
            additional_external_ids=data.get("additionalFlatExternalIds", ()),
            additional_flat_ids=data.get("additionalFlatIds", ()),
        )
        permit = permit_create_with_noc(
            actor=self.actor,
            contractor=membership.contractor,
            known_membership_status=membership.status,  # read just now: the rules need not read it again
            property=prop,
            main_unit=main_unit,
            additional_units=additional_units,
            valid_from=data["valid_from"],
            valid_till=data["valid_till"],
            crm_reference=salesforce_id,
            noc=data.get("noc"),
            workers=data.get("employees", ()),
            plates=[vehicle["plate"] for vehicle in data.get("vehicles", ())],
            **{name: data[name] for name in FIELDS if name in data},
        )
        # The permit comes back with the rows it was created with: the answer reads nothing back.
        body = PermitCreatedSerializer(permit, context=self.context()).data
        return Response(body, status=status.HTTP_201_CREATED)


class PermitDetailView(ApiView):
    @extend_schema(
        operation_id="getPermit",
        summary="Get permit (reconciliation)",
        description="The create shape plus `statusName`, `passNumber`, `accessCode`, `integrations.damac.nocHistory` "
        "and the permit's own fields.",
        tags=TAGS,
        parameters=[PERMIT_ID],
        responses={200: PermitDetailSerializer, **error_responses(404)},
    )
    def get(self, request, id):
        permit = permit_or_404(self.community, id)
        return Response(PermitDetailSerializer(permit_for_answer(permit.pk), context=self.context()).data)

    @extend_schema(
        operation_id="updatePermit",
        summary="Update permit: dates, NOC, details",
        description="Validity (`validFrom`/`validTill`): a draft's dates change; an approved or active permit is "
        'extended, pass and parking following. `{"action": "replaceNoc", "noc": {...}}`: the current NOC moves to '
        "`nocHistory`. Details (`timeIn`, `timeOut`, representative, `employees`, `vehicles` as whole lists, "
        "additional flats) change while the permit is a draft; vehicles also while approved or active.",
        tags=TAGS,
        parameters=[PERMIT_ID],
        request=PermitUpdateSerializer,
        responses={200: PermitDetailSerializer, **error_responses(400, 404)},
        examples=[
            OpenApiExample("Validity", value={"validTill": "2027-01-31T18:00:00.000Z"}, request_only=True),
        ],
    )
    def patch(self, request, id):
        serializer = PermitUpdateSerializer(data=request.data, context=self.context(community=self.community))
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        permit = permit_or_404(self.community, id)
        permit_update_whole(
            actor=self.actor,
            permit=permit,
            fields={name: data[name] for name in FIELDS if name in data},
            additional_units=_additional_units(permit.property, data),
            valid_from=data.get("valid_from"),
            valid_till=data.get("valid_till"),
            workers=data.get("employees"),
            plates=[vehicle["plate"] for vehicle in data["vehicles"]] if "vehicles" in data else None,
            noc=data.get("noc"),
        )
        return Response(PermitDetailSerializer(permit_for_answer(permit.pk), context=self.context()).data)


def _additional_units(prop, data: dict):
    if "additionalFlatExternalIds" not in data and "additionalFlatIds" not in data:
        return None
    return units_or_404(
        prop, external_ids=data.get("additionalFlatExternalIds", ()), flat_ids=data.get("additionalFlatIds", ())
    )
