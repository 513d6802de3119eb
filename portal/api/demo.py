"""Demo API keys: one per demo community, printed by ``seed_demo`` so the contract's curl examples work.

DEMO_API_KEY fixes the first community's key; every other key is random and kept under var/ (like
the demo password), so a rerun prints the same keys and creates no new ones.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.views.decorators.debug import sensitive_variables

from permits.demo import COMMUNITIES
from portal.core.actors import Actor
from portal.core.models import ApiKey, Community

from .keys import KEY_PREFIX, api_key_create, api_key_revoke, hash_key

DEMO_KEY_NAME = "Demo CRM"
SEED = Actor.system("seed_demo")


def demo_api_key_setting() -> str:
    return settings.DEMO_API_KEY


@sensitive_variables("raw_key", "result")
@transaction.atomic
def seed_api_keys() -> list[tuple[str, str]]:
    """(community name, raw key) for each demo community, creating or rotating keys only when needed."""
    slugs = [spec["slug"] for spec in COMMUNITIES]
    communities = sorted(Community.objects.filter(slug__in=slugs), key=lambda community: slugs.index(community.slug))
    result = []
    for index, community in enumerate(communities):
        raw_key = (demo_api_key_setting() if index == 0 else "") or _kept_key(community)
        _ensure_key(community, raw_key)
        result.append((community.name, raw_key))
    return result


@sensitive_variables("raw_key")
def _ensure_key(community: Community, raw_key: str) -> ApiKey:
    existing = ApiKey.objects.filter(key_hash=hash_key(raw_key)).first()
    if existing is not None:
        if existing.community_id != community.pk or existing.revoked_at is not None:
            raise ValidationError(
                f"The demo key for {community.name} belongs to a revoked key or another community; "
                "choose another DEMO_API_KEY (or delete var/demo-api-keys/)."
            )
        return existing
    for old in ApiKey.objects.filter(community=community, name=DEMO_KEY_NAME, revoked_at__isnull=True):
        api_key_revoke(actor=SEED, key=old)
    key, _ = api_key_create(actor=SEED, community=community, name=DEMO_KEY_NAME, raw_key=raw_key)
    return key


def _kept_key(community: Community) -> str:
    path = Path(settings.BASE_DIR) / "var" / "demo-api-keys" / community.slug
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(KEY_PREFIX + secrets.token_urlsafe(30))
    return path.read_text().strip()
