"""A new subscriber is one line of settings: it receives the services' events, and none of a change undone."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from permits import services
from permits.choices import PermitStatus
from permits.models import NocVersion, Permit
from permits.transitions import TransitionNotAllowed
from portal.core.actors import Actor
from portal.core.models import AuditEvent
from portal.integrations.delivery.models import OutboundDelivery
from tests.factories import UserFactory, permit_in_status

from .recording_subscriber import subscriber as recording

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorder(settings):
    settings.EVENT_SUBSCRIBERS = [*settings.EVENT_SUBSCRIBERS, "tests.domain.recording_subscriber.subscriber"]
    recording.clear()
    yield recording
    recording.clear()


def test_a_subscriber_added_in_settings_receives_the_approval(recorder):
    user = UserFactory(is_staff=True)
    permit = permit_in_status("submitted")
    recorder.clear()
    services.permit_approve(actor=Actor.for_user(user), permit=permit)
    [[event]] = recorder.batches
    assert (event.action, event.target_type, event.target_id) == ("permits.permit.approved", "permit", str(permit.pk))
    assert (event.from_status, event.to_status, event.actor) == ("submitted", "approved", user)
    assert event.community_id == permit.community_id
    assert AuditEvent.objects.get(pk=event.pk).action == "permits.permit.approved"  # the stored row itself
    # the partners listed before it still plan their rows from the same events
    assert list(OutboundDelivery.objects.filter(event=event).order_by("pk").values_list("subscriber", "operation")) == [
        ("buzzin", "permit.create"),
        ("buzzin", "permit.submit"),
    ]


def test_an_approval_the_table_refuses_sends_nothing(recorder):
    permit = permit_in_status("approved")
    recorder.clear()
    with pytest.raises(TransitionNotAllowed):
        services.permit_approve(actor=Actor.system("t"), permit=permit)
    assert recorder.batches == []


def test_an_approval_a_rule_refuses_sends_nothing(recorder):
    permit = permit_in_status("submitted")
    soon = timezone.localdate() + datetime.timedelta(days=5)
    NocVersion.objects.filter(permit=permit, is_current=True).update(expiry_date=soon)
    recorder.clear()
    with pytest.raises(ValidationError):
        services.permit_approve(actor=Actor.system("t"), permit=permit)
    assert recorder.batches == []
    assert Permit.objects.get(pk=permit.pk).status == PermitStatus.SUBMITTED


def test_an_approval_rolled_back_after_its_event_sends_nothing(recorder, monkeypatch):
    """The event row is written, then the save fails: the event goes with the rollback, unseen."""
    permit = permit_in_status("submitted")
    recorder.clear()
    recorded = []

    def failing_save(self, *args, **kwargs):
        recorded.extend(AuditEvent.objects.filter(action="permits.permit.approved", target_id=str(self.pk)))
        raise RuntimeError("database went away")

    monkeypatch.setattr(Permit, "save", failing_save)
    with pytest.raises(RuntimeError):
        services.permit_approve(actor=Actor.system("t"), permit=permit)
    assert len(recorded) == 1  # the event existed inside the failed transaction
    assert recorder.batches == []
    assert not AuditEvent.objects.filter(action="permits.permit.approved", target_id=str(permit.pk)).exists()
    assert Permit.objects.get(pk=permit.pk).status == PermitStatus.SUBMITTED
