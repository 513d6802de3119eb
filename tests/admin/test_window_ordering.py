"""A permit list narrowed to "starts" or "expires" within some days shows the soonest first; otherwise the
review order holds (oldest waiting first), and a column the user sorts by wins over both."""

from __future__ import annotations

import pytest
from django.urls import reverse

from permits.models import Permit
from tests.factories import in_days, permit_in_status

pytestmark = pytest.mark.django_db

URL = reverse("admin:permits_permit_changelist")


@pytest.fixture
def three(community_a, property_a, contractor_a) -> dict[str, Permit]:
    """An active permit ending in 5 days, one in 2 days, and a submitted one ending in 6 (first in review)."""
    place = {"community": community_a, "property": property_a, "contractor": contractor_a}
    later = permit_in_status("active", valid_from=in_days(-3), valid_till=in_days(5, hour=9), **place)
    sooner = permit_in_status("active", valid_from=in_days(-3), valid_till=in_days(2, hour=9), **place)
    waiting = permit_in_status("submitted", valid_from=in_days(1), valid_till=in_days(6, hour=9), **place)
    return {"later": later, "sooner": sooner, "waiting": waiting}


def listed(client, params) -> list[int]:
    response = client.get(URL, params)
    assert response.status_code == 200
    return [permit.pk for permit in response.context["cl"].result_list]


def test_expiring_within_7_days_lists_the_soonest_end_first(manager_client, three):
    assert listed(manager_client, {"expires": "7d"}) == [three[name].pk for name in ("sooner", "later", "waiting")]


def test_starting_within_7_days_lists_the_soonest_start_first(manager_client, three):
    Permit.objects.filter(pk=three["later"].pk).update(valid_from=in_days(3), valid_till=in_days(9))
    Permit.objects.filter(pk=three["sooner"].pk).update(valid_from=in_days(2), valid_till=in_days(9))
    # waiting starts tomorrow: first; then the one starting in 2 days, then in 3
    expected = [three[name].pk for name in ("waiting", "sooner", "later")]
    assert listed(manager_client, {"starts": "7d"}) == expected


def test_without_a_window_the_review_order_holds(manager_client, three):
    assert listed(manager_client, {})[0] == three["waiting"].pk


def test_a_column_the_user_sorts_by_wins(manager_client, three):
    column = manager_client.get(URL).context["cl"].list_display.index("status_badge")
    by_status_desc = listed(manager_client, {"expires": "7d", "o": f"-{column}"})
    assert by_status_desc[0] == three["waiting"].pk  # "submitted" sorts after "active"
