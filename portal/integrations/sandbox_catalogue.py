"""The portal's communities, properties and units in the Buzz-In sandbox's configuration shape.

Real Buzz-In already knows each community's catalogue; the sandbox learns it from here.
"""

from __future__ import annotations

import hashlib

from django.conf import settings

from portal.core.models import Community


def _object_id(kind: str, pk: int) -> str:
    """A stable 24-hex id for objects the portal has no Buzz-In id for yet."""
    return hashlib.sha1(f"{kind}:{pk}".encode()).hexdigest()[:24]


def buzzin_community_id(community: Community) -> str:
    """The community's Buzz-In id; without one, the stable id the sandbox knows it by."""
    return community.buzzin_community_id or _object_id("community", community.pk)


def buzzin_api_key_for(community: Community) -> str:
    return community.buzzin_api_key or settings.BUZZIN_API_KEY


def buzzin_sandbox_communities() -> list[dict]:
    communities = Community.objects.prefetch_related("properties__units").order_by("pk")
    return [
        {
            "communityId": buzzin_community_id(community),
            "apiKey": buzzin_api_key_for(community),
            "name": community.name,
            "properties": [
                {
                    "externalId": prop.external_id,
                    "_id": prop.buzzin_id or _object_id("property", prop.pk),
                    "flats": [
                        {"externalId": unit.external_id, "_id": unit.buzzin_id or _object_id("unit", unit.pk)}
                        for unit in prop.units.all()
                    ],
                }
                for prop in community.properties.all()
            ],
        }
        for community in communities
        if buzzin_api_key_for(community)
    ]
