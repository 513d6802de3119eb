"""The NOC: uploaded, replaced (every version kept), and refused with the rule's own sentence."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from permits.models import NocVersion

from .conftest import Counts, assert_says, exe_as_pdf, pdf_upload, png_upload

pytestmark = pytest.mark.django_db

TYPE_REFUSED = "Only PDF, PNG and JPEG files are accepted; this file's content is not one of them."


def _noc(number="NOC-1", expires_in=120, file=None):
    today = timezone.localdate()
    return {
        "noc-noc_number": number,
        "noc-issue_date": f"{today - datetime.timedelta(days=1):%Y-%m-%d}",
        "noc-expiry_date": f"{today + datetime.timedelta(days=expires_in):%Y-%m-%d}",
        "noc-file": file or pdf_upload(),
    }


@pytest.fixture
def draft(permit_a):
    permit_a.noc_versions.all().delete()
    return permit_a


def _upload(client, permit, data):
    return client.post(reverse("permits:noc_upload", args=[permit.reference]), data, follow=True)


def test_upload_then_replace_keeps_both_versions(client_a, draft, user_a):
    response = _upload(client_a, draft, _noc("NOC-1"))
    assert_says(response, "NOC uploaded.")
    response = _upload(client_a, draft, _noc("NOC-2", file=png_upload()))
    versions = list(draft.noc_versions.order_by("version"))
    assert [(v.version, v.noc_number, v.is_current) for v in versions] == [(1, "NOC-1", False), (2, "NOC-2", True)]
    assert versions[1].content_type == "image/png"
    assert versions[0].uploaded_by == user_a
    page = response.content.decode()
    assert "NOC-1" in page and "NOC-2" in page and "Replaced" in page
    for version in versions:
        assert reverse("documents:noc", args=[version.pk]) in page
    assert "Replace the NOC" in page


def test_noc_expiring_before_the_permit_ends_is_refused(client_a, draft):
    counts = Counts(NocVersion)
    tz = draft.community.tzinfo
    ends = draft.valid_till.astimezone(tz).date()
    expiry = ends - datetime.timedelta(days=1)
    data = _noc("NOC-SHORT")
    data["noc-expiry_date"] = f"{expiry:%Y-%m-%d}"
    response = _upload(client_a, draft, data)
    assert_says(response, f"The NOC expires on {expiry:%d %b %Y}, before the permit ends on {ends:%d %b %Y}.")
    assert_says(response, "Choose the file again")
    assert 'value="NOC-SHORT"' in response.content.decode()
    assert counts.unchanged()


def test_expiry_before_issue_is_refused(client_a, draft):
    counts = Counts(NocVersion)
    data = _noc()
    data["noc-issue_date"] = f"{timezone.localdate() + datetime.timedelta(days=200):%Y-%m-%d}"
    response = _upload(client_a, draft, data)
    assert_says(response, "The NOC's expiry date is before its issue date.")
    assert counts.unchanged()


def test_an_executable_named_pdf_is_refused(client_a, draft):
    counts = Counts(NocVersion)
    response = _upload(client_a, draft, _noc(file=exe_as_pdf()))
    assert_says(response, TYPE_REFUSED)
    assert counts.unchanged()


def test_a_file_over_the_limit_is_refused(client_a, draft, settings):
    settings.UPLOAD_MAX_BYTES = 1_048_576
    counts = Counts(NocVersion)
    big = pdf_upload(content=b"%PDF-1.4\n" + b"0" * 1_572_855)
    response = _upload(client_a, draft, _noc(file=big))
    assert_says(response, "The file is 1.5 MB; the limit is 1 MB.")
    assert counts.unchanged()


def test_no_file_is_asked_for(client_a, draft):
    data = _noc()
    del data["noc-file"]
    response = _upload(client_a, draft, data)
    assert_says(response, "This field is required.")
    assert not draft.noc_versions.exists()
