"""Helpers for the scheduled jobs' tests."""

import datetime

import pytest
import time_machine

from permits.choices import PermitStatus
from tests.factories import CommunityFactory, ContractorUserFactory, PermitFactory, StaffMembershipFactory, UserFactory

BASE = datetime.datetime(2026, 8, 1, 3, 0, tzinfo=datetime.UTC)  # 07:00 in Dubai


@pytest.fixture
def at():
    """``at(moment)``: a context manager that freezes the clock at ``moment``."""

    def travel(moment: datetime.datetime):
        return time_machine.travel(moment, tick=False)

    return travel


def live_permit(community=None, *, ends: datetime.datetime, status=PermitStatus.ACTIVE, **kwargs):
    community = community or CommunityFactory()
    return PermitFactory(
        community=community,
        status=status,
        valid_from=ends - datetime.timedelta(days=30),
        valid_till=ends,
        with_worker=False,
        **kwargs,
    )


def contractor_user(contractor, name: str):
    return ContractorUserFactory(contractor=contractor, user=UserFactory(username=name, email=f"{name}@example.com"))


def manager(community, name: str):
    return StaffMembershipFactory(
        community=community, user=UserFactory(username=name, email=f"{name}@example.com", is_staff=True)
    )
