"""Which rules apply at which step, composed from the pure validators.

``check_permit_rules`` is called by the model forms (with the values being typed), by the
services (with the locked row) and by the API, so each rule has exactly one home.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from contractors.validators import validate_compliance_through, validate_contractor_approved
from portal.core.models import Community
from portal.core.working_calendar import blackout_dates_between

from . import clashes as c
from . import validators as v


class Stage(StrEnum):
    DRAFT = "draft"  # create or edit a draft
    SUBMIT = "submit"
    APPROVE = "approve"  # the submit rules, and over capacity refuses
    EXTEND = "extend"


COMMIT_STAGES = (Stage.SUBMIT, Stage.APPROVE)


@dataclass
class PermitFacts:
    community: Community
    valid_from: datetime.datetime | None
    valid_till: datetime.datetime | None
    time_in: datetime.time | None = None
    time_out: datetime.time | None = None
    property_id: int | None = None
    property_label: str = ""
    units: list = field(default_factory=list)
    contractor: object | None = None  # contractors.Contractor
    membership_status: str | None = None
    noc_expiry: datetime.date | None = None
    blackout_dates: dict[datetime.date, str] | None = None
    clashes: list[c.Clash] | None = None  # with the other permits of the building (selectors.clashes)
    capacity_override_reason: str = ""


def check_permit_rules(facts: PermitFacts, *, stage: Stage, now: datetime.datetime) -> None:
    """Raise one ValidationError mapping each field to every rule it breaks."""
    errors: dict[str, list[ValidationError]] = {}
    for field_name, check in _checks_for(facts, stage, now):
        try:
            check()
        except ValidationError as error:
            errors.setdefault(field_name, []).extend(error.error_list)
    if errors:
        raise ValidationError(errors)


def _checks_for(facts: PermitFacts, stage: Stage, now) -> list[tuple[str, Callable[[], None]]]:
    community = facts.community
    tz = community.tzinfo
    checks: list[tuple[str, Callable[[], None]]] = []
    has_window = facts.valid_from is not None and facts.valid_till is not None
    if has_window:
        checks.append(("valid_till", lambda: v.validate_validity_window(facts.valid_from, facts.valid_till)))
        checks.append(("valid_till", lambda: v.validate_ends_in_future(facts.valid_till, now=now)))
        checks.append(
            (
                "valid_till",
                lambda: v.validate_max_length(
                    facts.valid_from,
                    facts.valid_till,
                    tz=tz,
                    max_days=community.max_permit_days,
                    community_name=community.name,
                ),
            )
        )
        checks.append(
            (
                "valid_from",
                lambda: v.validate_no_blackout(
                    facts.valid_from,
                    facts.valid_till,
                    tz=tz,
                    blackout_dates=_blackouts(facts),
                    community_name=community.name,
                ),
            )
        )
    checks.append(("time_out", lambda: v.validate_daily_times(facts.time_in, facts.time_out)))
    checks.append(
        (
            "time_in",
            lambda: v.validate_working_hours(
                facts.time_in,
                facts.time_out,
                day_start=community.work_day_start,
                day_end=community.work_day_end,
                community_name=community.name,
            ),
        )
    )
    if stage != Stage.EXTEND and facts.property_id is not None:
        checks.append(
            (
                "additional_units",
                lambda: v.validate_units_in_property(facts.units, facts.property_id, facts.property_label),
            )
        )
    if facts.contractor is not None:
        checks.append(
            (
                NON_FIELD_ERRORS,
                lambda: validate_contractor_approved(
                    status=facts.membership_status, company_name=str(facts.contractor), community_name=community.name
                ),
            )
        )
    if stage in (*COMMIT_STAGES, Stage.EXTEND) and facts.clashes is not None:
        checks.append((NON_FIELD_ERRORS, lambda: c.validate_no_exclusive_clash(facts.clashes)))
        if stage == Stage.APPROVE:
            reason = facts.capacity_override_reason
            checks.append((NON_FIELD_ERRORS, lambda: c.validate_capacity(facts.clashes, override_reason=reason)))
    if stage in (*COMMIT_STAGES, Stage.EXTEND) and has_window:
        until = v.local_date(facts.valid_till, tz)
        if facts.contractor is not None:
            checks.append(
                (
                    NON_FIELD_ERRORS,
                    lambda: validate_compliance_through(
                        licence_expiry=facts.contractor.trade_licence_expiry,
                        insurance_expiry=facts.contractor.insurance_expiry,
                        until=until,
                    ),
                )
            )
        if facts.noc_expiry is not None:
            checks.append(
                ("valid_till", lambda: v.validate_noc_covers_permit(facts.noc_expiry, facts.valid_till, tz=tz))
            )
    return checks


def rule_warnings(facts: PermitFacts, *, stage: Stage) -> list[str]:
    """What the rules let through but someone should read: over capacity at submit, works next door."""
    warned = {c.ClashKind.ADJACENT} | ({c.ClashKind.CAPACITY} if stage != Stage.APPROVE else set())
    return [clash.message for clash in facts.clashes or () if clash.kind in warned]


def _blackouts(facts: PermitFacts) -> dict[datetime.date, str]:
    if facts.blackout_dates is None:
        tz = facts.community.tzinfo
        first, last = v.local_date(facts.valid_from, tz), v.local_date(facts.valid_till, tz)
        facts.blackout_dates = blackout_dates_between(facts.community.pk, first, last)
    return facts.blackout_dates


# What a permit needs before it can be submitted, in the contractor's words (and in this order).
SUBMISSION_REQUIREMENTS = (
    _("the validity dates"),
    _("the daily start and end times"),
    _("the representative's name"),
    _("the representative's contact"),
    _("at least one worker"),
    _("the NOC document"),
)


def submission_missing(
    *,
    valid_from,
    valid_till,
    time_in,
    time_out,
    representative_name: str,
    representative_contact: str,
    worker_count: int,
    has_current_noc: bool,
) -> list[str]:
    """The entries of ``SUBMISSION_REQUIREMENTS`` a permit still lacks, in the active language."""
    present = (
        valid_from and valid_till,
        time_in and time_out,
        representative_name,
        representative_contact,
        worker_count > 0,
        has_current_noc,
    )
    return [str(label) for label, ok in zip(SUBMISSION_REQUIREMENTS, present, strict=True) if not ok]


# Statuses whose ``status_changed_at`` is when the pass stopped (revoked, or archived with its contractor).
STOPPED_STATUSES = ("revoked", "archived")


def permit_end_moment(permit) -> datetime.datetime:
    """When the permit's pass stopped being valid: its ``valid_till``, or the revocation if earlier.

    A gate scan accepted after this moment should never happen (``GateScan.after_end``).
    """
    if permit.status in STOPPED_STATUSES and permit.status_changed_at < permit.valid_till:
        return permit.status_changed_at
    return permit.valid_till
