"""Contractor rules, pure functions shared by forms, admin, API and services."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.core.contact import normalize_email, normalize_phone
from portal.core.formats import format_date

from .choices import MembershipStatus


def normalize_contractor_contact(*, email: str, phone: str, region: str) -> dict[str, str]:
    """The company's e-mail and phone as the gate system takes them; each refusal under its own field."""
    contact: dict[str, str] = {}
    errors: dict[str, list[ValidationError]] = {}
    try:
        contact["email"] = normalize_email(email)
    except ValidationError as error:
        errors["email"] = error.error_list
    try:
        contact["phone"] = normalize_phone(phone, region=region)
    except ValidationError as error:
        errors["phone"] = error.error_list
    if errors:
        raise ValidationError(errors)
    return contact


def phone_taken_message(community_names: list[str]) -> str:
    return _(
        "Another company working in %(communities)s already has this phone number; each company needs its own."
    ) % {"communities": ", ".join(community_names)}


def validate_contractor_approved(*, status: str | None, company_name: str, community_name: str) -> None:
    if status != MembershipStatus.APPROVED:
        raise ValidationError(
            _("%(company)s is not approved to work in %(community)s.")
            % {"company": company_name, "community": community_name},
            code="contractor_not_approved",
        )


# One sentence per document (Arabic words change with the document, so the label is not slotted in).
MISSING = {
    "trade licence": gettext_lazy("The company's trade licence expiry date is missing."),
    "insurance": gettext_lazy("The company's insurance expiry date is missing."),
}
LAPSES = {
    "trade licence": gettext_lazy(
        "The company's trade licence expires on %(expiry)s, before the permit ends on %(until)s."
    ),
    "insurance": gettext_lazy("The company's insurance expires on %(expiry)s, before the permit ends on %(until)s."),
}
EXPIRED = {
    "trade licence": gettext_lazy("Trade licence expired on %(expiry)s."),
    "insurance": gettext_lazy("Insurance expired on %(expiry)s."),
}
EXPIRES_SOON = {
    "trade licence": gettext_lazy("Trade licence expires on %(expiry)s, within %(days)s days."),
    "insurance": gettext_lazy("Insurance expires on %(expiry)s, within %(days)s days."),
}


def validate_compliance_through(
    *, licence_expiry: datetime.date | None, insurance_expiry: datetime.date | None, until: datetime.date
) -> None:
    """The trade licence and insurance must stay valid until the permit ends, not just today."""
    errors = []
    for code, expiry in (("trade licence", licence_expiry), ("insurance", insurance_expiry)):
        if expiry is None:
            message = MISSING[code]
            errors.append(ValidationError(str(message), code=f"{code}_missing"))
        elif expiry < until:
            message = LAPSES[code] % {"expiry": format_date(expiry), "until": format_date(until)}
            errors.append(ValidationError(message, code="compliance_lapses"))
    if errors:
        raise ValidationError(errors)


def documents_expiring(
    *,
    licence_expiry: datetime.date | None,
    insurance_expiry: datetime.date | None,
    today: datetime.date,
    days: int = 30,
) -> list[str]:
    """Warnings for documents that lapse within ``days`` days (or already have)."""
    warnings = []
    for code, expiry in (("trade licence", licence_expiry), ("insurance", insurance_expiry)):
        if expiry is None:
            continue
        if expiry < today:
            warnings.append(str(EXPIRED[code]) % {"expiry": format_date(expiry)})
        elif expiry <= today + datetime.timedelta(days=days):
            warnings.append(str(EXPIRES_SOON[code]) % {"expiry": format_date(expiry), "days": days})
    return warnings
