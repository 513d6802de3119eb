"""``POST /communityContractors`` and ``PATCH /communityContractors/{id}``."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.response import Response

from contractors.choices import DocumentKind, MembershipStatus
from contractors.models import ContractorMembership
from contractors.services import contractor_approve
from permits.services import contractor_revoke
from permits.services.api_support import contractor_create_with_documents

from ..lookups import membership_or_404, reject_duplicate_contractor
from ..serializers.contractors import ContractorActionSerializer, ContractorCreateSerializer, ContractorSerializer
from .base import ApiView, error_responses, id_parameter

TAGS = ["Contractors"]


class ContractorCreateView(ApiView):
    @extend_schema(
        operation_id="createContractor",
        summary="Create contractor",
        description="Registers the company, pending in the key's community until a property manager (or "
        '`PATCH {"action": "approve"}`) approves it. 409 on a duplicate email or salesforceId (unique across the '
        "portal: a company registered through another community is answered without saying where), or a duplicate "
        "phone in this community.",
        tags=TAGS,
        request=ContractorCreateSerializer,
        responses={201: ContractorSerializer, **error_responses(400, 409)},
    )
    def post(self, request):
        serializer = ContractorCreateSerializer(data=request.data, context=self.context(community=self.community))
        serializer.is_valid(raise_exception=True)
        data, salesforce_id = serializer.validated_data, serializer.validated_salesforce_id()
        reject_duplicate_contractor(
            self.community, email=data["email"], phone=data["phone"], crm_reference=salesforce_id
        )
        company = data["company"]
        contractor = contractor_create_with_documents(
            actor=self.actor,
            community=self.community,
            documents=_documents(company),
            company_name=company["companyName"],
            contact_name=data["name"],
            email=data["email"],
            phone=data["phone"],
            trade_licence_number=company.get("tradeLicenseNumber", ""),
            trade_licence_expiry=company["tradeLicenseExpiryDate"],
            insurance_expiry=company.get("insuranceExpiryDate"),
            crm_reference=salesforce_id,
        )
        membership = ContractorMembership.objects.select_related("contractor", "community").get(
            contractor=contractor, community=self.community
        )
        context = self.context(trade_license_url=company["tradeLicense"]["document_url"] or None)
        return Response(ContractorSerializer(membership, context=context).data, status=status.HTTP_201_CREATED)


class ContractorDetailView(ApiView):
    @extend_schema(
        operation_id="updateContractor",
        summary="Revoke or approve contractor",
        description="`revoke`: the contractor leaves the community and every live permit of theirs is archived "
        "(passes and parking stop). `approve`: approved in the key's community. Repeating either changes nothing.",
        tags=TAGS,
        parameters=[id_parameter("The contractor's `_id`, its salesforceId, or its Buzz-In id.")],
        request=ContractorActionSerializer,
        responses={200: ContractorSerializer, **error_responses(400, 404)},
        examples=[OpenApiExample("Revoke", value={"action": "revoke"}, request_only=True)],
    )
    def patch(self, request, id):
        serializer = ContractorActionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = membership_or_404(self.community, id)
        action, reason = serializer.validated_data["action"], serializer.validated_data.get("reason", "")
        if action == "approve" and membership.status != MembershipStatus.APPROVED:
            contractor_approve(actor=self.actor, membership=membership)
        elif action == "revoke" and membership.status != MembershipStatus.REVOKED:
            contractor_revoke(actor=self.actor, membership=membership, reason=reason or "Revoked through the API.")
        membership.refresh_from_db()
        return Response(ContractorSerializer(membership, context=self.context()).data)


def _documents(company: dict) -> list[dict]:
    documents = [
        {
            "kind": DocumentKind.TRADE_LICENCE,
            "expiry_date": company["tradeLicenseExpiryDate"],
            "number": company.get("tradeLicenseNumber", ""),
            **company["tradeLicense"],
        }
    ]
    if company.get("insurance"):
        documents.append(
            {"kind": DocumentKind.INSURANCE, "expiry_date": company["insuranceExpiryDate"], **company["insurance"]}
        )
    return documents
