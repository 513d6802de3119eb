"""``PATCH /passes/{id}``: submit, revoke, reissuePass."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.response import Response

from permits.services import permit_reissue, permit_submit
from permits.services.api_support import permit_revoke_or_withdraw
from permits.services.lifecycle import permit_missing_for_submission

from ..errors import BadRequest
from ..lookups import permit_or_404
from ..serializers.common import EmptySerializer
from ..serializers.passes import PassActionSerializer
from .base import ApiView, error_responses, id_parameter


class PassDetailView(ApiView):
    @extend_schema(
        operation_id="updatePass",
        summary="Submit, revoke or reissue a permit pass",
        description="`submit`: the DRAFT enters the portal's review (a property manager approves; then Buzz-In "
        "issues the pass); refused with 400 and `missing` while validity, daily times, representative, an "
        "employee or the NOC are missing. `revoke`: an approved or active pass stops at once (gate and parking); a "
        "permit not yet approved is cancelled. `reissuePass`: ACCEPTED (active) permits only: a new access code.",
        tags=["Passes"],
        parameters=[id_parameter("The permit's `_id`, its salesforcePermitId, or its Buzz-In id.")],
        request=PassActionSerializer,
        responses={200: EmptySerializer, **error_responses(400, 404)},
        examples=[OpenApiExample("Submit", value={"action": "submit"}, request_only=True)],
    )
    def patch(self, request, id):
        serializer = PassActionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        permit = permit_or_404(self.community, id)
        action, reason = serializer.validated_data["action"], serializer.validated_data.get("reason", "")
        if action == "submit":
            self._submit(permit)
        elif action == "revoke":
            permit_revoke_or_withdraw(actor=self.actor, permit=permit, reason=reason or "Revoked through the API.")
        else:
            permit_reissue(actor=self.actor, permit=permit, reason=reason)
        return Response({})

    def _submit(self, permit) -> None:
        try:
            permit_submit(actor=self.actor, permit=permit)
        except ValidationError as error:
            if getattr(error, "code", None) != "incomplete":
                raise
            raise BadRequest(error.messages[0], missing=permit_missing_for_submission(permit)) from None
