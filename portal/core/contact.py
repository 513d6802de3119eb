"""Contact data the partners accept: phone numbers in E.164 and e-mail addresses in one spelling.

Pure functions, the only home of these rules: the forms, the admin, the API serializers, the
services and the data migrations all call them. A number is read in the community's country
(``Community.country``), so ``050 555 1234`` typed in Dubai is stored as ``+971505551234``.
"""

from __future__ import annotations

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

DEFAULT_COUNTRY = "AE"
PHONE_HINT = gettext_lazy("A mobile or landline number, e.g. 050 123 4567 or +971 50 123 4567.")


def normalize_phone(raw: str, *, region: str = DEFAULT_COUNTRY) -> str:
    """``raw`` in E.164 (``+971505551234``), read as a number of ``region`` unless it is international
    (``+971…``, or ``00971…`` where 00 is the region's international prefix).

    Refuses what is not a number that can be dialled (libphonenumber's ``is_valid_number``: the
    right length and an allocated range for its country), not just what looks like digits.
    """
    text = (raw or "").strip()
    try:
        number = phonenumbers.parse(text, region or DEFAULT_COUNTRY)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("“%(number)s” is not a phone number that can be dialled. %(hint)s")
            % {"number": text, "hint": PHONE_HINT},
            code="invalid_phone",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_optional_phone(raw: str, *, region: str = DEFAULT_COUNTRY) -> str:
    """Empty stays empty; anything else must be a phone number."""
    return normalize_phone(raw, region=region) if (raw or "").strip() else ""


def normalize_email(raw: str) -> str:
    """Trimmed and lower-cased (the whole address: partners and sign-in treat e-mails case-blind)."""
    text = (raw or "").strip().lower()
    validate_email(text)
    return text


def normalize_contact(raw: str, *, region: str = DEFAULT_COUNTRY) -> str:
    """A phone number (E.164) or, when it has an @, an e-mail address."""
    text = (raw or "").strip()
    if "@" in text:
        try:
            return normalize_email(text)
        except ValidationError:
            raise ValidationError(
                _("“%(address)s” is not a valid e-mail address.") % {"address": text}, code="invalid_email"
            ) from None
    return normalize_phone(text, region=region)


def validate_country(code: str) -> None:
    """An ISO 3166 two-letter code that libphonenumber knows (``AE``, ``SA``, ``GB``…)."""
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise ValidationError(
            _("“%(code)s” is not a two-letter country code such as AE.") % {"code": code}, code="invalid_country"
        )


def country_of(communities) -> str:
    """The country numbers are read in for someone working in ``communities``: the first one's, else AE."""
    for community in communities:
        return community.country or DEFAULT_COUNTRY
    return DEFAULT_COUNTRY
