"""The inbound events admin: read-only, filterable, with "process again"."""

import pytest
from django.db import connection
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


@pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans and the estimate are PostgreSQL's")
def test_the_inbox_list_pages_by_the_primary_key_without_counting_the_inbox(rf, admin_user, admin_client):
    from django.contrib import admin as django_admin
    from django.test.utils import CaptureQueriesContext

    events = [
        InboundEvent(event_id=f"evt-{n}", event="passes.permits.scanned", verification="hmac", payload={})
        for n in range(3000)
    ]
    InboundEvent.objects.bulk_create(events)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {InboundEvent._meta.db_table}")
    request = rf.get(reverse("admin:integrations_inboundevent_changelist"))
    request.user = admin_user
    changelist = django_admin.site._registry[InboundEvent].get_changelist_instance(request)
    plan = changelist.queryset[:100].explain()
    assert "Index Scan Backward using integrations_inboundevent_pkey" in plan and "Sort" not in plan
    assert changelist.result_list[0].event_id == "evt-2999"  # the newest first
    with CaptureQueriesContext(connection) as page:
        assert admin_client.get(reverse("admin:integrations_inboundevent_changelist")).status_code == 200
    inbox = f'COUNT(*) AS "__count" FROM "{InboundEvent._meta.db_table}"'
    counts = [query["sql"] for query in page.captured_queries if inbox in query["sql"]]
    assert counts == [] and any("reltuples" in query["sql"] for query in page.captured_queries)
