"""API keys: one community each, shown once, stored as a SHA-256 hash with a short prefix to recognise it."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from portal.core.actors import Actor
from portal.core.events import event_record
from portal.core.models import ApiKey, Community

KEY_PREFIX = "ppk_"
PREFIX_LENGTH = 12
MAX_KEY_LENGTH = 200
# last_used_at is written at most this often per key, so a busy CRM does not write on every request.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


@sensitive_variables()
def hash_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode("utf-8", "replace")).hexdigest()


def new_raw_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(30)


@sensitive_variables("raw_key")
def api_key_create(*, actor: Actor, community: Community, name: str, raw_key: str | None = None) -> tuple[ApiKey, str]:
    """A new key for ``community``; the raw key is returned here and never again."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the key a name, e.g. the system that will use it.")})
    raw_key = raw_key or new_raw_key()
    if len(raw_key) < 16 or len(raw_key) > MAX_KEY_LENGTH or any(char.isspace() for char in raw_key):
        raise ValidationError(_("An API key has 16 to 200 characters and no spaces."), code="invalid_key")
    key_hash = hash_key(raw_key)
    # A block, not the @transaction.atomic decorator: the decorator's frame would show the raw key among its
    # arguments in an error report.
    with transaction.atomic():
        if ApiKey.objects.filter(key_hash=key_hash).exists():
            raise ValidationError(_("This key is already in use."), code="duplicate_key")
        try:
            with transaction.atomic():
                key = ApiKey.objects.create(
                    community=community,
                    name=name[:100],
                    prefix=raw_key[:PREFIX_LENGTH],
                    key_hash=key_hash,
                    created_by=actor.user,
                )
        except IntegrityError:
            raise ValidationError(_("A key with the same first characters exists; generate another.")) from None
        data = {"name": key.name, "prefix": key.prefix}
        event_record(actor=actor, target=key, action="api.key.created", community=community, data=data)
    return key, raw_key


@transaction.atomic
def api_key_revoke(*, actor: Actor, key: ApiKey) -> ApiKey:
    """The key stops working at once. Revoking twice changes nothing."""
    key = ApiKey.objects.select_for_update().select_related("community").get(pk=key.pk)
    if key.revoked_at is not None:
        return key
    key.revoked_at = timezone.now()
    key.save(update_fields=["revoked_at"])
    event_record(
        actor=actor, target=key, action="api.key.revoked", community=key.community, data={"prefix": key.prefix}
    )
    return key


@sensitive_variables("raw_key")
def api_key_authenticate(raw_key: str) -> ApiKey | None:
    """The live key for ``raw_key``, or None. Looked up by hash: no comparison of secrets character by character."""
    if not raw_key or len(raw_key) > MAX_KEY_LENGTH:
        return None
    key_hash = hash_key(raw_key)
    key = ApiKey.objects.select_related("community").filter(key_hash=key_hash, revoked_at__isnull=True).first()
    if key is None or not hmac.compare_digest(key.key_hash, key_hash):
        return None
    _touch(key)
    return key


def _touch(key: ApiKey) -> None:
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
