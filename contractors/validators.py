"""Contractor rules, pure functions shared by forms, admin, API and services."""

import datetime

from django.core.exceptions import ValidationError

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
    return (
        f"Another company working in {', '.join(community_names)} already has this phone number; "
        "each company needs its own."
    )


def validate_contractor_approved(*, status: str | None, company_name: str, community_name: str) -> None:
    if status != MembershipStatus.APPROVED:
        raise ValidationError(
            f"{company_name} is not approved to work in {community_name}.", code="contractor_not_approved"
        )


def validate_compliance_through(
    *, licence_expiry: datetime.date | None, insurance_expiry: datetime.date | None, until: datetime.date
) -> None:
    """The trade licence and insurance must stay valid until the permit ends, not just today."""
    errors = []
    for label, expiry in (("trade licence", licence_expiry), ("insurance", insurance_expiry)):
        if expiry is None:
            errors.append(ValidationError(f"The company's {label} expiry date is missing.", code=f"{label}_missing"))
        elif expiry < until:
            errors.append(
                ValidationError(
                    f"The company's {label} expires on {format_date(expiry)}, "
                    f"before the permit ends on {format_date(until)}.",
                    code="compliance_lapses",
                )
            )
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
    for label, expiry in (("Trade licence", licence_expiry), ("Insurance", insurance_expiry)):
        if expiry is None:
            continue
        if expiry < today:
            warnings.append(f"{label} expired on {format_date(expiry)}.")
        elif expiry <= today + datetime.timedelta(days=days):
            warnings.append(f"{label} expires on {format_date(expiry)}, within {days} days.")
    return warnings
