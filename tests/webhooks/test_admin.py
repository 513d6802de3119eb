"""The inbound events admin: read-only, filterable, with "process again"."""

import pytest
from django.urls import reverse

from permits.choices import PermitStatus
from portal.core.models import AuditEvent
from portal.integrations.models import InboundEvent, InboundEventState
from tests.factories import UserFactory

from . import payloads
from .conftest import with_buzzin_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_changelist_and_detail_are_read_only(admin_client, deliver, active_permit):
    deliver(
        payloads.permit_event(
            "passes.permits.scanned", active_permit, payloads.scan_data(active_permit, payloads.ago(5))
        )
    )
    inbound = InboundEvent.objects.get()

    listing = admin_client.get(reverse("admin:integrations_inboundevent_changelist"), {"state__exact": "processed"})
    detail = admin_client.get(reverse("admin:integrations_inboundevent_change", args=[inbound.pk]))

    assert listing.status_code == 200
    assert inbound.event_id in listing.content.decode()
    assert detail.status_code == 200
    assert "Gate" in detail.content.decode()
    assert admin_client.get(reverse("admin:integrations_inboundevent_add")).status_code == 403


def test_process_again_runs_a_failed_event_and_reports(admin_client, deliver, db):
    from tests.factories import permit_in_status

    permit = with_buzzin_id(permit_in_status("submitted"))
    deliver(payloads.permit_event("passes.permits.issued", permit, payloads.issued_data(permit)))
    inbound = InboundEvent.objects.get()
    assert inbound.state == InboundEventState.FAILED

    from permits import services
    from portal.core.actors import Actor

    services.permit_approve(actor=Actor.system("test"), permit=permit)
    response = admin_client.post(
        reverse("admin:integrations_inboundevent_changelist"),
        {"action": "process_again", "_selected_action": [inbound.pk]},
        follow=True,
    )

    inbound.refresh_from_db()
    permit.refresh_from_db()
    assert inbound.state == InboundEventState.PROCESSED
    assert inbound.attempts == 2
    assert permit.status == PermitStatus.ACTIVE
    assert "Processed again: 1 processed." in response.content.decode()


def test_process_again_on_a_processed_event_changes_nothing(admin_client, deliver, approved_permit):
    deliver(payloads.permit_event("passes.permits.issued", approved_permit, payloads.issued_data(approved_permit)))
    inbound = InboundEvent.objects.get()

    admin_client.post(
        reverse("admin:integrations_inboundevent_changelist"),
        {"action": "process_again", "_selected_action": [inbound.pk]},
    )

    inbound.refresh_from_db()
    assert inbound.state == InboundEventState.PROCESSED
    assert inbound.result == "pass already applied"
    assert AuditEvent.objects.filter(action="permits.permit.activated").count() == 1
