"""What a reviewer must know before deciding: the rule and compliance flags of a permit.

Each flag is ``ok``, ``warning`` (worth a look) or ``problem`` (the approval would be refused, or the
work would go on without cover). Dates are the community's days.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core.formats import format_date
from portal.core.local_time import community_today

from ..choices import PermitStatus
from ..models import Permit
from ..rules import Stage, check_permit_rules
from .clashes import permit_clashes
from .rules import current_noc, permit_facts

# Told by the licence, insurance and NOC flags already.
COVERED_CODES = {"compliance_lapses", "trade licence_missing", "insurance_missing", "noc_expires_before_permit"}
# Told, with links to the other permits, by the clash section of the page (permits/admin/clashes.py).
CLASH_CODES = {"exclusive_clash", "over_capacity"}
JUDGED_STATUSES = {PermitStatus.SUBMITTED, PermitStatus.APPROVED, PermitStatus.ACTIVE, PermitStatus.CHANGES_REQUESTED}


@dataclass(frozen=True)
class Flag:
    level: str  # ok, warning, problem
    text: str


def _document_flag(label: str, expiry: datetime.date | None, *, today, ends) -> Flag:
    if expiry is None:
        return Flag("problem", _("%(label)s: no expiry date given.") % {"label": label})
    values = {"label": label, "day": format_date(expiry), "ends": format_date(ends)}
    if expiry < today:
        return Flag("problem", _("%(label)s expired on %(day)s.") % values)
    if expiry < ends:
        return Flag("warning", _("%(label)s valid until %(day)s, before the permit ends (%(ends)s).") % values)
    return Flag("ok", _("%(label)s valid until %(day)s.") % values)


def decision_flags(permit: Permit, *, now: datetime.datetime | None = None) -> list[Flag]:
    now = now or timezone.now()
    tz = permit.community.tzinfo
    today, ends = community_today(permit.community, now), permit.valid_till.astimezone(tz).date()
    contractor = permit.contractor
    flags = [
        _document_flag(_("Trade licence"), contractor.trade_licence_expiry, today=today, ends=ends),
        _document_flag(_("Insurance"), contractor.insurance_expiry, today=today, ends=ends),
    ]
    noc = current_noc(permit)
    if noc is None:
        flags.append(Flag("problem", _("No NOC uploaded.")))
    else:
        values = {"number": noc.noc_number, "day": format_date(noc.expiry_date), "ends": format_date(ends)}
        if noc.expiry_date < ends:
            flags.append(
                Flag("problem", _("NOC %(number)s expires on %(day)s, before the permit ends (%(ends)s).") % values)
            )
        else:
            flags.append(Flag("ok", _("NOC %(number)s valid until %(day)s.") % values))
    if permit.compliance_issue:
        flags.append(Flag("problem", permit.compliance_issue))
    if permit.status in JUDGED_STATUSES:
        flags.extend(_rule_flags(permit, now))
    return flags


def _rule_flags(permit: Permit, now: datetime.datetime) -> list[Flag]:
    stage = Stage.APPROVE if permit.status == PermitStatus.SUBMITTED else Stage.SUBMIT
    try:
        check_permit_rules(permit_facts(permit, clashes=permit_clashes(permit, stage=stage)), stage=stage, now=now)
    except ValidationError as error:
        errors = error.error_dict.values() if hasattr(error, "error_dict") else [error.error_list]
        return [
            Flag("problem", " ".join(item.messages))
            for items in errors
            for item in items
            if item.code not in COVERED_CODES | CLASH_CODES
        ]
    return [Flag("ok", _("Dates, hours, units and company meet the community's rules."))]
