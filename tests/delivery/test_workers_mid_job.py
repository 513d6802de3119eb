"""A new labourer mid-job (#16): a worker added to an active permit reaches Buzz-In like the others."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from permits import services
from permits.models import Worker
from portal.core.actors import Actor
from portal.integrations.buzzin import operations as op
from portal.integrations.delivery.models import OutboundDelivery
from tests.factories import CommunityFactory, ContractorUserFactory

from .drain import drain_outbox
from .test_sandboxes import approved_permit, wait_for

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("workers test")


def test_a_worker_added_to_an_active_permit_is_pushed_to_buzzin(sandboxes, client):
    community = CommunityFactory(buzzin__api_key=f"bzk-{uuid.uuid4().hex}")
    permit, _ = approved_permit(sandboxes, community)
    drain_outbox("buzzin")
    accepted = wait_for(
        lambda: (p := sandboxes.buzzin_permit(permit.reference)) and p["statusName"] == "ACCEPTED" and p,
        message="Buzz-In to accept the permit",
    )
    permit = services.permit_pass_issue(
        actor=Actor.partner("Buzz-In"),
        permit=permit,
        pass_number=accepted["passNumber"],
        access_code=accepted["accessCode"],
    )
    client.force_login(ContractorUserFactory(contractor=permit.contractor).user)
    assert "Add worker" in client.get(reverse("permits:detail", args=[permit.reference])).content.decode()

    response = client.post(
        reverse("permits:worker_add", args=[permit.reference]),
        {"worker-name": "Sanjay Patel", "worker-id_number": "784-1985-7654321-3", "worker-phone": "050 123 4567"},
    )
    body = response.content.decode()
    assert response.status_code == 302, body[body.find('id="workers"') :][:3000]
    assert Worker.objects.filter(permit=permit, name="Sanjay Patel").exists()
    assert OutboundDelivery.objects.filter(subscriber="buzzin", operation=op.PERMIT_UPDATE_PEOPLE).count() == 1

    drain_outbox("buzzin")

    remote = sandboxes.buzzin_permit(permit.reference)
    assert [e["name"] for e in remote["employees"]] == ["Ravi Kumar", "Sanjay Patel"]
    assert remote["statusName"] == "ACCEPTED"  # the same pass, one more person


def test_a_finished_permit_takes_no_new_worker(sandboxes):
    from django.core.exceptions import ValidationError

    from tests.factories import permit_in_status

    permit = permit_in_status("expired")
    with pytest.raises(ValidationError):
        services.worker_add(actor=ACTOR, permit=permit, name="Late Comer", id_number="784-1985-7654321-3")
