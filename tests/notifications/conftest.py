"""Two communities, two companies in the first, their users and managers: who hears what."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core import mail

from portal.integrations.notifications.models import Notification
from tests.delivery.drain import drain_outbox
from tests.factories import (
    CommunityFactory,
    ContractorFactory,
    ContractorUserFactory,
    MembershipFactory,
    StaffMembershipFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _fast_retries(settings):
    """No broker: the tests play the worker (``drain``); retries are due at once."""
    settings.OUTBOX_DISPATCH = False
    settings.DELIVERY_BACKOFF_BASE_SECONDS = 0.0
    settings.DELIVERY_BACKOFF_MAX_SECONDS = 0.0
    settings.SITE_URL = "https://permits.example.com"


@dataclass
class Site:
    community: object
    contractor: object
    users: list  # the company's users (ali, bea)
    managers: list  # the community's managers (pm)
    other_company_user: object  # another company of the same community
    other_manager: object  # a manager of another community
    operator: object

    @property
    def everyone(self) -> list:
        return [*self.users, *self.managers, self.other_company_user, self.other_manager, self.operator]


def person(name: str, **fields):
    return UserFactory(username=name, email=f"{name}@example.com", **fields)


@pytest.fixture
def site(db) -> Site:
    community = CommunityFactory(name="Akoya", time_zone="Asia/Dubai")
    contractor = MembershipFactory(community=community, contractor__company_name="Al Noor LLC").contractor
    users = [ContractorUserFactory(contractor=contractor, user=person(name)).user for name in ("ali", "bea")]
    other = MembershipFactory(community=community, contractor=ContractorFactory(company_name="Other Co")).contractor
    other_user = ContractorUserFactory(contractor=other, user=person("olga")).user
    managers = [StaffMembershipFactory(community=community, user=person("pm", is_staff=True)).user]
    other_manager = StaffMembershipFactory(community=CommunityFactory(), user=person("far-pm", is_staff=True)).user
    operator = person("root", is_staff=True, is_superuser=True)
    return Site(community, contractor, users, managers, other_user, other_manager, operator)


def drain() -> list[str]:
    return drain_outbox("notify")


def mailed() -> list[tuple[str, str]]:
    """(address, subject) of every mail sent, sorted."""
    return sorted((message.to[0], message.subject) for message in mail.outbox)


def notified(kind: str | None = None) -> list[str]:
    rows = Notification.objects.all() if kind is None else Notification.objects.filter(kind=kind)
    return sorted(rows.values_list("recipient__username", flat=True))
