"""The deliveries admin: scoped lists, read-only rows with their attempts, retry one, many or all failed."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from portal.integrations.delivery.models import DeliveryAttempt, OutboundDelivery
from tests.factories import CommunityFactory, StaffMembershipFactory, UserFactory, permit_in_status

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.delivery.urls")]
CHANGELIST = "admin:integrations_outbounddelivery_changelist"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world():
    """Community Alpha with a failed and a pending delivery, community Bravo with a failed one."""
    alpha, bravo = CommunityFactory(name="Alpha Gardens"), CommunityFactory(name="Bravo Heights")
    permit_a, permit_b = permit_in_status("approved", community=alpha), permit_in_status("approved", community=bravo)
    failed_a, pending_a = OutboundDelivery.objects.filter(community=alpha).order_by("pk")
    failed_b, pending_b = OutboundDelivery.objects.filter(community=bravo).order_by("pk")
    OutboundDelivery.objects.filter(pk__in=[failed_a.pk, failed_b.pk]).update(
        state="failed", last_error="Buzz-In 400: validTill must be in the future", error_kind="bad_request"
    )
    DeliveryAttempt.objects.create(
        delivery=failed_a,
        started_at=failed_a.created_at,
        request_summary="POST /permits {}",
        status_code=400,
        response_excerpt='{"message": "validTill must be in the future"}',
        outcome="failed",
    )
    manager = UserFactory(username="manager-alpha", is_staff=True)
    manager.groups.add(Group.objects.get(name="Property managers"))
    StaffMembershipFactory(user=manager, community=alpha)
    operator = UserFactory(username="operator", is_staff=True)
    operator.groups.add(Group.objects.get(name="operator"))
    return {
        "permit_a": permit_a,
        "permit_b": permit_b,
        "failed_a": failed_a,
        "pending_a": pending_a,
        "failed_b": failed_b,
        "pending_b": pending_b,
        "manager": client_for(manager),
        "manager_user": manager,
        "operator": client_for(operator),
    }


def listed_ids(response) -> set[int]:
    return {row.pk for row in response.context["cl"].result_list}


def test_a_property_manager_sees_only_their_communities(world):
    response = world["manager"].get(reverse(CHANGELIST))
    assert response.status_code == 200
    assert listed_ids(response) == {world["failed_a"].pk, world["pending_a"].pk}
    other = reverse("admin:integrations_outbounddelivery_change", args=[world["failed_b"].pk])
    assert world["manager"].get(other).status_code == 404


def test_operators_see_every_community_and_filter(world):
    client = world["operator"]
    assert len(listed_ids(client.get(reverse(CHANGELIST)))) == 4
    failed = client.get(reverse(CHANGELIST), {"state__exact": "failed", "error_kind": "bad_request"})
    assert listed_ids(failed) == {world["failed_a"].pk, world["failed_b"].pk}
    buzzin = client.get(reverse(CHANGELIST), {"subscriber__exact": "buzzin", "operation__exact": "permit.submit"})
    assert listed_ids(buzzin) == {world["pending_a"].pk, world["pending_b"].pk}


def test_the_change_page_shows_the_attempts_read_only_and_a_retry_button(world):
    url = reverse("admin:integrations_outbounddelivery_change", args=[world["failed_a"].pk])
    page = world["operator"].get(url).content.decode()
    assert "validTill must be in the future" in page
    assert "POST /permits" in page
    assert "Retry now" in page
    assert reverse("admin:permits_permit_change", args=[world["permit_a"].pk]) in page
    manager_page = world["manager"].get(url).content.decode()
    assert "Retry now" not in manager_page  # managers watch, operators retry


def test_retry_now_for_one_delivery(world):
    url = reverse("admin:integrations_outbounddelivery_retry", args=[world["failed_a"].pk])
    assert world["operator"].get(url).status_code == 405
    response = world["operator"].post(url)
    assert response.status_code == 302
    world["failed_a"].refresh_from_db()
    assert world["failed_a"].state == "pending"


def test_retry_action_for_selected_deliveries(world):
    selected = [world["failed_a"].pk, world["pending_a"].pk]
    response = world["operator"].post(
        reverse(CHANGELIST), {"action": "retry_now", "_selected_action": selected}, follow=True
    )
    messages = [str(message) for message in response.context["messages"]]
    assert "1 failed deliveries sent again." in messages
    assert any("left alone" in message for message in messages)
    assert OutboundDelivery.objects.get(pk=world["failed_a"].pk).state == "pending"


def test_retry_all_failed_button(world):
    page = world["operator"].get(reverse(CHANGELIST)).content.decode()
    assert "Retry all failed (2)" in page
    response = world["operator"].post(reverse("admin:integrations_outbounddelivery_retry_failed"))
    assert response.status_code == 302
    assert not OutboundDelivery.objects.filter(state="failed").exists()


def test_property_managers_cannot_retry(world):
    page = world["manager"].get(reverse(CHANGELIST)).content.decode()
    assert "Retry all failed" not in page
    assert world["manager"].post(reverse("admin:integrations_outbounddelivery_retry_failed")).status_code == 403
    url = reverse("admin:integrations_outbounddelivery_retry", args=[world["failed_a"].pk])
    assert world["manager"].post(url).status_code == 403
    assert OutboundDelivery.objects.filter(state="failed").count() == 2


def test_nobody_adds_or_deletes_deliveries(world):
    client = world["operator"]
    assert client.get(reverse("admin:integrations_outbounddelivery_add")).status_code == 403
    url = reverse("admin:integrations_outbounddelivery_delete", args=[world["failed_a"].pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert OutboundDelivery.objects.filter(pk=world["failed_a"].pk).exists()


def test_configuration_faults_are_announced_on_the_list(world):
    OutboundDelivery.objects.filter(pk=world["failed_a"].pk).update(
        error_kind="configuration",
        last_error="OPS-COM error 9002: Token [redacted] lacks permission",
        subscriber="opscom",
    )
    response = world["manager"].get(reverse(CHANGELIST))
    messages = [str(message) for message in response.context["messages"]]
    assert any("OPS-COM refuses the portal's configuration for Alpha Gardens" in message for message in messages)


def test_the_dashboard_gets_the_configuration_faults_of_the_users_communities(world, rf):
    from portal.core.admin_dashboard import dashboard_context

    OutboundDelivery.objects.filter(pk__in=[world["failed_a"].pk, world["failed_b"].pk]).update(
        error_kind="configuration"
    )
    request = rf.get("/admin/")
    request.user = world["manager_user"]
    [fault] = dashboard_context(request)["configuration_faults"]
    assert (fault.community_name, fault.count) == ("Alpha Gardens", 1)


def test_giving_up_on_a_failed_delivery_lets_the_next_in_its_sequence_go(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    import portal.integrations.delivery.dispatch as dispatch_module
    from portal.core.models import AuditEvent

    sent = []
    monkeypatch.setattr(dispatch_module, "dispatch", lambda delivery_id, countdown=None: sent.append(delivery_id))
    failed, waiting = world["failed_a"], world["pending_a"]
    assert failed.sequence_key == waiting.sequence_key
    with django_capture_on_commit_callbacks(execute=True):
        response = world["operator"].post(
            reverse(CHANGELIST), {"action": "give_up", "_selected_action": [failed.pk, waiting.pk]}, follow=True
        )
    messages = [str(message) for message in response.context["messages"]]
    assert "Gave up on 1 failed deliveries." in messages
    assert OutboundDelivery.objects.get(pk=failed.pk).state == "abandoned"
    assert OutboundDelivery.objects.get(pk=waiting.pk).state == "pending"
    assert sent == [waiting.pk]
    event = AuditEvent.objects.get(action="integrations.delivery.abandoned")
    assert (event.target_id, event.from_status, event.to_status) == (str(failed.pk), "failed", "abandoned")


def test_property_managers_cannot_give_up(world):
    world["manager"].post(
        reverse(CHANGELIST), {"action": "give_up", "_selected_action": [world["failed_a"].pk]}, follow=True
    )
    assert OutboundDelivery.objects.get(pk=world["failed_a"].pk).state == "failed"
