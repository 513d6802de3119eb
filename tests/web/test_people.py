"""Workers and vehicles, added and removed on the permit page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from permits.models import Vehicle, Worker
from tests.factories import VehicleFactory

from .conftest import Counts, assert_says

pytestmark = pytest.mark.django_db


def test_add_a_worker(client_a, permit_a):
    url = reverse("permits:worker_add", args=[permit_a.reference])
    data = {"worker-name": "Ravi Kumar", "worker-id_number": "784-1990-7654321-6", "worker-phone": "+971501112233"}
    response = client_a.post(url, data, follow=True)
    assert_says(response, "Worker added.")
    assert permit_a.workers.filter(id_number="784-1990-7654321-6").exists()


def test_a_worker_without_id_number_is_not_added(client_a, permit_a):
    counts = Counts(Worker)
    response = client_a.post(
        reverse("permits:worker_add", args=[permit_a.reference]), {"worker-name": "Ravi Kumar", "worker-id_number": ""}
    )
    assert_says(response, "This field is required.")
    assert 'value="Ravi Kumar"' in response.content.decode()
    assert counts.unchanged()


def test_remove_a_worker(client_a, permit_a):
    worker = permit_a.workers.get()
    response = client_a.post(reverse("permits:worker_remove", args=[permit_a.reference, worker.pk]), follow=True)
    assert_says(response, f"{worker.name} removed.")
    assert not permit_a.workers.exists()


def test_add_a_vehicle_normalises_the_plate(client_a, permit_a):
    url = reverse("permits:vehicle_add", args=[permit_a.reference])
    response = client_a.post(url, {"vehicle-plate": "dxb 123"}, follow=True)
    assert_says(response, "Vehicle added.")
    assert list(permit_a.vehicles.values_list("plate", flat=True)) == ["DXB123"]
    assert_says(response, "No parking permit")


def test_an_invalid_plate_is_refused_with_the_rule_sentence(client_a, permit_a):
    counts = Counts(Vehicle)
    response = client_a.post(reverse("permits:vehicle_add", args=[permit_a.reference]), {"vehicle-plate": "DXB_12!"})
    assert_says(
        response, "“DXB_12!” is not a valid plate: letters and digits with at least one digit, at most 25 characters."
    )
    assert counts.unchanged()


def test_change_and_remove_a_plate(client_a, permit_a):
    vehicle = VehicleFactory(permit=permit_a, plate="DXB-1")
    url = reverse("permits:vehicle_plate", args=[permit_a.reference, vehicle.pk])
    response = client_a.post(url, {f"plate-{vehicle.pk}-plate": "shj 9"}, follow=True)
    assert_says(response, "Plate changed.")
    vehicle.refresh_from_db()
    assert vehicle.plate == "SHJ9"
    bad = client_a.post(url, {f"plate-{vehicle.pk}-plate": "??"})
    assert_says(bad, "“??” is not a valid plate")
    response = client_a.post(reverse("permits:vehicle_remove", args=[permit_a.reference, vehicle.pk]), follow=True)
    assert_says(response, "Vehicle SHJ9 removed.")
    vehicle.refresh_from_db()
    assert vehicle.removed_at is not None


def test_parking_state_is_shown(client_a, permit_a):
    VehicleFactory(permit=permit_a, plate="DXB-77", parking_state="failed", parking_error="Zone full")
    page = client_a.get(reverse("permits:detail", args=[permit_a.reference]))
    assert_says(page, "Failed")
    assert_says(page, "Zone full")
