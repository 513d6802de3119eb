"""Which refusals become "Needs attention", for whom, and when the flag goes (scripted Buzz-In)."""

from __future__ import annotations

import pytest

from permits.models import Permit
from portal.core.models import AuditEvent
from portal.integrations.buzzin import operations as buzzin_op
from portal.integrations.delivery import sender
from portal.integrations.delivery.models import OutboundDelivery
from portal.integrations.delivery.services import delivery_retry
from portal.integrations.http import BadRequest, ServerError, Unauthorized
from tests.factories import permit_in_status

from .conftest import fail, ok

pytestmark = pytest.mark.django_db


def create_row(permit) -> OutboundDelivery:
    return OutboundDelivery.objects.get(
        target_type="permit", target_id=str(permit.pk), operation=buzzin_op.PERMIT_CREATE
    )


def test_a_400_on_the_permit_is_the_managers_task_and_a_success_clears_it(buzzin_stub):
    permit = permit_in_status("approved")
    buzzin_stub.script["create_permit"] = [
        fail(BadRequest, "flat UNIT-9 not found in property TWR", status=400),
        ok({"_id": "6650f0c2a1b2c3d4e5f60718", "status": 10}, status=201),
    ]
    row = create_row(permit)

    assert sender.delivery_send(row.pk) == "failed"

    permit.refresh_from_db()
    assert permit.attention_by == "manager"
    assert (
        permit.attention_note == "The gate system (Buzz-In) refused the permit: flat UNIT-9 not found in property TWR"
    )
    assert AuditEvent.objects.filter(action="permits.permit.needs_attention", target_id=str(permit.pk)).count() == 1

    delivery_retry(ids=[row.pk])
    assert sender.delivery_send(row.pk) == "succeeded"
    assert Permit.objects.get(pk=permit.pk).attention_since is None
    assert AuditEvent.objects.filter(action="permits.permit.attention_cleared").count() == 1


def test_a_wrong_key_or_a_transient_error_is_nobodys_needs_attention(buzzin_stub, settings):
    settings.DELIVERY_MAX_ATTEMPTS = 1
    first, second = permit_in_status("approved"), permit_in_status("approved")
    buzzin_stub.script["create_permit"] = [
        fail(Unauthorized, "Invalid API key", status=401),
        fail(ServerError, "down", status=503),
    ]
    assert sender.delivery_send(create_row(first).pk) == "failed"
    assert sender.delivery_send(create_row(second).pk) == "failed"
    assert not Permit.objects.filter(attention_since__isnull=False).exists()


def test_an_approval_while_the_gates_refuse_the_company_does_not_promise_a_pass():
    from contractors.models import ContractorMembership
    from contractors.services import membership_attention_raise
    from permits import services
    from portal.core.actors import Actor
    from portal.integrations.notifications.messages import notification_email
    from portal.integrations.notifications.models import Notification
    from tests.factories import ContractorUserFactory

    permit = permit_in_status("submitted")
    user = ContractorUserFactory(contractor=permit.contractor, user__email="omar@example.com").user
    membership = ContractorMembership.objects.get(contractor=permit.contractor, community=permit.community)
    membership_attention_raise(actor=Actor.system("t"), membership=membership, reason="Phone refused.")

    services.permit_approve(actor=Actor.system("t"), permit=permit)

    told = Notification.objects.get(kind="permit_approved", recipient=user)
    body = notification_email(told, user).body
    assert "cannot issue the pass" in body and "being issued" not in body
