"""Who did something: a person, an API key, a partner's webhook or a scheduled job."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Actor:
    label: str
    user: Any = None  # django.contrib.auth user, when a person acted

    @classmethod
    def for_user(cls, user) -> Actor:
        return cls(label=user.get_username(), user=user)

    @classmethod
    def system(cls, job: str) -> Actor:
        return cls(label=f"system: {job}")

    @classmethod
    def partner(cls, name: str) -> Actor:
        return cls(label=f"partner: {name}")

    @classmethod
    def api_key(cls, key) -> Actor:
        return cls(label=f"api key: {key.name} ({key.prefix}…)")
