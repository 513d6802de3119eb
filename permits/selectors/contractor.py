"""Reads behind the contractor pages and the document downloads."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from contractors.attention import attention_text
from contractors.choices import MembershipStatus
from contractors.local_time import contractor_today
from contractors.models import Contractor, ContractorDocument, ContractorMembership
from contractors.selectors import contractor_for_user
from contractors.validators import documents_expiring, validate_compliance_through
from portal.core.models import AuditEvent, Property
from portal.core.scoping import managed_community_ids

from ..choices import PermitStatus
from ..models import NocVersion, Permit
from ..rules import SUBMISSION_REQUIREMENTS, Stage, check_permit_rules, rule_warnings
from ..services.lifecycle import permit_missing_for_submission
from ..services.people import VEHICLE_EDITABLE_STATUSES, WORKER_ADDABLE_STATUSES
from ..transitions import EDITABLE_STATUSES, TERMINAL_STATUSES, Move, allowed_moves
from ..validators import local_date
from .access import permit_for_user_or_404, permits_visible_to
from .clashes import permit_clashes
from .history import said
from .rules import permit_facts

# Permits whose end the company's licence and insurance must outlast.
COMMITTED_STATUSES = (PermitStatus.SUBMITTED, PermitStatus.APPROVED, PermitStatus.ACTIVE)


def permits_for_list(user, *, status: str = ""):
    permits = permits_visible_to(user).select_related("community", "property", "main_unit")
    return permits.filter(status=status) if status else permits


def properties_open_to(contractor: Contractor):
    """Buildings of the communities where the company is approved: where it may draft permits."""
    return (
        Property.objects.filter(
            community__contractor_memberships__contractor=contractor,
            community__contractor_memberships__status=MembershipStatus.APPROVED,
        )
        .select_related("community")
        .order_by("community__name", "name")
    )


@dataclass
class PermitActions:
    edit: bool
    submit: bool
    cancel: bool
    extend: bool
    people: bool
    add_workers: bool
    vehicles: bool
    noc: bool
    pass_: bool


def permit_actions(permit: Permit) -> PermitActions:
    """What the contractor may do now, read from the transition table and the services' status sets."""
    moves = allowed_moves(permit.status)
    return PermitActions(
        edit=permit.status in EDITABLE_STATUSES,
        submit=Move.SUBMIT in moves,
        cancel=Move.CANCEL in moves,
        extend=Move.EXTEND in moves,
        people=permit.status in EDITABLE_STATUSES,
        add_workers=permit.status in WORKER_ADDABLE_STATUSES,
        vehicles=permit.status in VEHICLE_EDITABLE_STATUSES,
        noc=permit.status not in TERMINAL_STATUSES,
        pass_=permit.status == PermitStatus.ACTIVE,
    )


@dataclass
class Checklist:
    items: list[tuple[str, bool]]
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # let through, but worth reading (capacity, next door)

    @property
    def ready(self) -> bool:
        return all(done for _label, done in self.items) and not self.problems


# The checklist item that a rule broken on these fields un-ticks (a two-year permit has dates, not good ones).
ITEM_OF_FIELD = {"valid_from": 0, "valid_till": 0}  # index in SUBMISSION_REQUIREMENTS


def submission_checklist(permit: Permit) -> Checklist:
    """Every submission requirement, ticked when present and breaking no rule, then the rule problems."""
    missing = set(permit_missing_for_submission(permit))
    problems: list[str] = []
    facts = permit_facts(permit, clashes=permit_clashes(permit, stage=Stage.SUBMIT))
    try:
        check_permit_rules(facts, stage=Stage.SUBMIT, now=timezone.now())
    except ValidationError as error:
        problems = error.messages
        fields = getattr(error, "error_dict", {})
        missing |= {str(SUBMISSION_REQUIREMENTS[ITEM_OF_FIELD[name]]) for name in fields if name in ITEM_OF_FIELD}
    labels = [str(label) for label in SUBMISSION_REQUIREMENTS]
    return Checklist(
        items=[(label, label not in missing) for label in labels],
        problems=problems,
        warnings=rule_warnings(facts, stage=Stage.SUBMIT),
    )


def status_label(status: str) -> str:
    return str(PermitStatus(status).label) if status in PermitStatus.values else status


def permit_history(permit: Permit, limit: int = 50) -> list[AuditEvent]:
    """The permit's audit events, each with a ``label`` such as "Submitted" or "Worker added" and its statuses'
    labels (``from_label``, ``to_label``), in the reader's language."""
    events = list(
        AuditEvent.objects.filter(target_type="permit", target_id=str(permit.pk)).only(
            "at", "action", "from_status", "to_status", "reason", "data"
        )[:limit]
    )
    for event in events:
        event.label = said(event.action)  # the same words as the manager's page
        event.reason = attention_text(event.reason, event.data.get("reason_i18n"))
        event.from_label = status_label(event.from_status) if event.from_status else ""
        event.to_label = status_label(event.to_status) if event.to_status else ""
    return events


def compliance_warnings(contractor: Contractor, *, today: datetime.date | None = None) -> list[str]:
    """Documents lapsing within 30 days of the company's today, or before the end of a committed permit."""
    today = today or contractor_today(contractor)
    warnings = documents_expiring(
        licence_expiry=contractor.trade_licence_expiry, insurance_expiry=contractor.insurance_expiry, today=today
    )
    latest = (
        contractor.permits.filter(status__in=COMMITTED_STATUSES)
        .select_related("community")
        .order_by("-valid_till")
        .first()
    )
    if latest is not None:
        until = local_date(latest.valid_till, latest.community.tzinfo)
        try:
            validate_compliance_through(
                licence_expiry=contractor.trade_licence_expiry,
                insurance_expiry=contractor.insurance_expiry,
                until=until,
            )
        except ValidationError as error:
            suffix = gettext_now("(permit %(reference)s)") % {"reference": latest.reference}
            warnings += [f"{message} {suffix}" for message in error.messages]
    return warnings


def documents_by_kind(contractor: Contractor) -> dict[str, list[ContractorDocument]]:
    documents: dict[str, list[ContractorDocument]] = {}
    for document in contractor.documents.select_related("uploaded_by"):
        documents.setdefault(document.kind, []).append(document)
    return documents


def noc_for_user_or_404(user, pk: int) -> NocVersion:
    noc = NocVersion.objects.filter(pk=pk).exclude(file="").first()
    if noc is None:
        raise Http404(_("No such document."))
    permit_for_user_or_404(user, pk=noc.permit_id)
    return noc


def contractor_document_for_user_or_404(user, pk: int) -> ContractorDocument:
    """Contractor users: their company's. Staff: companies with a membership in a community of theirs."""
    documents = ContractorDocument.objects.all()
    if user.is_authenticated and user.is_staff:
        ids = managed_community_ids(user)
        if ids is not None:
            documents = documents.filter(contractor__memberships__community_id__in=ids)
    else:
        contractor = contractor_for_user(user)
        documents = documents.filter(contractor=contractor) if contractor else documents.none()
    document = documents.filter(pk=pk).distinct().first()
    if document is None:
        raise Http404(_("No such document."))
    return document


def permit_with_qr_for_user_or_404(user, reference: str) -> Permit:
    permit = permit_for_user_or_404(user, reference=reference)
    if not permit.qr_image:
        raise Http404(_("No QR image."))
    return permit


@dataclass(frozen=True)
class Attention:
    """A refusal someone must fix, on the permit itself or on its company in the permit's community."""

    note: str
    by: str
    since: datetime.datetime
    on_company: bool


def permit_attention(permit: Permit) -> Attention | None:
    if permit.attention_since:
        return Attention(permit.attention_text, permit.attention_by, permit.attention_since, on_company=False)
    membership = (
        ContractorMembership.objects.filter(
            contractor_id=permit.contractor_id, community_id=permit.community_id, attention_since__isnull=False
        )
        .only("attention_note", "attention_reason", "attention_by", "attention_since")
        .first()
    )
    if membership is None:
        return None
    return Attention(membership.attention_text, membership.attention_by, membership.attention_since, on_company=True)


ENDED_STATUSES = (PermitStatus.REVOKED, PermitStatus.ARCHIVED, PermitStatus.EXPIRED, PermitStatus.CANCELLED)


@dataclass(frozen=True)
class Ending:
    """How a permit ended, for the contractor: when, and the reason they were given."""

    status: str
    on: datetime.datetime
    reason: str

    @property
    def revoked(self) -> bool:
        return self.status in (PermitStatus.REVOKED, PermitStatus.ARCHIVED)


def permit_ending(permit: Permit) -> Ending | None:
    if permit.status not in ENDED_STATUSES:
        return None
    reason = permit.revocation_reason if permit.status in (PermitStatus.REVOKED, PermitStatus.ARCHIVED) else ""
    if not reason and permit.status != PermitStatus.EXPIRED:
        event = (
            AuditEvent.objects.filter(target_type="permit", target_id=str(permit.pk), to_status=permit.status)
            .exclude(reason="")
            .order_by("-at")
            .first()
        )
        reason = event.reason if event else ""
    on = min(permit.valid_till, permit.status_changed_at) if permit.status == PermitStatus.EXPIRED else None
    return Ending(permit.status, on or permit.status_changed_at, reason)
