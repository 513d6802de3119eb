"""POST /permits on its lean path: the same stored rows and answer as the services one by one, in few statements.

The reference is what the API did before it was made lean: ``permit_create_draft`` then ``noc_version_upload``
in one transaction (their events reaching the subscribers together), answered from a fresh read of the permit.
"""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils.dateparse import parse_datetime

from permits.choices import PermitSource
from permits.models import NocVersion, Permit, PermitUnit, Vehicle, Worker
from permits.services import noc_version_upload, permit_create_draft
from permits.services._common import lock_permit
from portal.api.lookups import permit_for_answer
from portal.api.serializers.permits import PermitCreatedSerializer
from portal.core.actors import Actor
from portal.core.events import events_collected
from portal.core.models import AuditEvent
from portal.integrations.delivery.models import OutboundDelivery
from portal.integrations.notifications.models import Notification
from tests.factories import PropertyFactory, UnitFactory

from .support import ApiClient, permit_body

pytestmark = pytest.mark.django_db

# Round trips of one rich create on the lean path: key, contractor (with the 409 check), property and flats,
# membership and blackout days (the draft rules), six inserts. Before: 26 (32 in a test's transaction).
CREATE_STATEMENTS_CEILING = 13
VOLATILE = {"id", "reference", "crm_reference", "created_at", "updated_at", "at", "uploaded_at", "status_changed_at"}


def rich_body(site, **overrides) -> dict:
    body = permit_body(site, **overrides)
    body["additionalFlatExternalIds"] = [site.units[1].external_id, site.units[2].external_id]
    body["employees"] = [
        {"name": "Ravi Kumar", "idNumber": "784-1990-1234567-6", "phone": "+971501112233"},
        {"name": "Ali Hassan", "idNumber": "784-1985-7654321-3", "phone": ""},
        {"name": "Ravi Kumar", "idNumber": "784-1990-1234567-6", "phone": "+971501112233"},
    ]
    body["vehicles"] = [{"plate": "DXB A 12345"}, {"plate": "DXB B 777"}, {"plate": "SHJ 3 4455"}]
    body["noc"] = {
        "type": "url",
        "url": "https://files.example.com/noc-rich.pdf",
        "nocNumber": " NOC-RICH ",
        "issueDate": body["noc"]["issueDate"],
        "expiryDate": body["noc"]["expiryDate"],
    }
    return body


def created_by_the_services(site, body: dict) -> Permit:
    """The API's create as it was: the two services in one transaction, with the same actor and inputs."""
    actor = Actor.api_key(site.key)
    with transaction.atomic(), events_collected():
        permit = permit_create_draft(
            actor=actor,
            contractor=site.contractor,
            property=site.property,
            main_unit=site.units[0],
            additional_units=site.units[1:],
            valid_from=parse_datetime(body["validFrom"]),
            valid_till=parse_datetime(body["validTill"]),
            time_in=datetime.time(8),
            time_out=datetime.time(17),
            representative_name=body["representativeName"],
            representative_contact=body["representativeContact"],
            jobs_summary=body["jobsSummary"],
            workers=[{"name": e["name"], "id_number": e["idNumber"], "phone": e["phone"]} for e in body["employees"]],
            plates=[v["plate"] for v in body["vehicles"]],
            crm_reference=body["salesforcePermitId"],
            source=PermitSource.API,
        )
        noc_version_upload(
            actor=actor,
            permit=permit,
            noc_number=body["noc"]["nocNumber"],
            issue_date=datetime.date.fromisoformat(body["noc"]["issueDate"]),
            expiry_date=datetime.date.fromisoformat(body["noc"]["expiryDate"]),
            document_url=body["noc"]["url"],
        )
    return permit


def row(obj, permit: Permit, nocs: dict[int, str]) -> dict:
    values = {}
    for field in obj._meta.concrete_fields:
        if field.name in VOLATILE:
            continue
        value = getattr(obj, field.attname)
        if field.name in ("permit", "target_id") and str(value) == str(permit.pk):
            value = "<the permit>"
        elif field.name == "event":
            value = AuditEvent.objects.get(pk=value).action if value else None
        elif isinstance(value, dict) and value.get("noc") in nocs:
            value = {**value, "noc": nocs[value["noc"]]}
        elif isinstance(value, str) and str(permit.pk) in value and field.name == "sequence_key":
            value = value.replace(str(permit.pk), "<the permit>")
        values[field.name] = value
    return values


def stored_rows(permit: Permit) -> dict[str, list[dict]]:
    """Every row the create wrote, keyed by table, with ids and moments masked."""
    nocs = {noc.pk: f"<noc v{noc.version}>" for noc in NocVersion.objects.filter(permit=permit)}

    def rows(queryset, order=("pk",)):
        return [row(obj, permit, nocs) for obj in queryset.order_by(*order)]

    audit = AuditEvent.objects.filter(target_type="permit", target_id=str(permit.pk))
    return {
        "permit": rows(Permit.objects.filter(pk=permit.pk)),
        "units": rows(PermitUnit.objects.filter(permit=permit), ("unit_id",)),
        "workers": rows(Worker.objects.filter(permit=permit)),
        "vehicles": rows(Vehicle.objects.filter(permit=permit)),
        "nocs": rows(NocVersion.objects.filter(permit=permit)),
        "audit": rows(audit),
        "outbox": rows(OutboundDelivery.objects.filter(target_type="permit", target_id=str(permit.pk))),
        "notifications": rows(Notification.objects.filter(event__in=audit)),
    }


def test_the_lean_create_stores_the_same_rows_as_the_services(api, site):
    body = rich_body(site)
    response = api.post("/permits", body)
    assert response.status == 201, response.body
    lean = Permit.objects.get(reference=response.body["_id"])

    reference = created_by_the_services(site, rich_body(site, salesforcePermitId="a1B5g000000OTHERAW"))

    lean_rows, reference_rows = stored_rows(lean), stored_rows(reference)
    assert lean_rows == reference_rows
    assert len(lean_rows["units"]) == 2 and len(lean_rows["workers"]) == 3 and len(lean_rows["vehicles"]) == 3
    assert [event["action"] for event in lean_rows["audit"]] == ["permits.permit.created", "permits.noc.uploaded"]
    assert lean_rows["nocs"][0]["version"] == 1 and lean_rows["nocs"][0]["noc_number"] == "NOC-RICH"


def test_the_answer_built_from_the_rows_in_hand_is_the_answer_read_back(api, site):
    response = api.post("/permits", rich_body(site))
    assert response.status == 201, response.body

    permit = Permit.objects.get(reference=response.body["_id"])
    read_back = PermitCreatedSerializer(permit_for_answer(permit.pk), context={"request": None}).data
    assert response.body["integrations"]["damac"]["noc"]["document"]["publicUrl"].startswith("https://files.")
    assert response.body == read_back


def test_one_rich_create_stays_under_its_statement_ceiling(api, site):
    api.post("/permits", rich_body(site, salesforcePermitId="a1BWARMUP000000000"))  # caches, throttles, first use
    with CaptureQueriesContext(connection) as queries:
        response = api.post("/permits", rich_body(site))
    assert response.status == 201, response.body

    statements = [query["sql"] for query in queries.captured_queries]
    real = [sql for sql in statements if not sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    assert len(real) <= CREATE_STATEMENTS_CEILING, "\n".join(statements)
    # The test's own transaction makes the create's one a savepoint: the create opens none inside it.
    assert sum(sql.startswith("SAVEPOINT") for sql in statements) <= 1, "\n".join(statements)
    assert sum(sql.startswith('INSERT INTO "core_auditevent"') for sql in statements) == 1
    # The contractor's membership is read once, by the lookup; the rules take its status from there.
    assert sum('FROM "contractors_contractormembership"' in sql for sql in statements) == 1, "\n".join(statements)
    # Nothing is read back once written: no SELECT of the permit, its NOC versions or people after the insert.
    inserted = next(i for i, sql in enumerate(statements) if sql.startswith('INSERT INTO "permits_permit"'))
    assert not [sql for sql in statements[inserted:] if sql.startswith("SELECT")], "\n".join(statements)
    # Neither lock nor numbering for the first NOC version of a permit this transaction created.
    assert not [sql for sql in statements if "FOR UPDATE" in sql or "MAX(" in sql], "\n".join(statements)


def test_flats_named_by_portal_ids_still_resolve(api, site):
    """Only external ids go through the single statement; portal ids are looked up as before."""
    from portal.api import ids

    body = rich_body(site, propertyId=ids.property_id(site.property), flatId=ids.unit_id(site.units[0]))
    for name in ("propertyExternalId", "flatExternalId", "additionalFlatExternalIds"):
        body.pop(name)
    body["additionalFlatIds"] = [ids.unit_id(site.units[2])]
    response = api.post("/permits", body)
    assert response.status == 201, response.body
    permit = Permit.objects.get(reference=response.body["_id"])
    assert permit.main_unit == site.units[0]
    assert list(permit.additional_units.all()) == [site.units[2]]


@pytest.mark.parametrize(
    ("change", "status", "message"),
    [
        ({"propertyExternalId": "TWR-NOPE"}, 404, "Property TWR-NOPE not found"),
        ({"flatExternalId": "UNIT-NOPE"}, 404, "Flat UNIT-NOPE not found in TWR-A"),
        ({"additionalFlatExternalIds": ["UNIT-A2", "UNIT-NOPE"]}, 404, "Flat UNIT-NOPE not found in TWR-A"),
        ({"contractorSalesforceId": "a0BNOPE"}, 404, "Contractor a0BNOPE not found"),
        ({"validTill": "2020-01-01T00:00:00.000Z"}, 400, None),
        ({"employees": [{"name": "X", "idNumber": "not an id"}]}, 400, None),
        ({"vehicles": [{"plate": "!!"}]}, 400, None),
    ],
)
def test_the_lean_create_keeps_every_refusal(api, site, change, status, message):
    response = api.post("/permits", {**rich_body(site), **change})
    assert response.status == status, response.body
    if message:
        assert message in response.body["message"]
    assert not Permit.objects.exists() and not AuditEvent.objects.filter(target_type="permit").exists()


def test_a_flat_of_another_property_of_the_community_is_404(api, site):
    other = PropertyFactory(community=site.community, external_id="TWR-OTHER")
    UnitFactory(property=other, external_id="UNIT-X1")
    response = api.post("/permits", rich_body(site, flatExternalId="UNIT-X1"))
    assert response.status == 404
    assert "Flat UNIT-X1 not found in TWR-A" in response.body["message"]


def test_a_noc_refused_after_the_permit_rows_rolls_them_all_back(api, site):
    body = rich_body(site)
    body["noc"]["expiryDate"] = (parse_datetime(body["validFrom"]) - datetime.timedelta(days=1)).date().isoformat()
    response = api.post("/permits", body)
    assert response.status == 400
    assert not Permit.objects.exists() and not Worker.objects.exists() and not NocVersion.objects.exists()
    assert not AuditEvent.objects.filter(target_type="permit").exists()


def test_a_repeated_salesforce_permit_id_is_409_before_any_404(api, site):
    assert api.post("/permits", rich_body(site)).status == 201
    for change in ({}, {"contractorSalesforceId": "a0BNOPE"}, {"propertyExternalId": "TWR-NOPE"}):
        response = api.post("/permits", {**rich_body(site), **change})
        assert response.status == 409, (change, response.body)
    assert Permit.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_locked_permit_holds_back_no_create_in_its_community(site):
    """lock_permit locks the permit row only (FOR NO KEY UPDATE): a create in the same community, which takes
    KEY SHARE on the community, contractor, property and flat rows, does not wait for it."""
    first = ApiClient(site.raw_key).post("/permits", rich_body(site))
    assert first.status == 201, first.body
    locked, release = threading.Event(), threading.Event()

    def hold_the_lock():
        try:
            with transaction.atomic():
                lock_permit(Permit.objects.get(reference=first.body["_id"]))
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    try:
        assert locked.wait(timeout=10)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")  # a wait on the lock would fail the create
        try:
            second = ApiClient(site.raw_key).post("/permits", rich_body(site, salesforcePermitId="a1B5g000000SECOND"))
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = 0")
        assert second.status == 201, second.body
    finally:
        release.set()
        holder.join(timeout=30)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL")
def test_lock_permit_locks_the_permit_row_only(site):
    permit = ApiClient(site.raw_key).post("/permits", rich_body(site)).body["_id"]
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        lock_permit(Permit.objects.get(reference=permit))
    locking = [query["sql"] for query in queries.captured_queries if "FOR " in query["sql"]]
    assert len(locking) == 1 and locking[0].endswith('FOR NO KEY UPDATE OF "permits_permit"'), locking


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL")
def test_an_approval_locks_its_permit_and_its_building_and_nothing_else(site):
    """The clash rules judge a permit against its building's others: approvals there take turns on the
    property row (FOR NO KEY UPDATE, so creates in the building do not wait); no community row is locked."""
    from permits.services import permit_approve
    from tests.factories import permit_in_status

    permit = permit_in_status("submitted")
    with CaptureQueriesContext(connection) as queries:
        permit_approve(actor=Actor.system("test"), permit=permit)
    locking = sorted(
        query["sql"].rsplit(" FOR ", 1)[1] for query in queries.captured_queries if " FOR " in query["sql"]
    )
    assert locking == ['NO KEY UPDATE OF "core_property"', 'NO KEY UPDATE OF "permits_permit"'], locking


def test_held_buzzin_ids_answer_as_read_back_and_flats_without_one_get_the_derived_id(api, site):
    """The cached statement joins each place's Buzz-In link: a held id is answered, a missing link is no query."""
    from portal.integrations.buzzin.models import BuzzinProperty, BuzzinUnit

    BuzzinProperty.objects.create(property=site.property, buzzin_id="b" * 24)
    BuzzinUnit.objects.create(unit=site.units[0], buzzin_id="c" * 24)
    response = api.post("/permits", rich_body(site))
    assert response.status == 201, response.body
    assert (response.body["propertyId"], response.body["flatId"]) == ("b" * 24, "c" * 24)
    permit = Permit.objects.get(reference=response.body["_id"])
    assert response.body == PermitCreatedSerializer(permit_for_answer(permit.pk), context={"request": None}).data


def test_the_contractor_named_by_its_buzzin_id_or_reference_resolves(api, site):
    from tests.factories import set_buzzin_membership

    membership = site.contractor.memberships.get(community=site.community)
    set_buzzin_membership(membership, "approved", buzzin_id="d" * 24)
    for number, wanted in enumerate(("d" * 24, site.contractor.reference)):
        body = rich_body(site, salesforcePermitId=f"a1BBYID{number:011d}", communityContractorId=wanted)
        body.pop("contractorSalesforceId")
        response = api.post("/permits", body)
        assert response.status == 201, response.body
        assert response.body["communityContractorId"] == site.contractor.reference


def test_a_contractor_not_approved_in_the_community_is_404_and_writes_nothing(api, site):
    from contractors.choices import MembershipStatus

    site.contractor.memberships.filter(community=site.community).update(status=MembershipStatus.PENDING)
    response = api.post("/permits", rich_body(site))
    assert response.status == 404, response.body
    assert "is not approved in this community" in response.body["message"]
    assert not Permit.objects.exists()
