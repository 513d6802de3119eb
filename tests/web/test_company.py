"""The company page: details, standing per community, licence and insurance versions, expiry warnings."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from contractors.models import ContractorDocument
from tests.factories import permit_in_status

from .conftest import Counts, assert_says, exe_as_pdf, pdf_upload, png_upload

pytestmark = pytest.mark.django_db

URL = "permits:company_document_upload"


def _in(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def _licence(number="TL-2", days=400, file=None):
    return {
        "trade_licence-number": number,
        "trade_licence-expiry_date": f"{_in(days):%Y-%m-%d}",
        "trade_licence-file": file or pdf_upload("licence.pdf"),
    }


def test_company_page_shows_details_and_standing(client_a, company_a):
    page = client_a.get(reverse("permits:company"))
    assert_says(page, company_a.company_name)
    assert_says(page, "DAMAC Hills")
    assert_says(page, "Approved")


def test_replacing_the_licence_keeps_the_earlier_version(client_a, company_a):
    client_a.post(reverse(URL, args=["trade_licence"]), _licence("TL-1", 300))
    response = client_a.post(reverse(URL, args=["trade_licence"]), _licence("TL-2", 400, png_upload()), follow=True)
    assert_says(response, "Trade licence uploaded.")
    documents = list(company_a.documents.order_by("uploaded_at", "id"))
    assert [d.number for d in documents] == ["TL-1", "TL-2"]
    company_a.refresh_from_db()
    assert (company_a.trade_licence_number, company_a.trade_licence_expiry) == ("TL-2", _in(400))
    page = response.content.decode()
    for document in documents:
        assert reverse("documents:contractor", args=[document.pk]) in page


def test_insurance_upload(client_a, company_a):
    data = {"insurance-expiry_date": f"{_in(200):%Y-%m-%d}", "insurance-file": pdf_upload("policy.pdf")}
    client_a.post(reverse(URL, args=["insurance"]), data)
    company_a.refresh_from_db()
    assert company_a.insurance_expiry == _in(200)


def test_a_disguised_executable_is_refused_and_the_typed_values_stay(client_a, company_a):
    counts = Counts(ContractorDocument)
    response = client_a.post(reverse(URL, args=["trade_licence"]), _licence("TL-EXE", file=exe_as_pdf()))
    assert_says(response, "Only PDF, PNG and JPEG files are accepted; this file's content is not one of them.")
    assert 'value="TL-EXE"' in response.content.decode()
    assert_says(response, "Choose the file again")
    assert counts.unchanged()


def test_a_file_over_the_limit_is_refused(client_a, settings):
    settings.UPLOAD_MAX_BYTES = 1_048_576
    counts = Counts(ContractorDocument)
    big = pdf_upload(content=b"%PDF-1.4\n" + b"0" * 2_097_143)
    response = client_a.post(reverse(URL, args=["trade_licence"]), _licence(file=big))
    assert_says(response, "The file is 2.0 MB; the limit is 1 MB.")
    assert counts.unchanged()


def test_unknown_kind_is_404(client_a):
    assert client_a.post(reverse(URL, args=["passport"]), {}).status_code == 404


def test_warning_when_a_document_expires_within_30_days(client_a, company_a):
    company_a.insurance_expiry = _in(10)
    company_a.save()
    page = client_a.get(reverse("permits:company"))
    assert_says(page, f"Insurance expires on {_in(10):%d %b %Y}, within 30 days.")


def test_warning_when_a_document_expires_before_a_permit_ends(client_a, company_a, community, prop, units):
    permit = permit_in_status("submitted", community=community, property=prop, main_unit=units[0], contractor=company_a)
    ends = permit.valid_till.astimezone(community.tzinfo).date()
    company_a.trade_licence_expiry = ends - datetime.timedelta(days=1)
    company_a.save()
    page = client_a.get(reverse("permits:company"))
    assert_says(
        page,
        f"The company's trade licence expires on {company_a.trade_licence_expiry:%d %b %Y}, "
        f"before the permit ends on {ends:%d %b %Y}",
    )
    assert_says(page, permit.reference)


def test_the_company_page_is_on_the_clock_of_its_communities(client_a, company_a, community):
    """At 22:00 UTC on 1 August it is still the 1st in Bogotá (the server's Dubai is on the 2nd)."""
    community.time_zone = "America/Bogota"
    community.save()
    moment = datetime.datetime(2026, 8, 1, 22, 0, tzinfo=datetime.UTC)
    company_a.trade_licence_expiry = datetime.date(2026, 8, 1)
    company_a.save()
    ContractorDocument.objects.create(
        contractor=company_a, kind="trade_licence", file="x.pdf", original_name="x.pdf", content_type="", size=1
    )
    ContractorDocument.objects.update(uploaded_at=moment)
    with time_machine.travel(moment, tick=False):
        page = client_a.get(reverse("permits:company"))
    assert_says(page, "Trade licence expires on 01 Aug 2026, within 30 days.")
    assert_says(page, "1 Aug 2026, 17:00")
    assert_says(page, "(America/Bogota)")
