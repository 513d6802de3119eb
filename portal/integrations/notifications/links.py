"""Where a notification leads: the contractor's page for company users, the admin page for staff."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from .kinds import ATTENTION, COMPANY, DELIVERIES, MEMBERSHIP, PASS, PERMIT, kind_named


def link_path(kind: str, data: dict, *, staff: bool) -> str:
    """The page a notification opens; the list itself when its target cannot be named any more."""
    try:
        return _LINKS[kind_named(kind).link](data, staff)
    except (KeyError, TypeError, ValueError, NoReverseMatch):
        return reverse("notifications:list")


def absolute(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def _permit(data: dict, staff: bool) -> str:
    if staff:
        return reverse("admin:permits_permit_change", args=[int(data["permit"])])
    return reverse("permits:detail", args=[data["reference"]])


def _pass(data: dict, staff: bool) -> str:
    return _permit(data, staff) if staff else reverse("permits:pass", args=[data["reference"]])


def _company(data: dict, staff: bool) -> str:
    if staff:
        return reverse("admin:contractors_contractor_change", args=[int(data["contractor"])])
    return reverse("permits:company")


def _membership(data: dict, staff: bool) -> str:
    if staff:
        return reverse("admin:contractors_contractormembership_change", args=[int(data["membership"])])
    return reverse("permits:company")


def _deliveries(data: dict, staff: bool) -> str:
    query = {
        "state__exact": "failed",
        "error_kind__exact": "configuration",
        "subscriber__exact": data["subscriber"],
        "community__id__exact": int(data["community"]),
    }
    return f"{reverse('admin:integrations_outbounddelivery_changelist')}?{urlencode(query)}"


def _attention(data: dict, staff: bool) -> str:
    return _permit(data, staff) if "permit" in data else _membership(data, staff)


_LINKS = {
    ATTENTION: _attention,
    PERMIT: _permit,
    PASS: _pass,
    COMPANY: _company,
    MEMBERSHIP: _membership,
    DELIVERIES: _deliveries,
}
