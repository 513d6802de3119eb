"""Each person's e-mail choice per kind (the in-app list always has everything): the one home of the rule."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from .kinds import Kind, kind_named, kinds_for
from .models import EmailChoice, EmailPreference
from .recipients import audiences_of

DEFAULT = EmailChoice.EACH


def allowed_choices(kind: Kind) -> list[str]:
    """A daily digest only for kinds that can be gathered (submissions, for managers)."""
    if kind.digest:
        return [EmailChoice.EACH, EmailChoice.DIGEST, EmailChoice.NONE]
    return [EmailChoice.EACH, EmailChoice.NONE]


def email_route(kind: Kind, choice: str | None, address: str) -> str:
    """How one notification is mailed: each, in the digest, or not at all (no address: not at all)."""
    if not address:
        return EmailChoice.NONE
    choice = choice or DEFAULT
    return choice if choice in allowed_choices(kind) else DEFAULT


def email_choices(user_ids: Iterable[int], kinds: Iterable[str]) -> dict[tuple[int, str], str]:
    """The stored choices of these people for these kinds (one query); absent pairs take the default."""
    rows = EmailPreference.objects.filter(user_id__in=set(user_ids), kind__in=set(kinds))
    return {(user_id, kind): choice for user_id, kind, choice in rows.values_list("user_id", "kind", "choice")}


def preferences_of(user) -> list[tuple[Kind, str]]:
    """The kinds this person may receive, each with their current choice."""
    kinds = kinds_for(audiences_of(user))
    stored = email_choices([user.pk], [kind.slug for kind in kinds])
    return [(kind, stored.get((user.pk, kind.slug), DEFAULT)) for kind in kinds]


@transaction.atomic
def email_preferences_set(*, user, choices: dict[str, str]) -> None:
    """Store the person's choices; a kind they cannot receive or a choice the kind does not offer is refused."""
    allowed = {kind.slug for kind in kinds_for(audiences_of(user))}
    for slug, choice in choices.items():
        if slug not in allowed or choice not in allowed_choices(kind_named(slug)):
            raise ValidationError(f"{choice!r} is not a choice for {slug!r}.", code="invalid_choice")
    for slug, choice in choices.items():
        EmailPreference.objects.update_or_create(user=user, kind=slug, defaults={"choice": choice})
