"""Bad input on every contractor form and upload: never a 500, nothing stored from a refused request,
and a stored file never carries the uploaded name.

Hypothesis draws field values (text, 100 KB strings, broken UTF-8, numbers, repeated values) and
files (empty, PDF, executable, oversize; names with path traversal, NUL, broken UTF-8); multipart
bodies are built by hand so that file names can be any bytes.
"""

from __future__ import annotations

import datetime
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from contractors.models import Contractor, ContractorDocument, ContractorUser
from permits.models import NocVersion, Permit, Vehicle, Worker
from portal.core.models import AuditEvent
from portal.integrations.models import InboundEvent
from tests.factories import PDF_BYTES, PNG_BYTES

from .conftest import client_for

pytestmark = pytest.mark.django_db

FUZZ = hsettings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)
UPLOAD_LIMIT = 4096
COUNTED = (
    Permit,
    NocVersion,
    ContractorDocument,
    Worker,
    Vehicle,
    InboundEvent,
    AuditEvent,
    Contractor,
    ContractorUser,
)

NASTY_NAMES = [
    b"../../etc/passwd.pdf",
    b"..\\..\\x.pdf",
    b"a\x00b.pdf",
    b"noc.pdf\x00.exe",
    b"/etc/passwd",
    b"C:\\Windows\\system32\\x.pdf",
    b"\xff\xfe\xfa.pdf",
    b"\xc3\x28bad-utf8.pdf",
    b"%2e%2e%2fescape.pdf",
    b"" + b"A" * 1000 + b".pdf",
    b"",
    b".pdf",
    b"CON.pdf",
    b'quote".pdf',
    b"line\r\nbreak.pdf",
]
CONTENTS = {
    "empty": b"",
    "pdf": PDF_BYTES,
    "png": PNG_BYTES,
    "exe": b"MZ\x90\x00" + bytes(256),
    "html": b"<html><script>alert(1)</script></html>",
    "oversize-pdf": PDF_BYTES + b"0" * (UPLOAD_LIMIT + 10),
}

values = st.one_of(
    st.text(max_size=60),
    st.just("x" * 100_000),
    st.binary(max_size=40).map(lambda b: b"\xff\xfe" + b),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.sampled_from(["", " ", "\x00", "null", "[]", "{}", "2026-02-30", "9999-12-31T25:61", "-1", "1e309", "NaN"]),
    st.lists(st.text(max_size=10), min_size=2, max_size=3),
)
files = st.tuples(st.sampled_from(NASTY_NAMES), st.sampled_from(sorted(CONTENTS)))


def multipart(fields: dict, file_field: str | None = None, upload: tuple[bytes, bytes] | None = None):
    """A multipart/form-data body of any bytes (the test client would re-encode names and values)."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            raw = item if isinstance(item, bytes) else str(item).encode("utf-8", "surrogatepass")
            parts.append(b'Content-Disposition: form-data; name="' + name.encode() + b'"\r\n\r\n' + raw)
    if file_field and upload:
        filename, content = upload
        head = b'Content-Disposition: form-data; name="' + file_field.encode() + b'"; filename="' + filename + b'"'
        parts.append(head + b"\r\nContent-Type: application/pdf\r\n\r\n" + content)
    body = b"".join(b"--" + boundary.encode() + b"\r\n" + part + b"\r\n" for part in parts)
    body += b"--" + boundary.encode() + b"--\r\n"
    return body, f"multipart/form-data; boundary={boundary}"


def counts():
    return {model.__name__: model.objects.count() for model in COUNTED}


def media_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def stored_names_are_generated(upload_name: bytes) -> None:
    """No stored file's name contains (any readable part of) the uploaded name; its extension is the detected
    type's, so only the uploaded base name is looked for."""
    readable = upload_name.decode("utf-8", "ignore").replace("\x00", "")
    stem = Path(readable.replace("\\", "/")).name.rsplit(".", 1)[0]
    for document in [*ContractorDocument.objects.all(), *NocVersion.objects.exclude(file="")]:
        stored = document.file.name
        assert ".." not in stored and "\x00" not in stored and not stored.startswith("/")
        if len(stem) >= 4:
            assert stem not in stored, (stem, stored)


@pytest.fixture
def upload_limit(settings):
    settings.UPLOAD_MAX_BYTES = UPLOAD_LIMIT


@pytest.fixture
def site(world, upload_limit):
    a = world.a
    return {
        "world": world,
        "client": client_for(a.contractor_user),
        "draft": a.permits["draft"],
        "approved": a.permits["approved"],
        "property": a.property,
        "community": a.community,
    }


def send(client, url: str, fields: dict, file_field: str | None = None, upload=None):
    body, content_type = multipart(fields, file_field, upload)
    return client.generic("POST", url, body, content_type=content_type)


def check(response, before: dict, media_before: set[str], upload_name: bytes | None = None):
    """Never a 500; a refusal (anything but a redirect after success) stores nothing."""
    assert response.status_code < 500, response.status_code
    if response.status_code in (301, 302, 303):
        if upload_name is not None:
            stored_names_are_generated(upload_name)
        return
    assert counts() == before
    assert media_files() == media_before


def _tomorrow(days=1) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


@FUZZ
@given(fields=st.fixed_dictionaries({}, optional={k: values for k in ("noc_number", "issue_date", "expiry_date")}))
def test_noc_upload_fields(site, fields):
    data = {f"noc-{key}": value for key, value in fields.items()}
    before, media = counts(), media_files()
    name = b"evil-noc-name.pdf"
    response = send(site["client"], f"/permits/{site['draft'].reference}/noc/", data, "noc-file", (name, PDF_BYTES))
    check(response, before, media, name)


@FUZZ
@given(upload=files, dated=st.booleans())
def test_noc_upload_files(site, upload, dated):
    name, key = upload
    data = {"noc-noc_number": "NOC-FUZZ", "noc-issue_date": _tomorrow(-3), "noc-expiry_date": _tomorrow(400)}
    if not dated:
        data["noc-expiry_date"] = "not a date"
    before, media = counts(), media_files()
    url = f"/permits/{site['draft'].reference}/noc/"
    response = send(site["client"], url, data, "noc-file", (name, CONTENTS[key]))
    check(response, before, media, name)
    if key in ("empty", "exe", "html", "oversize-pdf") or not dated:
        assert response.status_code in (200, 400)  # refused: the form shown again, or an unreadable body


@FUZZ
@given(upload=files, kind=st.sampled_from(["trade_licence", "insurance", "../x", "%00", "trade_licence\x00"]))
def test_company_document_upload(site, upload, kind):
    name, key = upload
    prefix = kind
    data = {f"{prefix}-number": "TL-FUZZ", f"{prefix}-expiry_date": _tomorrow(500)}
    before, media = counts(), media_files()
    from urllib.parse import quote

    url = f"/company/documents/{quote(kind, safe='')}/"
    response = send(site["client"], url, data, f"{prefix}-file", (name, CONTENTS[key]))
    check(response, before, media, name)


@FUZZ
@given(fields=st.fixed_dictionaries({}, optional={k: values for k in ("number", "expiry_date")}), upload=files)
def test_company_document_fields(site, fields, upload):
    data = {f"trade_licence-{key}": value for key, value in fields.items()}
    before, media = counts(), media_files()
    name, key = upload
    response = send(
        site["client"], "/company/documents/trade_licence/", data, "trade_licence-file", (name, CONTENTS[key])
    )
    check(response, before, media, name)


PERMIT_FIELDS = (
    "main_unit",
    "additional_units",
    "permit_type",
    "valid_from",
    "valid_till",
    "time_in",
    "time_out",
    "representative_name",
    "representative_contact",
    "jobs_summary",
)


@FUZZ
@given(fields=st.fixed_dictionaries({}, optional={k: values for k in PERMIT_FIELDS}))
def test_permit_create(site, fields):
    before, media = counts(), media_files()
    response = send(site["client"], f"/permits/new/?property={site['property'].pk}", fields)
    check(response, before, media)


@FUZZ
@given(fields=st.fixed_dictionaries({}, optional={k: values for k in PERMIT_FIELDS}), prop=values)
def test_permit_create_property_choice(site, fields, prop):
    before, media = counts(), media_files()
    client = site["client"]
    response = client.get("/permits/new/", {"property": prop if isinstance(prop, str | list) else ""})
    assert response.status_code < 500
    response = send(client, "/permits/new/?property=" + (prop if isinstance(prop, str) else "1"), fields)
    check(response, before, media)


@FUZZ
@given(fields=st.fixed_dictionaries({}, optional={k: values for k in PERMIT_FIELDS}))
def test_permit_edit(site, fields):
    before, media = counts(), media_files()
    response = send(site["client"], f"/permits/{site['draft'].reference}/edit/", fields)
    check(response, before, media)


@FUZZ
@given(fields=st.fixed_dictionaries({}, optional={k: values for k in ("name", "id_number", "phone")}))
def test_worker_add(site, fields):
    before, media = counts(), media_files()
    data = {f"worker-{key}": value for key, value in fields.items()}
    response = send(site["client"], f"/permits/{site['draft'].reference}/workers/add/", data)
    check(response, before, media)


@FUZZ
@given(plate=values, vehicle_index=st.integers(min_value=0, max_value=1))
def test_vehicle_add_and_change(site, plate, vehicle_index):
    before, media = counts(), media_files()
    draft = site["draft"]
    response = send(site["client"], f"/permits/{draft.reference}/vehicles/add/", {"vehicle-plate": plate})
    check(response, before, media)
    vehicle = draft.vehicles.filter(removed_at__isnull=True).first()
    if vehicle is not None:
        before = counts()
        url = f"/permits/{draft.reference}/vehicles/{vehicle.pk}/plate/"
        check(send(site["client"], url, {f"plate-{vehicle.pk}-plate": plate}), before, media)


@FUZZ
@given(fields=st.fixed_dictionaries({}, optional={k: values for k in ("valid_till", "note")}))
def test_extension_request(site, fields):
    before, media = counts(), media_files()
    response = send(site["client"], f"/permits/{site['approved'].reference}/extension/", fields)
    check(response, before, media)


@FUZZ
@given(fields=st.fixed_dictionaries({}, optional={k: values for k in ("reason",)}))
def test_cancel(site, fields):
    before, media = counts(), media_files()
    data = {f"cancel-{key}": value for key, value in fields.items()}
    response = send(site["client"], f"/permits/{site['approved'].reference}/cancel/", data)
    check(response, before, media)


REGISTER_FIELDS = (
    "company_name",
    "contact_name",
    "company_email",
    "phone",
    "trade_licence_number",
    "community",
    "email",
    "password1",
    "password2",
)


@FUZZ
@given(fields=st.fixed_dictionaries({}, optional={k: values for k in REGISTER_FIELDS}))
def test_register(site, fields):
    before, media = counts(), media_files()
    response = send(client_for(), "/accounts/register/", fields)
    check(response, before, media)


@FUZZ
@given(fields=st.fixed_dictionaries({}, optional={k: values for k in ("username", "password")}))
def test_login(site, fields):
    response = send(client_for(), "/accounts/login/", fields)
    assert response.status_code < 500


@pytest.mark.parametrize("name", NASTY_NAMES)
@pytest.mark.parametrize("key", ["pdf", "png"])
def test_accepted_upload_has_a_generated_name(site, name, key):
    """The same nasty names on a valid document: stored under a generated name, downloadable as a file."""
    before, media = counts(), media_files()
    data = {"noc-noc_number": "NOC-OK", "noc-issue_date": _tomorrow(-3), "noc-expiry_date": _tomorrow(400)}
    url = f"/permits/{site['draft'].reference}/noc/"
    response = send(site["client"], url, data, "noc-file", (name, CONTENTS[key]))
    check(response, before, media, name)
    assert response.status_code in (200, 302, 400)  # 400: Django refuses a multipart header over 1 KB
    if name == b"../../etc/passwd.pdf":
        assert response.status_code == 302, "a valid document under a hostile name is stored (renamed)"
    if response.status_code == 302:
        noc = NocVersion.objects.filter(permit=site["draft"]).order_by("-version").first()
        assert noc.file.name.startswith(f"nocs/{site['draft'].pk}/")
        download = site["client"].get(f"/documents/noc/{noc.pk}/")
        assert download.status_code == 200
        disposition = download["Content-Disposition"]
        assert "\n" not in disposition and "\r" not in disposition and "/" not in disposition.split("filename")[-1]


def test_non_multipart_and_broken_bodies(site):
    """Posts that are not forms at all."""
    client = site["client"]
    before, media = counts(), media_files()
    url = f"/permits/{site['draft'].reference}/noc/"
    for body, content_type in [
        (b"\xff\xfe\x00garbage", "multipart/form-data; boundary=zzz"),
        (
            b'--zzz\r\nContent-Disposition: form-data; name="noc-file"; filename="a.pdf"\r\n',
            "multipart/form-data; boundary=zzz",
        ),
        (b"not a form", "multipart/form-data"),
        (b"a=%ff%fe&b=%00", "application/x-www-form-urlencoded"),
        (b'{"noc-noc_number": 1}', "application/json"),
        (b"x" * 200_000, "text/plain"),
    ]:
        response = client.generic("POST", url, body, content_type=content_type)
        assert response.status_code < 500, (body[:40], response.status_code)
    assert counts() == before and media_files() == media
