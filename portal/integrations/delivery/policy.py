"""When to try again: exponential backoff with full jitter, and the limits of the delivery loop.

The three documented settings are ``DELIVERY_MAX_ATTEMPTS``, ``DELIVERY_BACKOFF_BASE_SECONDS`` and
``DELIVERY_BACKOFF_MAX_SECONDS``; the others below have defaults here and may be set the same way.

``DELIVERY_TIME_SCALE`` (1 in production) multiplies every duration of the policy, here and nowhere
else: backoff base and cap, the early tolerance, the stuck-sending and relay horizons, the relay's
interval and the partners' HTTP timeouts. The fault script runs the production policy at 0.1 (a 40 s
outage becomes 4 s), so what it proves holds for production's settings, only faster.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.conf import settings

# A dispatch that arrives this much before the row's next_attempt_at is early (a broker redelivery).
EARLY_TOLERANCE_SECONDS = 1.0
# How often beat runs the relay (``portal.integrations.schedules``), before scaling.
RELAY_INTERVAL_SECONDS = 30.0


def time_scale() -> float:
    """``DELIVERY_TIME_SCALE``: the one factor applied to every duration below (1 in production)."""
    return max(float(getattr(settings, "DELIVERY_TIME_SCALE", 1.0)), 0.0)


def scaled(seconds: float) -> float:
    return float(seconds) * time_scale()


def partner_timeout(seconds: float) -> float:
    """A partner's HTTP timeout (``BUZZIN_TIMEOUT_SECONDS``, ``OPSCOM_TIMEOUT_SECONDS``), scaled."""
    return scaled(seconds)


def early_tolerance() -> float:
    return scaled(EARLY_TOLERANCE_SECONDS)


def relay_interval() -> float:
    return scaled(RELAY_INTERVAL_SECONDS)


@dataclass(frozen=True)
class Limits:
    max_attempts: int
    base_seconds: float
    max_seconds: float
    wait_max_attempts: int
    stuck_sending_seconds: float
    relay_grace_seconds: float
    relay_batch: int


def limits() -> Limits:
    """Read at call time, so tests and admins changing settings take effect at once; durations scaled."""
    return Limits(
        max_attempts=max(int(settings.DELIVERY_MAX_ATTEMPTS), 1),
        base_seconds=scaled(max(float(settings.DELIVERY_BACKOFF_BASE_SECONDS), 0.0)),
        max_seconds=scaled(max(float(settings.DELIVERY_BACKOFF_MAX_SECONDS), 0.0)),
        wait_max_attempts=int(settings.DELIVERY_WAIT_MAX_ATTEMPTS),
        stuck_sending_seconds=scaled(settings.DELIVERY_STUCK_SENDING_SECONDS),
        relay_grace_seconds=scaled(settings.DELIVERY_RELAY_GRACE_SECONDS),
        relay_batch=int(settings.DELIVERY_RELAY_BATCH),
    )


def backoff_ceiling(attempt: int, *, base: float, cap: float) -> float:
    """``base * 2**(attempt-1)``, at most ``cap``: 5, 10, 20, 40 ... seconds for attempts 1, 2, 3, 4 ..."""
    exponent = min(max(attempt, 1) - 1, 62)  # large attempts must not overflow a float
    return min(cap, base * (2.0**exponent))


def backoff_delay(
    attempt: int,
    *,
    retry_after: float | None = None,
    base: float | None = None,
    cap: float | None = None,
    rng: random.Random | None = None,
) -> float:
    """Seconds before try ``attempt + 1``: full jitter, uniform in [0, ceiling]; never before Retry-After."""
    current = limits()
    base = current.base_seconds if base is None else base
    cap = current.max_seconds if cap is None else cap
    delay = (rng or random).uniform(0.0, backoff_ceiling(attempt, base=base, cap=cap))
    if retry_after is not None and retry_after > 0:
        delay = max(delay, min(scaled(retry_after), cap))
    return delay
