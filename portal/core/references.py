"""Stable public references in the role of Salesforce ids (18 characters): how the partners know our records."""

import secrets
import string

_ALPHABET = string.ascii_letters + string.digits


def new_reference(prefix: str) -> str:
    """``prefix`` (3 characters) plus 15 random characters: 62**15 values, collisions negligible."""
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(18 - len(prefix)))
