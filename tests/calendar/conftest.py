"""Communities A and B (as in tests/admin), a tower with numbered units and clash settings for A."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest

from permits.models import ClashSettings, ExclusiveTypePair, PropertyCapacity
from tests.admin.conftest import *  # noqa: F403  (its fixtures: communities A and B, managers, contractors)
from tests.factories import ContractorUserFactory, PermitFactory, UnitFactory

DUBAI = zoneinfo.ZoneInfo("Asia/Dubai")


def dubai(day: datetime.date, hour: int = 0, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=DUBAI)


@pytest.fixture
def day():
    """A day well inside the future: every permit of these tests starts from it."""
    return datetime.date.today() + datetime.timedelta(days=10)


@pytest.fixture
def units(property_a):
    """Floor 7: 0711, 0712, 0713; floor 8: 0812."""
    return {
        name: UnitFactory(property=property_a, name=name, external_id=f"UNIT-{name}")
        for name in ("0711", "0712", "0713", "0812")
    }


@pytest.fixture
def clash_settings(community_a, property_a):
    settings = ClashSettings.objects.create(community=community_a, warn_adjacent_units=True)
    ExclusiveTypePair.objects.create(settings=settings, first_type="fit_out", second_type="fit_out")
    ExclusiveTypePair.objects.create(settings=settings, first_type="move_in", second_type="fit_out")
    return settings


def set_capacity(settings, property, permit_type: str, limit: int) -> None:
    PropertyCapacity.objects.create(settings=settings, property=property, permit_type=permit_type, max_per_day=limit)


@pytest.fixture
def make_permit(community_a, property_a, contractor_a, day):
    def make(unit, *, start=None, end=None, permit_type="fit_out", **kwargs):
        return PermitFactory(
            community=kwargs.pop("community", community_a),
            property=kwargs.pop("property", property_a),
            contractor=kwargs.pop("contractor", contractor_a),
            main_unit=unit,
            permit_type=permit_type,
            valid_from=start or dubai(day, 8),
            valid_till=end or dubai(day + datetime.timedelta(days=3), 18),
            **kwargs,
        )

    return make


@pytest.fixture
def contractor_user_a(contractor_a):
    return ContractorUserFactory(contractor=contractor_a).user


@pytest.fixture
def contractor_user_b(contractor_b):
    return ContractorUserFactory(contractor=contractor_b).user
