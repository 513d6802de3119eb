"""Private calendar feeds: rotate (a new URL, the old one ends) and revoke."""

from __future__ import annotations

from portal.core.actors import Actor
from portal.core.events import domain_service, event_record

from ..models import CalendarFeed
from ..models.feed import TOKEN_PREFIX_LENGTH, feed_token_hash, new_feed_token


def _owner(user, contractor) -> dict:
    if (user is None) == (contractor is None):
        raise ValueError("A feed belongs to one manager or one company.")
    return {"user": user} if user is not None else {"contractor": contractor}


@domain_service
def calendar_feed_rotate(*, actor: Actor, user=None, contractor=None) -> tuple[CalendarFeed, str]:
    """A new private URL; the previous one (if any) answers 404 from now on. Returns the feed and its token,
    which is not stored and cannot be had again."""
    owner = _owner(user, contractor)
    CalendarFeed.objects.filter(**owner).delete()
    token = new_feed_token()
    feed = CalendarFeed.objects.create(token_hash=feed_token_hash(token), prefix=token[:TOKEN_PREFIX_LENGTH], **owner)
    event_record(actor=actor, target=feed, action="permits.calendar_feed.rotated", community=None)
    return feed, token


@domain_service
def calendar_feed_revoke(*, actor: Actor, user=None, contractor=None) -> None:
    feeds = list(CalendarFeed.objects.filter(**_owner(user, contractor)))
    for feed in feeds:
        event_record(actor=actor, target=feed, action="permits.calendar_feed.revoked", community=None)
        feed.delete()
