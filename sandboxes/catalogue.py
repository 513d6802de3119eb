"""The portal's communities, properties and units in the Buzz-In sandbox's configuration shape.

Real Buzz-In already knows each community's catalogue; the sandbox learns it from here. Ids are the
ones the portal answers with (``portal.api.ids``): the Buzz-In id it holds, else one derived from the row.
This module needs Django set up; the sandboxes themselves do not.
"""

from __future__ import annotations

from portal.api.ids import community_id, property_id, unit_id
from portal.core.models import Community
from portal.integrations.delivery.clients import buzzin_api_key_for


def buzzin_sandbox_communities() -> list[dict]:
    communities = Community.objects.prefetch_related("properties__units").order_by("pk")
    return [
        {
            "communityId": community_id(community),
            "apiKey": buzzin_api_key_for(community),
            "name": community.name,
            "properties": [
                {
                    "externalId": prop.external_id,
                    "_id": property_id(prop),
                    "flats": [{"externalId": unit.external_id, "_id": unit_id(unit)} for unit in prop.units.all()],
                }
                for prop in community.properties.all()
            ],
        }
        for community in communities
        if buzzin_api_key_for(community)
    ]
