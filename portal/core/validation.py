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


class FieldErrors:
    """Refusals collected field by field, so a form shows every one at once:

    errors = FieldErrors()
    with errors.on("phone"):
        phone = normalize_phone(phone)
    with errors.on("valid_till"):
        check_dates(...)  # an error that names its own fields keeps them
    errors.raise_if_any()
    """

    def __init__(self) -> None:
        self.by_field: dict[str, list[ValidationError]] = {}

    @contextmanager
    def on(self, name: str) -> Iterator[None]:
        try:
            yield
        except ValidationError as error:
            named = error.error_dict if hasattr(error, "error_dict") else {name: error.error_list}
            for field_name, errors in named.items():
                self.by_field.setdefault(field_name, []).extend(errors)

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)
