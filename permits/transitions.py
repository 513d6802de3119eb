"""The permit lifecycle: one table says which move is allowed from which status."""

from enum import StrEnum

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

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


# The subject of the refusal sentences, one per status (articles and word order differ between languages).
STATUS_PHRASES = {
    S.DRAFT: _("A draft permit"),
    S.SUBMITTED: _("A submitted permit"),
    S.CHANGES_REQUESTED: _("A changes requested permit"),
    S.APPROVED: _("An approved permit"),
    S.REJECTED: _("A rejected permit"),
    S.ACTIVE: _("An active permit"),
    S.EXPIRED: _("An expired permit"),
    S.REVOKED: _("A revoked permit"),
    S.ARCHIVED: _("An archived permit"),
    S.CANCELLED: _("A cancelled permit"),
}


def status_phrase(status: str) -> str:
    """ "A draft permit", "An active permit": the subject of the refusal sentences, in the active language."""
    return str(STATUS_PHRASES[S(status)])


def allowed_moves(status: str) -> list[Move]:
    return [move for move, (sources, _target) in TRANSITIONS.items() if status in sources]


def target_status(status: str, move: Move) -> str:
    """The status after ``move``; raises TransitionNotAllowed with a sentence a person understands."""
    sources, target = TRANSITIONS[move]
    if status not in sources:
        message = gettext_now("%(permit)s cannot be %(done)s.") % {"permit": status_phrase(status), "done": _PAST[move]}
        raise TransitionNotAllowed(message, code="transition_not_allowed")
    return target or status


_PAST = {
    Move.SUBMIT: _("submitted"),
    Move.APPROVE: _("approved"),
    Move.REJECT: _("rejected"),
    Move.REQUEST_CHANGES: _("sent back for changes"),
    Move.CANCEL: _("cancelled"),
    Move.ACTIVATE: _("activated"),
    Move.EXTEND: _("extended"),
    Move.REVOKE: _("revoked"),
    Move.REISSUE: _("reissued"),
    Move.EXPIRE: _("expired"),
    Move.ARCHIVE: _("archived"),
}
