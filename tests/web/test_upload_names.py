"""A stored and downloaded document's name ends with the extension of its detected type, never the uploader's."""

from __future__ import annotations

import pytest
from django.urls import reverse

from contractors.models import ContractorDocument
from permits.models import NocVersion
from tests.factories import PNG_BYTES, NocVersionFactory

from .conftest import pdf_upload
from .test_company import URL as COMPANY_DOCUMENT_URL
from .test_company import _licence
from .test_noc import _noc, _upload

pytestmark = pytest.mark.django_db


def content_disposition(response) -> str:
    assert response.status_code == 200
    return response["Content-Disposition"]


def test_a_pdf_named_html_is_stored_and_downloaded_as_pdf(client_a, permit_a):
    permit_a.noc_versions.all().delete()

    _upload(client_a, permit_a, _noc("NOC-POLY", file=pdf_upload("poly.html")))

    noc = NocVersion.objects.get(permit=permit_a)
    assert noc.original_name == "poly.pdf"
    assert noc.file.name.endswith(".pdf") and ".html" not in noc.file.name
    download = client_a.get(reverse("documents:noc", args=[noc.pk]))
    assert content_disposition(download) == 'attachment; filename="poly.pdf"'
    assert download["Content-Type"] == "application/pdf"


def test_a_png_named_exe_is_a_png(client_a, company_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    file = SimpleUploadedFile("licence.exe", PNG_BYTES, content_type="application/x-msdownload")
    client_a.post(reverse(COMPANY_DOCUMENT_URL, args=["trade_licence"]), _licence("TL-9", 400, file))

    document = ContractorDocument.objects.get(contractor=company_a)
    assert document.original_name == "licence.png"
    assert document.file.name.endswith(".png")
    download = client_a.get(reverse("documents:contractor", args=[document.pk]))
    assert content_disposition(download) == 'attachment; filename="licence.png"'


def test_a_version_stored_under_its_uploaders_name_is_downloaded_under_the_detected_type(client_a, permit_a):
    permit_a.noc_versions.all().delete()
    noc = NocVersionFactory(permit=permit_a, original_name="poly.html", content_type="application/pdf")

    download = client_a.get(reverse("documents:noc", args=[noc.pk]))

    assert content_disposition(download) == 'attachment; filename="poly.pdf"'


def test_the_admin_links_the_document_under_its_safe_name(client, permit_a):
    from tests.factories import UserFactory

    permit_a.noc_versions.all().delete()
    NocVersionFactory(permit=permit_a, original_name="poly.html", content_type="application/pdf")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    page = client.get(reverse("admin:permits_permit_change", args=[permit_a.pk])).content.decode()

    assert "poly.pdf" in page and "poly.html" not in page


@pytest.mark.parametrize(
    ("uploaded", "content_type", "expected"),
    [
        ("poly.html", "application/pdf", "poly.pdf"),
        ("scan.PDF", "image/png", "scan.png"),
        ("photo.jpeg", "image/jpeg", "photo.jpg"),
        ("evil.html.pdf", "application/pdf", "evil-html.pdf"),
        ("../../etc/passwd", "application/pdf", "passwd.pdf"),
        ("C:\\Users\\x\\Trade Licence 2026.pdf", "application/pdf", "Trade-Licence-2026.pdf"),
        ('a"b;c\r\nd.pdf', "application/pdf", "a-b-c-d.pdf"),
        ("رخصة تجارية.pdf", "application/pdf", "رخصة-تجارية.pdf"),
        (".htaccess", "image/png", "document.png"),
        ("", "application/pdf", "document.pdf"),
        ("...", "application/pdf", "document.pdf"),
        ("x" * 300 + ".pdf", "application/pdf", "x" * 100 + ".pdf"),
        ("noc.pdf", "text/html", "noc"),
    ],
)
def test_safe_file_name(uploaded, content_type, expected):
    from portal.core.uploads import safe_file_name

    assert safe_file_name(uploaded, content_type) == expected
