"""Write-only secrets in forms: a partner's API key is set, replaced or cleared, never shown again.

``SecretField`` (with its widget ``SecretInput``) shows only whether a value is stored ("set, ends in …1a2b"
or "not set"), an empty password input and a "clear" box:

- the input left empty keeps the stored value;
- a value typed replaces it;
- "clear" empties it (typing and clearing at once is an error).

The stored value reaches the widget only to say whether it is set and how it ends; it is never rendered
into the HTML, not even after a form error. ``portal.core.admin_secrets`` applies it to model fields in
the admin, including the read-only page of a user without the change permission.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator

HINT_MIN_LENGTH = 12  # shorter secrets are only said to be set: four characters of eight is half of it
HINT_CHARACTERS = 4


def secret_status(value: str | None) -> str:
    if not value:
        return "not set"
    if len(value) < HINT_MIN_LENGTH:
        return "set"
    return f"set, ends in …{value[-HINT_CHARACTERS:]}"


class SecretInput(forms.MultiWidget):
    """A password input (never pre-filled) and a "clear" checkbox named ``<name>_clear``."""

    template_name = "core/widgets/secret_input.html"

    def __init__(self, attrs=None):
        widgets = {
            "": forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password", "class": "vTextField"}),
            "clear": forms.CheckboxInput(),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        return [None, False]  # whatever is stored, the inputs start empty

    def get_context(self, name, value, attrs):
        context = super().get_context(name, None, attrs)
        context["widget"]["status"] = secret_status(value if isinstance(value, str) else None)
        return context


KEEP_HELP = "Leave empty to keep the stored value; type a new one to replace it."


class SecretField(forms.Field):
    widget = SecretInput
    default_error_messages = {
        "typed_and_cleared": "Type a new value or tick “clear”, not both.",
    }

    def __init__(self, *, max_length: int | None = None, **kwargs):
        self.max_length = max_length
        super().__init__(**kwargs)
        if max_length is not None:
            self.validators.append(MaxLengthValidator(max_length))

    def bound_data(self, data, initial):
        # What the widget is given on a bound form: the stored value, for its status line only.
        return initial

    def _clean_bound_field(self, bf):
        # As Django's FileField does: cleaning needs the stored value, which an empty input keeps.
        if self.disabled:
            return bf.initial
        typed, clear = _pair(bf.data)
        return self.resolve(typed, clear, bf.initial)

    def resolve(self, typed: str | None, clear: bool, stored: str | None) -> str:
        typed = (typed or "").strip()
        if typed and clear:
            raise ValidationError(self.error_messages["typed_and_cleared"], code="typed_and_cleared")
        value = "" if clear else typed or (stored or "")
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")
        if typed:
            self.run_validators(typed)
        return value

    def has_changed(self, initial, data):
        typed, clear = _pair(data)
        typed = (typed or "").strip()
        return (clear and bool(initial)) or (bool(typed) and typed != (initial or ""))


def _pair(data) -> tuple[str | None, bool]:
    if isinstance(data, list | tuple) and len(data) == 2:
        return data[0], bool(data[1])
    return None, False
