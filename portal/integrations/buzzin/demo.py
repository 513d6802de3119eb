"""The demo communities at Buzz-In: their ids (as in the contract's examples) and, with the sandboxes on,
a random key each (each real community has its own key)."""

from __future__ import annotations

import secrets

from django.conf import settings

from portal.core.models import Community

from .models import BuzzinCommunity, BuzzinProperty

DEMO_IDS = {
    "damac-hills": (
        "66e00000000000000000c001",
        {"DAMAC-TWR-07": "66e0000000000000000000a1", "DAMAC-TWR-08": "66e0000000000000000000a2"},
    ),
    "palm-gardens": ("66e00000000000000000c002", {"PG-RES-01": "66e0000000000000000000b1"}),
}


def buzzin_demo_configure(communities: list[Community]) -> None:
    """Give the demo communities and towers their Buzz-In ids, and each community a sandbox key."""
    for community in communities:
        community_id, property_ids = DEMO_IDS.get(community.slug, ("", {}))
        link, _ = BuzzinCommunity.objects.get_or_create(community=community)
        link.buzzin_id = community_id or link.buzzin_id
        if not link.api_key and settings.SANDBOXES_ENABLED:
            link.api_key = secrets.token_hex(16)
        link.save()
        for prop in community.properties.filter(external_id__in=list(property_ids)):
            BuzzinProperty.objects.update_or_create(
                property=prop, defaults={"buzzin_id": property_ids[prop.external_id]}
            )
