"""Buzz-In ids of the portal's places (community, property, unit): the one held, else a stable derived one.

Real Buzz-In already knows each community's catalogue and its ids; where the portal holds none yet, it
uses a stable 24-hex id derived from the row (SHA-1 of ``"<kind>:<pk>"``), the same the sandbox learns.
"""

from __future__ import annotations

import hashlib

from django.db import models


def derived_object_id(kind: str, pk: int) -> str:
    return hashlib.sha1(f"{kind}:{pk}".encode(), usedforsecurity=False).hexdigest()[:24]


def held_buzzin_id(obj: models.Model) -> str:
    """The Buzz-In id stored for ``obj`` (its reverse one-to-one ``buzzin`` row), or ""."""
    try:
        link = obj.buzzin
    except obj._meta.get_field("buzzin").related_model.DoesNotExist:
        return ""
    return link.buzzin_id


def buzzin_object_id(obj: models.Model) -> str:
    return held_buzzin_id(obj) or derived_object_id(obj._meta.model_name, obj.pk)
