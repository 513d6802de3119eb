"""Small helpers to say which field a pure validator's refusal belongs to."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError


@contextmanager
def on_field(name: str) -> Iterator[None]:
    """Re-raise a plain ValidationError as ``{name: [...]}``, so a form shows it under that field
    and the API names it; an error that already names its fields passes through unchanged."""
    try:
        yield
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            raise
        raise ValidationError({name: error.error_list}) from None
