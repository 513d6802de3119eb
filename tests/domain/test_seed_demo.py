"""The demo a newcomer sees first: the contract's examples work against it, and a rerun changes nothing."""

import pytest
from django.contrib.auth import get_user_model

from contractors.models import ContractorMembership
from permits.demo import DEMO_CONTRACTOR_REFERENCE, seed_demo
from permits.models import Permit, Vehicle, Worker
from permits.selectors.admin import permit_search_q
from permits.validators import clean_plate, normalize_id_number
from portal.core.contact import normalize_contact
from portal.core.models import Unit
from portal.integrations.delivery.models import OutboundDelivery

pytestmark = pytest.mark.django_db


def test_seed_demo_mirrors_the_contract_and_is_idempotent(settings):
    settings.DEMO_PASSWORD = "demo-pass-123"
    first = seed_demo()
    counts = (Permit.objects.count(), ContractorMembership.objects.count(), OutboundDelivery.objects.count())
    seed_demo()
    assert (Permit.objects.count(), ContractorMembership.objects.count(), OutboundDelivery.objects.count()) == counts
    assert Unit.objects.filter(property__external_id="DAMAC-TWR-07", external_id="UNIT-0712").exists()
    memberships = ContractorMembership.objects.filter(contractor__reference=DEMO_CONTRACTOR_REFERENCE)
    assert sorted(memberships.values_list("community__name", "status")) == [
        ("DAMAC Hills", "approved"),
        ("Palm Gardens", "approved"),
    ]
    submitted = Permit.objects.filter(contractor__reference=DEMO_CONTRACTOR_REFERENCE, status="submitted")
    assert set(submitted.values_list("community__name", flat=True)) == {"DAMAC Hills", "Palm Gardens"}
    assert {name for name, _ in first.accounts} == {"admin", "manager", "manager2", "contractor"}
    user = get_user_model().objects.get(username="manager")
    assert user.check_password("demo-pass-123") and user.is_staff and not user.is_superuser
    assert set(Permit.objects.values_list("status", flat=True)) >= {"draft", "submitted", "changes_requested"}


def test_each_demo_company_keeps_one_order_at_buzzin_whatever_the_community():
    """Buzz-In keeps one contractor per e-mail: a company's rows share one sequence, so its first community's
    create goes first and the others join with the id it brings (tests/delivery/test_demo_at_buzzin.py)."""
    seed_demo()
    rows = OutboundDelivery.objects.filter(operation="contractor.create")
    companies = dict(
        ContractorMembership.objects.filter(pk__in=[int(row.target_id) for row in rows]).values_list(
            "pk", "contractor_id"
        )
    )
    assert {row.sequence_key for row in rows} == {f"buzzin:contractor:{pk}" for pk in companies.values()}
    assert rows.count() == 3  # Al Noor in both communities, Palm Maintenance in one


def test_the_demo_data_passes_the_input_checks_and_its_plates_are_found_in_any_spelling():
    seed_demo()
    assert sorted(Vehicle.objects.values_list("plate", flat=True)) == [
        "DXBA12345",
        "DXBB20202",
        "DXBC5050",
        "DXBK777",
        "SHJ34455",
    ]
    assert all(clean_plate(plate) == plate for plate in Vehicle.objects.values_list("plate", flat=True))
    assert all(normalize_id_number(i) == i for i in Worker.objects.values_list("id_number", flat=True))
    for permit in Permit.objects.exclude(representative_contact=""):
        assert normalize_contact(permit.representative_contact) == permit.representative_contact
    for typed in ("DXB A 12345", "DXB-A-12345", "dxba12345"):
        found = Permit.objects.filter(permit_search_q(typed))
        assert [permit.main_unit.external_id for permit in found] == ["UNIT-0712"]
