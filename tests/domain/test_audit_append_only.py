"""The audit log is append-only where it lives: in the database (triggers) and in the model; deleting a user or
a community erases nobody's trail; and the test run's flush still empties the database."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from portal.core.actors import Actor
from portal.core.audit_guard import REFUSAL
from portal.core.events import event_record
from portal.core.models import AuditEvent, Community
from portal.core.models.audit import AppendOnlyViolation
from tests.factories import CommunityFactory, UserFactory


def record(actor=None, community=None) -> AuditEvent:
    community = community or CommunityFactory()
    actor = Actor.for_user(actor) if actor is not None else Actor.system("test")
    return event_record(actor=actor, target=community, action="core.community.checked", community=community)


def raw(sql: str, params=()) -> None:
    with transaction.atomic(), connection.cursor() as cursor:  # a savepoint: PostgreSQL aborts on the error
        cursor.execute(sql, params)


TABLE = AuditEvent._meta.db_table


@pytest.mark.django_db
class TestTheDatabaseRefuses:
    def test_a_raw_update(self):
        event = record()
        with pytest.raises(IntegrityError, match=REFUSAL):
            raw(f"UPDATE {TABLE} SET reason = 'rewritten' WHERE id = %s", [event.pk])
        assert AuditEvent.objects.get(pk=event.pk).reason == ""

    def test_a_raw_update_of_every_row(self):
        record()
        with pytest.raises(IntegrityError, match=REFUSAL):
            raw(f"UPDATE {TABLE} SET actor_label = 'nobody'")

    def test_a_raw_delete(self):
        event = record()
        with pytest.raises(IntegrityError, match=REFUSAL):
            raw(f"DELETE FROM {TABLE} WHERE id = %s", [event.pk])
        assert AuditEvent.objects.filter(pk=event.pk).exists()

    def test_but_not_an_insert(self):
        record()
        record()
        assert AuditEvent.objects.count() == 2


@pytest.mark.django_db
class TestTheModelRefuses:
    def test_saving_a_stored_event(self):
        event = record()
        event.reason = "rewritten"
        with pytest.raises(AppendOnlyViolation):
            event.save()

    def test_deleting_an_event(self):
        with pytest.raises(AppendOnlyViolation):
            record().delete()

    def test_updating_or_deleting_through_a_queryset(self):
        record()
        with pytest.raises(AppendOnlyViolation):
            AuditEvent.objects.all().update(reason="rewritten")
        with pytest.raises(AppendOnlyViolation):
            AuditEvent.objects.filter(action="core.community.checked").delete()
        assert AuditEvent.objects.count() == 1


@pytest.mark.django_db
class TestDeletingWhoDidItKeepsTheTrail:
    def test_deleting_the_user(self):
        user = UserFactory(username="leaving.manager")
        event = record(actor=user)
        user_id = user.pk

        user.delete()

        kept = AuditEvent.objects.get(pk=event.pk)
        assert (kept.actor_id, kept.actor_label) == (user_id, "leaving.manager")
        assert not get_user_model().objects.filter(pk=user_id).exists()

    def test_deleting_the_community(self):
        community = CommunityFactory()
        event = record(community=community)
        community_id = community.pk

        community.delete()

        assert AuditEvent.objects.get(pk=event.pk).community_id == community_id
        assert not Community.objects.filter(pk=community_id).exists()

    def test_the_admin_shows_an_event_of_a_deleted_user(self, client):
        user = UserFactory(username="leaving.manager")
        event = record(actor=user)
        user.delete()
        client.force_login(UserFactory(is_staff=True, is_superuser=True))

        listing = client.get(reverse("admin:core_auditevent_changelist"))
        detail = client.get(reverse("admin:core_auditevent_change", args=[event.pk]))

        assert listing.status_code == detail.status_code == 200
        assert "leaving.manager" in listing.content.decode()
        assert "leaving.manager" in detail.content.decode()
        assert f"user #{user_id_of(event)} (deleted)" in detail.content.decode()


def user_id_of(event: AuditEvent) -> int:
    return AuditEvent.objects.get(pk=event.pk).actor_id


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_log_and_leaves_it_append_only():
    record()

    call_command("flush", interactive=False, verbosity=0)

    assert AuditEvent.objects.count() == 0
    event = record()
    with pytest.raises(IntegrityError, match=REFUSAL):
        raw(f"DELETE FROM {TABLE} WHERE id = %s", [event.pk])
