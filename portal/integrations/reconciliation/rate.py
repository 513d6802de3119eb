"""At most N partner calls per second (``RECONCILE_RATE_PER_SECOND``, default 5; 0 or less: no limit)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings


def configured_rate() -> float:
    return float(settings.RECONCILE_RATE_PER_SECOND)


class RateLimiter:
    """Spaces calls evenly: ``wait()`` before each call sleeps until the next slot."""

    def __init__(
        self,
        per_second: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.interval = 1.0 / per_second if per_second > 0 else 0.0
        self._clock, self._sleep = clock, sleep
        self._next_slot = 0.0

    def wait(self) -> None:
        if not self.interval:
            return
        now = self._clock()
        if self._next_slot > now:
            self._sleep(self._next_slot - now)
            now = self._next_slot
        self._next_slot = now + self.interval
