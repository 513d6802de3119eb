"""How the OpenAPI schema describes the key authentication (registered when the app is ready)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema

from .statuses import STATUSES


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "portal.api.authentication.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "The community's API key, created by an operator in the admin: "
            "`Authorization: Bearer <key>`.",
        }


class ApiAutoSchema(AutoSchema):
    """PATCH bodies of this API are actions with their own required fields (Buzz-In's style), not partial
    updates: describe them as they are validated instead of as "Patched…" components with nothing required."""

    def _get_request_for_media_type(self, serializer, direction="request"):
        method = self.method
        if method == "PATCH":
            self.method = "POST"
        try:
            return super()._get_request_for_media_type(serializer, direction)
        finally:
            self.method = method


def api_description() -> str:
    statuses = "\n".join(f"| {portal} | {number} | {name} |" for portal, (number, name) in STATUSES.items())
    return DESCRIPTION.format(statuses=statuses)


DESCRIPTION = """
Work permits in Buzz-In's "Work Permit DAMAC integration" shapes: a CRM that speaks to Buzz-In can speak
to the portal instead. What it sends enters the portal's own workflow: a permit is created as a DRAFT,
`submit` puts it into a property manager's review, and only an approved permit reaches Buzz-In's gates
and OPS-COM's parking.

**Authentication.** `Authorization: Bearer <key>`. A key belongs to one community (operators create and
revoke keys in the admin); everything outside that community answers 404.

**Rate limit.** Per key (default 600 requests a minute); over it: 429 with `Retry-After`.

**Bodies.** JSON only, camelCase. Date-times are ISO 8601 with a zone and answered in UTC with
milliseconds (`2026-07-01T06:00:00.000Z`); dates are `YYYY-MM-DD`; daily times `HH:MM` in the
community's local time. Documents are `{{"type": "url", "url"}}` (kept as a link, never fetched) or
`{{"type": "base64", "fileName", "contentType", "data"}}` (PDF, PNG or JPEG, judged by the content).

**Ids.** `_id` of a permit is the portal's permit reference (18 characters); `GET/PATCH /permits/{{id}}`
and `PATCH /passes/{{id}}` also accept the CRM's `salesforcePermitId` and the permit's Buzz-In id.
`_id` of a contractor (`communityContractorId`) is the portal's contractor reference; its `salesforceId`
works wherever a contractor is named. `propertyId` and `flatId` are the Buzz-In ids the portal holds,
else stable 24-hex ids the portal derives; `propertyExternalId` / `flatExternalId` are the DAMAC ids.

**Errors.** Always `{{"name", "message", "code"}}` (`BadRequest` 400, `Unauthorized` 401, `NotFound` 404,
`Conflict` 409, `TooManyRequests` 429), plus `errors` (messages per field) and, for a refused submit,
`missing`. A 409 on a create means "it already exists": look it up and carry on.

**Status numbers** (`statusName` is always sent; trust it over the number):

| portal status | status | statusName |
|---|---|---|
{statuses}
"""
