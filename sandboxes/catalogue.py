"""The portal's communities, properties and units in the Buzz-In sandbox's configuration shape.

Real Buzz-In already knows each community's catalogue; the sandbox learns it from here. Ids are the
ones the portal uses (``portal.integrations.buzzin.ids``): the Buzz-In id it holds, else one derived
from the row. This module needs Django set up; the sandboxes themselves do not.
"""

from __future__ import annotations

from portal.core.models import Community
from portal.integrations.buzzin.connection import buzzin_api_key_for
from portal.integrations.buzzin.ids import buzzin_object_id


def buzzin_sandbox_communities() -> list[dict]:
    communities = (
        Community.objects.select_related("buzzin")
        .prefetch_related("properties__buzzin", "properties__units__buzzin")
        .order_by("pk")
    )
    return [
        {
            "communityId": buzzin_object_id(community),
            "apiKey": buzzin_api_key_for(community),
            "name": community.name,
            "properties": [
                {
                    "externalId": prop.external_id,
                    "_id": buzzin_object_id(prop),
                    "flats": [
                        {"externalId": unit.external_id, "_id": buzzin_object_id(unit)} for unit in prop.units.all()
                    ],
                }
                for prop in community.properties.all()
            ],
        }
        for community in communities
        if buzzin_api_key_for(community)
    ]
