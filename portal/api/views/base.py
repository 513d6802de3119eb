"""What every endpoint shares: key authentication, the rate limit, JSON only, the contract's error shape."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from portal.core.actors import Actor
from portal.core.models import Community

from ..authentication import ApiKeyAuthentication
from ..errors import api_exception_handler
from ..permissions import HasApiKey
from ..schema import ApiAutoSchema
from ..serializers.common import ErrorSerializer
from ..throttling import ApiKeyRateThrottle
from ..transport import JsonOnlyNegotiation, SafeJSONParser

ERROR_DESCRIPTIONS = {
    400: "Bad Request: the body is not valid JSON, a field is wrong, or a rule refuses the change.",
    401: "Unauthorized: no API key, a malformed Authorization header, or an unknown or revoked key.",
    404: "Record Not Found: unknown, unapproved, or outside the key's community.",
    409: "Conflict: a record with the same business key exists (look it up and carry on).",
    429: "Too Many Requests: the key's rate limit, or too many failed authentications from the client's address; "
    "retry after the Retry-After header's seconds.",
}


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    return {
        code: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[code])
        for code in sorted({*codes, 401, 429})
    }


def id_parameter(description: str) -> OpenApiParameter:
    return OpenApiParameter("id", str, OpenApiParameter.PATH, description=description)


class ApiView(APIView):
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [HasApiKey]
    throttle_classes = [ApiKeyRateThrottle]
    parser_classes = [SafeJSONParser]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JsonOnlyNegotiation
    schema = ApiAutoSchema()

    def get_exception_handler(self):
        return api_exception_handler

    @property
    def community(self) -> Community:
        return self.request.auth.community

    @property
    def actor(self) -> Actor:
        return Actor.api_key(self.request.auth)

    def context(self, **extra) -> dict:
        return {"request": self.request, **extra}
