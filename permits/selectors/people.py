"""Reads about the people on permits: one Emirates ID under two names is worth a second look."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from ..models import Permit, Worker
from ..validators import EMIRATES_ID_PREFIX, same_person_name

MAX_CONFLICTS = 20


@dataclass(frozen=True)
class IdConflict:
    """``id_number`` is ``name`` on this permit and ``other_name`` on ``other_reference``."""

    id_number: str
    name: str
    other_name: str
    other_reference: str
    other_company: str
    same_company: bool
    same_permit: bool


def id_number_conflicts(permit: Permit) -> list[IdConflict]:
    """Emirates IDs of this permit's workers listed under another name on a permit of the same
    community or of the same company (this one included). Passport numbers are left out: they are
    unique per issuing country only. A warning to show, never a refusal: the ID may be mistyped."""
    mine = [
        (name, id_number)
        for name, id_number in permit.workers.values_list("name", "id_number")
        if id_number.startswith(EMIRATES_ID_PREFIX)
    ]
    if not mine:
        return []
    others = (
        Worker.objects.filter(id_number__in={id_number for _, id_number in mine})
        .filter(Q(permit__community_id=permit.community_id) | Q(permit__contractor_id=permit.contractor_id))
        .values_list(
            "id_number",
            "name",
            "permit_id",
            "permit__reference",
            "permit__contractor_id",
            "permit__contractor__company_name",
        )
        .order_by("-permit_id", "id")
    )
    conflicts: list[IdConflict] = []
    for id_number, other_name, permit_id, reference, contractor_id, company in others:
        for name, my_id in mine:
            if my_id == id_number and not same_person_name(name, other_name):
                conflict = IdConflict(
                    id_number=id_number,
                    name=name,
                    other_name=other_name,
                    other_reference=reference,
                    other_company=company,
                    same_company=contractor_id == permit.contractor_id,
                    same_permit=permit_id == permit.pk,
                )
                if not (conflict.same_permit and _seen_reversed(conflicts, conflict)):
                    conflicts.append(conflict)
    return conflicts[:MAX_CONFLICTS]


def _seen_reversed(conflicts: list[IdConflict], conflict: IdConflict) -> bool:
    """Two workers of one permit sharing an ID are one conflict, not two mirrored ones."""
    return any(
        seen.same_permit and seen.id_number == conflict.id_number and seen.name == conflict.other_name
        for seen in conflicts
    )


def contractor_warning(conflict: IdConflict) -> str:
    """What the company may read: another company's names and references stay hidden."""
    if conflict.same_permit:
        said = f"is given for both {conflict.name} and {conflict.other_name} on this permit"
    elif conflict.same_company:
        said = f"of {conflict.name} is listed for {conflict.other_name} on your permit {conflict.other_reference}"
    else:
        said = f"of {conflict.name} is listed under another name on another company's permit in this community"
    return f"Emirates ID {conflict.id_number} {said}. Check the number."


def manager_warning(conflict: IdConflict) -> str:
    where = (
        "on this permit" if conflict.same_permit else f"on permit {conflict.other_reference} ({conflict.other_company})"
    )
    return f"Emirates ID {conflict.id_number}: {conflict.name} here, {conflict.other_name} {where}."
