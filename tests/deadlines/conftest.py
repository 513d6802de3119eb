"""A Dubai community (Saturday–Sunday weekend, office 07:00–19:00, 2 working days to decide, 1 for an
extension), its manager, its team lead (also a manager), a company and its user; and a clock to set."""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass

import pytest
import time_machine

from permits import services
from portal.core.actors import Actor
from tests.factories import (
    CommunityFactory,
    ContractorUserFactory,
    MembershipFactory,
    PermitFactory,
    PropertyFactory,
    StaffMembershipFactory,
    UserFactory,
)

DUBAI = zoneinfo.ZoneInfo("Asia/Dubai")
ACTOR = Actor.system("test")


def dubai(month, day, hour, minute=0) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=DUBAI)


def at(moment: datetime.datetime):
    return time_machine.travel(moment, tick=False)


@dataclass
class Estate:
    community: object
    property: object
    contractor: object
    company_user: object
    manager: object
    lead: object

    def permit(self, **fields):
        return PermitFactory(community=self.community, property=self.property, contractor=self.contractor, **fields)

    def submitted(self, when: datetime.datetime):
        with at(when):
            return services.permit_submit(actor=ACTOR, permit=self.permit())


def person(name: str, **fields):
    return UserFactory(username=name, email=f"{name}@example.com", **fields)


@pytest.fixture
def estate(db) -> Estate:
    community = CommunityFactory(name="Akoya", time_zone="Asia/Dubai", work_day_start=datetime.time(7))
    contractor = MembershipFactory(community=community, contractor__company_name="Al Noor LLC").contractor
    company_user = ContractorUserFactory(contractor=contractor, user=person("ali")).user
    manager = StaffMembershipFactory(community=community, user=person("pm", is_staff=True)).user
    lead = StaffMembershipFactory(community=community, user=person("lead", is_staff=True), is_lead=True).user
    StaffMembershipFactory(community=CommunityFactory(), user=person("far-lead", is_staff=True), is_lead=True)
    return Estate(community, PropertyFactory(community=community), contractor, company_user, manager, lead)
