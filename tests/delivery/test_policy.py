"""Backoff: exponential ceiling, full jitter inside it, Retry-After honoured."""

from __future__ import annotations

import itertools
import random

import pytest

from portal.integrations.delivery.policy import backoff_ceiling, backoff_delay


def test_the_ceiling_doubles_up_to_the_cap():
    ceilings = [backoff_ceiling(attempt, base=5, cap=3600) for attempt in range(1, 12)]
    assert ceilings[:5] == [5, 10, 20, 40, 80]
    assert ceilings[-1] == 3600
    assert all(later >= earlier for earlier, later in itertools.pairwise(ceilings))
    assert backoff_ceiling(10_000, base=5, cap=3600) == 3600  # no overflow


@pytest.mark.parametrize("attempt", [1, 2, 3, 6, 12])
def test_delays_are_jittered_within_zero_and_the_ceiling(attempt):
    rng = random.Random(attempt)
    delays = [backoff_delay(attempt, base=5, cap=300, rng=rng) for _ in range(200)]
    ceiling = backoff_ceiling(attempt, base=5, cap=300)
    assert all(0 <= delay <= ceiling for delay in delays)
    assert len(set(delays)) > 150  # jittered, not one fixed value
    assert max(delays) > ceiling * 0.8 and min(delays) < ceiling * 0.2  # full jitter spans the range


def test_delays_grow_on_average():
    rng = random.Random(7)
    means = [sum(backoff_delay(n, base=5, cap=3600, rng=rng) for _ in range(400)) / 400 for n in (1, 3, 5, 7)]
    assert means == sorted(means)
    assert means[-1] > 10 * means[0]


def test_retry_after_is_a_floor_but_never_beyond_the_cap():
    rng = random.Random(1)
    assert all(backoff_delay(1, retry_after=30, base=5, cap=300, rng=rng) >= 30 for _ in range(50))
    assert backoff_delay(1, retry_after=7200, base=5, cap=300, rng=rng) == 300


def test_settings_drive_the_defaults(settings):
    settings.DELIVERY_BACKOFF_BASE_SECONDS = 2
    settings.DELIVERY_BACKOFF_MAX_SECONDS = 3
    assert all(0 <= backoff_delay(5) <= 3 for _ in range(50))
