"""The permit lifecycle: one table says which move is allowed from which status."""

from enum import StrEnum

from django.core.exceptions import ValidationError

from .choices import PermitStatus as S


class Move(StrEnum):
    SUBMIT = "submit"
    APPROVE = "approve"
    REJECT = "reject"
    REQUEST_CHANGES = "request_changes"
    CANCEL = "cancel"
    ACTIVATE = "activate"  # the pass was issued
    EXTEND = "extend"
    REVOKE = "revoke"
    REISSUE = "reissue"
    EXPIRE = "expire"
    ARCHIVE = "archive"


# move: (statuses it may start from, status it ends in; None keeps the status)
TRANSITIONS: dict[Move, tuple[frozenset[S], S | None]] = {
    Move.SUBMIT: (frozenset({S.DRAFT, S.CHANGES_REQUESTED}), S.SUBMITTED),
    Move.APPROVE: (frozenset({S.SUBMITTED}), S.APPROVED),
    Move.REJECT: (frozenset({S.SUBMITTED}), S.REJECTED),
    Move.REQUEST_CHANGES: (frozenset({S.SUBMITTED}), S.CHANGES_REQUESTED),
    Move.CANCEL: (frozenset({S.DRAFT, S.CHANGES_REQUESTED, S.SUBMITTED}), S.CANCELLED),
    Move.ACTIVATE: (frozenset({S.APPROVED}), S.ACTIVE),
    Move.EXTEND: (frozenset({S.APPROVED, S.ACTIVE}), None),
    Move.REVOKE: (frozenset({S.APPROVED, S.ACTIVE}), S.REVOKED),
    Move.REISSUE: (frozenset({S.ACTIVE}), None),
    Move.EXPIRE: (frozenset({S.APPROVED, S.ACTIVE}), S.EXPIRED),
    Move.ARCHIVE: (frozenset({S.APPROVED, S.ACTIVE}), S.ARCHIVED),
}

EDITABLE_STATUSES = frozenset({S.DRAFT, S.CHANGES_REQUESTED})
TERMINAL_STATUSES = frozenset({S.REJECTED, S.EXPIRED, S.REVOKED, S.ARCHIVED, S.CANCELLED})

# How far along the lifecycle a status is: partner events never move a permit to a lower rank.
STATUS_RANK = {
    S.DRAFT: 0,
    S.CHANGES_REQUESTED: 0,
    S.SUBMITTED: 1,
    S.APPROVED: 2,
    S.ACTIVE: 3,
    **{status: 4 for status in TERMINAL_STATUSES},
}


class TransitionNotAllowed(ValidationError):
    pass


def status_phrase(status: str) -> str:
    """ "a draft permit", "an active permit": the subject of the refusal sentences."""
    label = S(status).label.lower()
    article = "An" if label[0] in "aeiou" else "A"
    return f"{article} {label} permit"


def allowed_moves(status: str) -> list[Move]:
    return [move for move, (sources, _) in TRANSITIONS.items() if status in sources]


def target_status(status: str, move: Move) -> str:
    """The status after ``move``; raises TransitionNotAllowed with a sentence a person understands."""
    sources, target = TRANSITIONS[move]
    if status not in sources:
        raise TransitionNotAllowed(f"{status_phrase(status)} cannot be {_PAST[move]}.", code="transition_not_allowed")
    return target or status


_PAST = {
    Move.SUBMIT: "submitted",
    Move.APPROVE: "approved",
    Move.REJECT: "rejected",
    Move.REQUEST_CHANGES: "sent back for changes",
    Move.CANCEL: "cancelled",
    Move.ACTIVATE: "activated",
    Move.EXTEND: "extended",
    Move.REVOKE: "revoked",
    Move.REISSUE: "reissued",
    Move.EXPIRE: "expired",
    Move.ARCHIVE: "archived",
}
