"""The data migrations bring rows stored before the input checks into their one spelling, and leave
(and list) what they cannot read, so no data is lost."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from tests.factories import (
    CommunityFactory,
    ContractorFactory,
    MembershipFactory,
    PermitFactory,
    VehicleFactory,
    WorkerFactory,
)

contractors_migration = importlib.import_module("contractors.migrations.0002_normalize_contact")
permits_migration = importlib.import_module("permits.migrations.0005_normalize_people_and_plates")


class TestRowFunctions:
    def test_a_contractor_in_the_old_format(self):
        changes, problems = contractors_migration.normalized_contact(
            phone="050 555 1234", email="Info@DesertStar.Example ", region="AE"
        )
        assert changes == {"phone": "+971505551234", "email": "info@desertstar.example"}
        assert problems == []

    def test_an_unreadable_contractor_phone_is_reported_not_changed(self):
        changes, problems = contractors_migration.normalized_contact(
            phone="ask reception", email="ok@example.com", region="AE"
        )
        assert (changes, problems) == ({}, ["phone 'ask reception'"])

    def test_a_worker_in_the_old_format(self):
        changes, problems = permits_migration.normalized_worker(
            id_number="784199012345676", phone="050 555 1234", region="AE"
        )
        assert changes == {"id_number": "784-1990-1234567-6", "phone": "+971505551234"}
        assert problems == []

    def test_a_worker_already_in_the_new_format_is_unchanged(self):
        assert permits_migration.normalized_worker(id_number="N1234567", phone="", region="AE") == ({}, [])

    def test_an_invalid_worker_id_is_reported(self):
        changes, problems = permits_migration.normalized_worker(id_number="123", phone="abc", region="AE")
        assert (changes, problems) == ({}, ["id_number '123'", "phone 'abc'"])


@pytest.mark.django_db
def test_the_migrations_normalise_the_rows_and_list_what_they_leave(capsys):
    riyadh = CommunityFactory(country="SA")
    saudi = MembershipFactory(community=riyadh, contractor__phone="050 123 4567", contractor__email="A@B.example")
    emirati = ContractorFactory(phone="050 555 1234")  # no community: read as the UAE's
    unreadable = ContractorFactory(phone="ask reception")
    permit = PermitFactory(representative_contact="050 555 1234", with_worker=False)
    worker = WorkerFactory(permit=permit, id_number="784 1990 1234567 6", phone="0551234567")
    bad_worker = WorkerFactory(permit=permit, name="Nobody", id_number="123")
    plates = [VehicleFactory(permit=permit, plate=plate) for plate in ("DXB-A-12345", "dxb b 777", "###")]

    contractors_migration.forwards(apps, None)
    permits_migration.forwards(apps, None)

    saudi.contractor.refresh_from_db()
    assert (saudi.contractor.phone, saudi.contractor.email) == ("+966501234567", "a@b.example")
    emirati.refresh_from_db()
    assert emirati.phone == "+971505551234"
    unreadable.refresh_from_db()
    assert unreadable.phone == "ask reception"
    permit.refresh_from_db()
    assert permit.representative_contact == "+971505551234"
    worker.refresh_from_db()
    assert (worker.id_number, worker.phone) == ("784-1990-1234567-6", "+971551234567")
    bad_worker.refresh_from_db()
    assert bad_worker.id_number == "123"
    assert [plate.__class__.objects.get(pk=plate.pk).plate for plate in plates] == ["DXBA12345", "DXBB777", "###"]

    output = capsys.readouterr().out
    assert f"contractor {unreadable.pk} {unreadable.company_name}: phone 'ask reception'" in output
    assert f"worker {bad_worker.pk} Nobody (permit {permit.reference}): id_number '123'" in output
    assert f"vehicle {plates[2].pk} (permit id {permit.pk}): plate '###'" in output
