"""``publicUrl`` of stored documents: the portal's access-checked download URL, or the link the client gave."""

from __future__ import annotations

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from contractors.choices import DocumentKind
from contractors.models import Contractor
from permits.models import NocVersion


def _absolute(request, path: str) -> str:
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.SITE_URL.rstrip("/") + path


def _download_path(name: str, pk: int, fallback: str) -> str:
    try:
        return reverse(f"documents:{name}", args=[pk])
    except NoReverseMatch:  # the downloads are mounted by the permits app
        return fallback


def noc_public_url(noc: NocVersion, request=None) -> str:
    if noc.document_url:
        return noc.document_url
    return _absolute(request, _download_path("noc", noc.pk, f"/documents/noc/{noc.pk}/"))


def contractor_document_url(contractor: Contractor, kind: DocumentKind, request=None) -> str | None:
    document = contractor.documents.filter(kind=kind).order_by("-uploaded_at", "-id").first()
    if document is None:
        return None
    return _absolute(request, _download_path("contractor", document.pk, f"/documents/contractor/{document.pk}/"))
