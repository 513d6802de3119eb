"""Buzz-In: one function per outbox operation, each turning the partner's answer into an ``Outcome``.

Reactions beyond "retry what is transient, fail the rest":
- ``permit.create`` 409: the permit exists (an earlier answer was lost); look it up by our reference.
- ``permit.create`` 404 while Buzz-In has not approved the contractor yet: wait, it approves on its own.
- ``contractor.create`` for a company Buzz-In already knows (its one id is held): join this community by
  approve with this community's key. A 409 with no id held: wait when an earlier try of the row may have
  created it (the id arrives with ``communityContractors.approved``), else fail: this portal never
  registered that e-mail, an admin must act.
- ``permit.replace_noc`` and ``pass.reissue`` change Buzz-In on every call (no idempotency there): each try
  reads the permit first and sends nothing when an earlier try, whose answer was lost, already landed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from contractors.models import ContractorMembership
from permits.models import Permit

from ..delivery import selectors
from ..delivery.models import OutboundDelivery
from ..delivery.outcome import (
    CONFIGURATION,
    MISSING_ID,
    Outcome,
    PayloadError,
    failed,
    from_transient,
    idempotency_key,
    succeeded,
    waiting,
)
from ..http import CallRecord, Conflict, NotFound, PartnerError, PartnerResult, Unauthorized
from . import operations as op
from . import payloads
from .client import BuzzinClient, status_name
from .models import BuzzinContractorState
from .records import (
    buzzin_membership_record,
    buzzin_permit_record_id,
    contractor_approved_at_buzzin,
    contractor_buzzin_id,
    permit_buzzin_id,
)

LABEL = "Buzz-In"


# What an operation reads of the permit besides its community (the create's body; the others: Buzz-In's id).
PERMIT_RELATED = {op.PERMIT_CREATE: ("contractor", "property", "main_unit")}
PERMIT_RELATED_DEFAULT = ("buzzin",)


def load_target(delivery: OutboundDelivery):
    """The row's permit or membership, with its community and that community's Buzz-In key in the same read.

    The row's community is the target's: it is shared with the row, so the call and the redaction of what is
    stored read the key from this one read."""
    if delivery.target_type == "contractormembership":
        target = ContractorMembership.objects.select_related("contractor", "community__buzzin")
    else:
        related = PERMIT_RELATED.get(delivery.operation, PERMIT_RELATED_DEFAULT)
        target = Permit.objects.select_related("community__buzzin", *related)
    target = target.get(pk=delivery.target_id)
    if target.community_id == delivery.community_id:
        delivery.community = target.community
    return target


def error_outcome(error: PartnerError, calls: list[CallRecord]) -> Outcome:
    message = _describe(error)
    if error.retryable:
        return from_transient(error, calls, message)
    if isinstance(error, Unauthorized):
        return failed(f"{message} (check the community's Buzz-In API key)", CONFIGURATION, calls)
    return failed(message, error.kind, calls)


def _describe(error: PartnerError) -> str:
    return f"{LABEL} {error.status_code}: {error.message}" if error.status_code else f"{LABEL}: {error.message}"


# Contractors


def contractor_create(delivery: OutboundDelivery, membership: ContractorMembership, client: BuzzinClient) -> Outcome:
    """Add the company to this community at Buzz-In: create it the first time, join by approve after that.

    Buzz-In keeps one contractor per e-mail, whatever the community (contract: "One company in several
    communities"). A company's rows share one sequence, so a join never overtakes the create that brings the id.
    """
    key = idempotency_key(delivery.pk)
    buzzin_id = contractor_buzzin_id(membership.contractor_id)
    if buzzin_id:  # known to Buzz-In (from another community, or removed here earlier): admit it here
        result = client.approve_contractor(buzzin_id, idempotency_key=key)
        return succeeded(
            [result.call],
            {"action": "approve", "_id": buzzin_id},
            apply=_record_membership(membership, "", BuzzinContractorState.APPROVED),
        )
    try:
        result = client.create_contractor(payloads.contractor_create_body(membership.contractor), idempotency_key=key)
    except Conflict as conflict:
        return _create_conflict(delivery, membership, conflict)
    buzzin_id = str(result.data.get("_id") or "")
    state = BuzzinContractorState.APPROVED if result.data.get("approved") is True else None
    return succeeded(
        [result.call],
        {"_id": buzzin_id, "approved": bool(state)},
        apply=_record_membership(membership, buzzin_id, state),
    )


EMAIL_TAKEN = "Buzz-In already has this e-mail; ask Buzz-In to link it, or change the company's e-mail"


def _create_conflict(delivery: OutboundDelivery, membership: ContractorMembership, conflict: Conflict) -> Outcome:
    """409 while the portal holds no Buzz-In id for the company.

    If an earlier try of this row may have created it (its answer lost), the contractor is ours: its id comes
    with ``communityContractors.approved``, and the next try joins with it. Otherwise this portal never
    registered the e-mail (or phone, or reference) Buzz-In has: retrying cannot help.
    """
    email = membership.contractor.email
    if selectors.earlier_try_unanswered(delivery):
        return waiting(
            f"{_describe(conflict)} (an earlier try whose answer was lost may have created it: waiting for "
            f"communityContractors.approved to bring Buzz-In's id; if it never comes, {EMAIL_TAKEN} ({email}))",
            [conflict.call],
        )
    return failed(f"{EMAIL_TAKEN} ({email}). {_describe(conflict)}", conflict.kind, [conflict.call])


def contractor_revoke(delivery: OutboundDelivery, membership: ContractorMembership, client: BuzzinClient) -> Outcome:
    """Remove the company from this community only: with this community's key, Buzz-In detaches it there."""
    buzzin_id = contractor_buzzin_id(membership.contractor_id)
    if not buzzin_id:
        raise PayloadError(
            "Buzz-In's id of this contractor is unknown (it arrives with communityContractors.approved): "
            "retry once Buzz-In has approved the contractor.",
            kind=MISSING_ID,
        )
    result = client.revoke_contractor(buzzin_id, idempotency_key=idempotency_key(delivery.pk))
    return succeeded(
        [result.call],
        {"_id": buzzin_id},
        apply=_record_membership(membership, "", BuzzinContractorState.REMOVED),
    )


def _record_membership(membership: ContractorMembership, buzzin_id: str, state) -> Callable[[], None]:
    return lambda: buzzin_membership_record(membership=membership, buzzin_id=buzzin_id, state=state)


# Permits


def permit_create(delivery: OutboundDelivery, permit: Permit, client: BuzzinClient) -> Outcome:
    key = idempotency_key(delivery.pk)
    noc = permit.noc_versions.filter(is_current=True).first()
    # Read before the call: an approval recorded while the call was under way must not turn its 404 into a failure.
    approved_before = contractor_approved_at_buzzin(permit.contractor_id, permit.community_id)
    try:
        result = client.create_permit(payloads.permit_create_body(permit, noc), idempotency_key=key)
    except Conflict as conflict:
        return _adopt_existing(permit, client, key, conflict.call)
    except NotFound as error:
        if approved_before:
            raise
        return waiting(f"{_describe(error)} (waiting for Buzz-In to approve the contractor)", [error.call])
    return _created(permit, result, [result.call], noc_version=noc.version if noc else 0)


def _adopt_existing(permit: Permit, client: BuzzinClient, key: str, conflict_call: CallRecord) -> Outcome:
    """409: Buzz-In holds the permit already (a create whose answer was lost); learn its id by our reference."""
    try:
        result = client.get_permit(permit.reference, idempotency_key=key)
    except PartnerError as error:
        return error_outcome(error, [conflict_call, *([error.call] if error.call else [])])
    return _created(permit, result, [conflict_call, result.call], noc_version=0, adopted=True)


def _created(
    permit: Permit, result: PartnerResult, calls: list[CallRecord], *, noc_version: int, adopted: bool = False
) -> Outcome:
    buzzin_id = str(result.data.get("_id") or "")
    if not buzzin_id:
        return failed(f"{LABEL} answered without the permit's _id.", "bad_response", calls)
    name = status_name(result.data.get("status"), result.data.get("statusName"))
    return succeeded(
        calls,
        {"_id": buzzin_id, "status": name, "noc_version": noc_version, "adopted": adopted},
        apply=lambda: buzzin_permit_record_id(permit=permit, buzzin_id=buzzin_id, status_name=name),
    )


def _buzzin_id(permit: Permit) -> str:
    buzzin_id = permit_buzzin_id(permit)
    if not buzzin_id:
        raise PayloadError(
            f"Permit {permit.reference} has no Buzz-In id although its create went first: "
            "the create did not record one. Reconcile the permit, then retry.",
            kind=MISSING_ID,
        )
    return buzzin_id


def permit_submit(delivery: OutboundDelivery, permit: Permit, client: BuzzinClient) -> Outcome:
    result = client.submit_pass(_buzzin_id(permit), idempotency_key=idempotency_key(delivery.pk))
    return succeeded([result.call])


def permit_update_validity(delivery: OutboundDelivery, permit: Permit, client: BuzzinClient) -> Outcome:
    body = _same_body_on_every_try(delivery, lambda: payloads.validity_body(permit))
    result = client.update_permit(_buzzin_id(permit), body, idempotency_key=idempotency_key(delivery.pk))
    return succeeded([result.call], body)


def permit_update_people(delivery: OutboundDelivery, permit: Permit, client: BuzzinClient) -> Outcome:
    """A worker added to a live permit: Buzz-In gets the whole list (``PATCH /permits/{id}``, contract DECISION)."""
    body = _same_body_on_every_try(delivery, lambda: payloads.people_body(permit))
    result = client.update_permit(_buzzin_id(permit), body, idempotency_key=idempotency_key(delivery.pk))
    return succeeded([result.call], body)


SENT_BODY = "sent_body"


def _same_body_on_every_try(delivery: OutboundDelivery, build: Callable[[], dict]) -> dict:
    """The body a row's first try sent, for every later try under the same Idempotency-Key.

    A try whose answer was lost (worker killed, timeout) may have been applied; its repeat must then
    change nothing. Built afresh from the permit, a repeat would carry a newer change and apply it under
    the old key: applied twice. The newer change has its own row, sent after this one. Stored before the
    call; an admin retry clears ``result`` and so sends the current state again.
    """
    stored = delivery.result.get(SENT_BODY) if isinstance(delivery.result, dict) else None
    if isinstance(stored, dict) and stored:
        return stored
    body = build()
    delivery.result = {**(delivery.result if isinstance(delivery.result, dict) else {}), SENT_BODY: body}
    OutboundDelivery.objects.filter(pk=delivery.pk).update(result=delivery.result)
    return body


def permit_replace_noc(delivery: OutboundDelivery, permit: Permit, client: BuzzinClient) -> Outcome:
    """``replaceNoc`` is not idempotent at Buzz-In (each call pushes the current NOC onto ``nocHistory``), and the
    contract offers no idempotency key. So every try reads the permit first (``GET /permits/{id}``, the lookup the
    contract documents): the first try notes how long ``nocHistory`` is, a later try that finds it longer knows
    an earlier try landed (its answer was lost) and sends nothing. Rows of one permit go one at a time, so no
    other replacement can lengthen it in between.
    """
    noc = payloads.noc_version_for(permit, delivery.params.get("noc_version"))
    if noc.version <= selectors.create_succeeded_with_noc(permit.pk):
        return succeeded([], {"skipped": f"NOC version {noc.version} already went with the create"})
    buzzin_id, key = _buzzin_id(permit), idempotency_key(delivery.pk)
    seen = client.get_permit(buzzin_id, idempotency_key=key)
    history = len(_damac(seen.data).get("nocHistory") or [])
    before = _remember_before_first_send(delivery, NOC_HISTORY_BEFORE, history)
    if history > before:
        return succeeded([seen.call], {"noc_version": noc.version, "found_applied": True})
    descriptor = payloads.noc_descriptor(noc)
    result = client.replace_noc(buzzin_id, descriptor, idempotency_key=key)
    return succeeded([seen.call, result.call], {"noc_version": noc.version})


NOC_HISTORY_BEFORE = "noc_history_before"
PASS_BEFORE = "pass_before"


def _damac(data: dict) -> dict:
    integrations = data.get("integrations") if isinstance(data.get("integrations"), dict) else {}
    damac = integrations.get("damac")
    return damac if isinstance(damac, dict) else {}


def _remember_before_first_send(delivery: OutboundDelivery, name: str, value):
    """What Buzz-In held before this row's first send, stored before that send; the stored value on later tries."""
    result = delivery.result if isinstance(delivery.result, dict) else {}
    if name in result:
        return result[name]
    delivery.result = {**result, name: value}
    OutboundDelivery.objects.filter(pk=delivery.pk).update(result=delivery.result)
    return value


def _pass_fingerprint(data: dict) -> str:
    """A digest of the access code Buzz-In holds (the code itself is a credential: never stored here)."""
    code = data.get("accessCode")
    return hashlib.sha256(code.encode()).hexdigest()[:16] if isinstance(code, str) and code else ""


def pass_revoke(delivery: OutboundDelivery, permit: Permit, client: BuzzinClient) -> Outcome:
    reason = payloads.revoke_reason(delivery.params)
    result = client.revoke_pass(_buzzin_id(permit), reason, idempotency_key=idempotency_key(delivery.pk))
    return succeeded([result.call])


def pass_reissue(delivery: OutboundDelivery, permit: Permit, client: BuzzinClient) -> Outcome:
    """``reissuePass`` mints a new code on every call: like ``replaceNoc``, every try reads the permit first and a
    later try that finds another code than the one before the first send knows that send landed."""
    buzzin_id, key = _buzzin_id(permit), idempotency_key(delivery.pk)
    seen = client.get_permit(buzzin_id, idempotency_key=key)
    current = _pass_fingerprint(seen.data)
    before = _remember_before_first_send(delivery, PASS_BEFORE, current)
    if current != before:
        return succeeded([seen.call], {"found_applied": True})
    result = client.reissue_pass(buzzin_id, idempotency_key=key)
    return succeeded([seen.call, result.call])


HANDLERS: dict[str, Callable[[OutboundDelivery, object, BuzzinClient], Outcome]] = {
    op.CONTRACTOR_CREATE: contractor_create,
    op.CONTRACTOR_REVOKE: contractor_revoke,
    op.PERMIT_CREATE: permit_create,
    op.PERMIT_SUBMIT: permit_submit,
    op.PERMIT_UPDATE_VALIDITY: permit_update_validity,
    op.PERMIT_REPLACE_NOC: permit_replace_noc,
    op.PERMIT_UPDATE_PEOPLE: permit_update_people,
    op.PASS_REVOKE: pass_revoke,
    op.PASS_REISSUE: pass_reissue,
}
