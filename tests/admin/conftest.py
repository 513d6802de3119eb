"""Two communities, A and B, and a property manager of each; B's names are unique so a page leaking
them is caught by a plain substring check."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from tests.factories import (
    CommunityFactory,
    ContractorFactory,
    MembershipFactory,
    PropertyFactory,
    StaffMembershipFactory,
    UserFactory,
    permit_in_status,
    staff_groups_restored,
)

MANAGERS_GROUP = "Property managers"


def make_manager(username: str, *communities):
    staff_groups_restored()
    user = UserFactory(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name=MANAGERS_GROUP))
    for community in communities:
        StaffMembershipFactory(user=user, community=community)
    return user


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def community_a(db):
    return CommunityFactory(name="Alpha Gardens", slug="alpha-gardens")


@pytest.fixture
def community_b(db):
    return CommunityFactory(name="Bravo Heights", slug="bravo-heights")


@pytest.fixture
def property_a(community_a):
    return PropertyFactory(community=community_a, name="Alpha Tower", external_id="ALPHA-TWR")


@pytest.fixture
def property_b(community_b):
    return PropertyFactory(community=community_b, name="Bravo Tower", external_id="BRAVO-TWR")


@pytest.fixture
def contractor_a(community_a):
    return MembershipFactory(
        contractor=ContractorFactory(company_name="Alpha Fitouts LLC"), community=community_a
    ).contractor


@pytest.fixture
def contractor_b(community_b):
    return MembershipFactory(
        contractor=ContractorFactory(company_name="Bravo Builders LLC"), community=community_b
    ).contractor


@pytest.fixture
def permit_a(community_a, property_a, contractor_a):
    return permit_in_status("submitted", community=community_a, property=property_a, contractor=contractor_a)


@pytest.fixture
def permit_b(community_b, property_b, contractor_b):
    return permit_in_status("submitted", community=community_b, property=property_b, contractor=contractor_b)


@pytest.fixture
def manager_a(community_a):
    return make_manager("manager-a", community_a)


@pytest.fixture
def manager_b(community_b):
    return make_manager("manager-b", community_b)


@pytest.fixture
def manager_client(manager_a) -> Client:
    return logged_in(manager_a)


@pytest.fixture
def operator_client(db) -> Client:
    return logged_in(UserFactory(username="root", is_staff=True, is_superuser=True))
