"""Tenant isolation, URL by URL: every pattern of the project is walked and classified.

- An **object URL** (a pattern with path converters or regex groups) must have an entry in
  ``registry()``: how to fill its converters with an object of community B / company B. Then a
  property manager of A (with the group's grants, and with every permission of the project's apps),
  a contractor user of company A and an API key of A each ask for it with GET, POST (and PATCH under
  /api/): each is refused (404/403, 401/405, or sent to sign in / to their own home page when the URL
  is not theirs at all), no refusal shows anything of B, and nothing of B changes.
- Patterns that name no tenant object are in ``ALLOW_LIST``, each with its reason.
- Every other pattern is a **list/other URL**: fetched by every role, its body must not contain any of
  B's unique strings; the admin changelists are also searched and filtered for B, and their actions,
  add forms and bulk buttons are posted with B's ids, changing nothing of B.

A new pattern without a registry entry fails ``test_every_pattern_is_classified`` by name.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlparse

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

from permits.models import Permit, PermitDecision
from portal.core.models import PublicHoliday
from portal.integrations.buzzin.models import BuzzinCommunity, BuzzinProperty, BuzzinUnit
from portal.integrations.buzzin.records import contractor_buzzin_id, permit_buzzin_id
from portal.integrations.notifications.models import Notification
from tests.factories import PDF_BYTES

from .conftest import World, b_fingerprint, client_for, diff

pytestmark = pytest.mark.django_db


# --- walking the URLconf ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    route: str  # the full pattern, e.g. "permits/<str:reference>/edit/"
    name: str | None  # namespaced, e.g. "permits:edit"
    params: tuple[str, ...]
    callback: Callable

    @property
    def key(self) -> str:
        return self.name or self.route

    @property
    def is_object_url(self) -> bool:
        return bool(self.params)


def _params(pattern) -> list[str]:
    if isinstance(pattern, RoutePattern):
        return list(pattern.converters)
    if isinstance(pattern, RegexPattern):
        return list(pattern.regex.groupindex)
    return []


def walk(patterns=None, prefix: str = "", namespace: str = "", params: tuple = ()) -> list[Route]:
    patterns = get_resolver().url_patterns if patterns is None else patterns
    routes = []
    for entry in patterns:
        here = (*params, *_params(entry.pattern))
        if isinstance(entry, URLResolver):
            inner = namespace + (f"{entry.namespace}:" if entry.namespace else "")
            routes += walk(entry.url_patterns, prefix + str(entry.pattern), inner, here)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else None
            routes.append(Route(prefix + str(entry.pattern), name, here, entry.callback))
    return routes


def build_url(route: str, kwargs: dict | None = None) -> str:
    kwargs = kwargs or {}
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: quote(str(kwargs[m.group(1)]), safe=""), route)
    return "/" + path.replace("^", "").replace("$", "")


# --- what is not a tenant object ---------------------------------------------------------------------

ALLOW_LIST = {
    "password_reset_confirm": "a password-reset link: a signed one-time token for one user, no tenant object",
    "admin:app_list": "the admin's per-app index: <app_label> names an application, not a row",
    "admin/(?P<url>.*)$": "the admin's catch-all: redirects unknown admin paths, reads no row",
    "permits:company_document_upload": "<kind> is trade_licence or insurance of the signed-in company itself: "
    "no other company can be named (fuzzed in test_fuzz_forms)",
    "permits:calendar_ics": "a private feed URL: its secret token is the credential (as a password-reset link), "
    "it names its owner's own feed and nothing else; a wrong, rotated or revoked token is a 404 (tests/calendar)",
}


# --- the registry: a foreign object for every object URL ------------------------------------------


def _admin_objects(w: World) -> dict[str, list]:
    """For each admin-registered model, rows a manager of A must not reach (B's, or operator-only rows)."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django_celery_beat.models import (
        ClockedSchedule,
        CrontabSchedule,
        IntervalSchedule,
        PeriodicTask,
        SolarSchedule,
    )

    b = w.b
    axes_row = {"user_agent": "ua", "ip_address": "10.0.0.9", "username": b.manager.username}
    axes_row |= {"http_accept": "*/*", "path_info": "/admin/login/"}
    interval = IntervalSchedule.objects.create(every=17, period="minutes")
    return {
        "auth.group": [Group.objects.get(name="operator")],
        "auth.user": [b.manager, b.contractor_user],
        "django_celery_beat.periodictask": [
            PeriodicTask.objects.create(name="Bravo job", task="permits.expire_due", interval=interval)
        ],
        "django_celery_beat.clockedschedule": [
            ClockedSchedule.objects.create(clocked_time=b.permits["draft"].valid_from)
        ],
        "django_celery_beat.crontabschedule": [CrontabSchedule.objects.create(minute="7", hour="3")],
        "django_celery_beat.solarschedule": [SolarSchedule.objects.create(event="sunrise", latitude=25, longitude=55)],
        "django_celery_beat.intervalschedule": [interval],
        "axes.accessattempt": [
            AccessAttempt.objects.create(get_data="", post_data="", failures_since_start=1, **axes_row)
        ],
        "axes.accesslog": [AccessLog.objects.create(**axes_row)],
        "axes.accessfailurelog": [AccessFailureLog.objects.create(**axes_row)],
        "core.community": [b.community],
        "core.property": [b.property],
        "core.unit": [b.units[0]],
        "core.staffmembership": [b.staff_membership],
        "core.auditevent": [b.audit],
        "contractors.contractor": [b.contractor, b.api_permit.contractor],
        "contractors.contractormembership": [b.membership],
        "permits.permit": [b.permits["submitted"], b.permits["active"], b.api_permit],
        "permits.gatescan": [b.scan],
        "permits.clashsettings": [_clash_settings(b)],
        "integrations.outbounddelivery": [b.failed_delivery],
        "integrations.buzzincommunity": [BuzzinCommunity.objects.get(community=b.community)],
        "integrations.buzzinproperty": [BuzzinProperty.objects.get(property=b.property)],
        "integrations.buzzinunit": [BuzzinUnit.objects.get(unit=b.units[0])],
        "integrations.drift": [b.drift],
        "integrations.inboundevent": [b.inbound],
        "core.apikey": [b.api_key],
        "core.publicholiday": [PublicHoliday.objects.create(community=b.community, date=datetime.date(2026, 12, 2))],
        "permits.permitdecision": [_wait_of(b.permits["submitted"])],
    }


def _clash_settings(b):
    from permits.models import ClashSettings

    settings, _ = ClashSettings.objects.get_or_create(community=b.community)
    settings.capacities.get_or_create(property=b.property, permit_type="fit_out", defaults={"max_per_day": 2})
    settings.exclusive_pairs.get_or_create(first_type="fit_out", second_type="fit_out")
    return settings


def _wait_of(permit):
    """A waiting decision of B's (a closed one would do as well: the admin lists both)."""
    moment = permit.valid_from
    return PermitDecision.objects.create(
        permit=permit, community=permit.community, stage="permit", started_at=moment, due_at=moment, remind_at=moment
    )


ADMIN_OBJECT_ROUTES = ("history", "delete", "change")
# Custom admin views on one object, by URL name, and the model whose rows they take.
ADMIN_CUSTOM_OBJECT_VIEWS = {
    **{f"admin:permits_permit_{slug}": "permits.permit" for slug in ("approve", "reject", "request_changes")},
    **{f"admin:permits_permit_{slug}": "permits.permit" for slug in ("extend", "revoke", "reissue")},
    "admin:permits_permit_approve_over_capacity": "permits.permit",
    "admin:permits_permit_extension_approve": "permits.permit",
    "admin:permits_permit_extension_decline": "permits.permit",
    "admin:contractors_contractor_contact": "contractors.contractor",
    "admin:contractors_contractormembership_approve": "contractors.contractormembership",
    "admin:contractors_contractormembership_revoke": "contractors.contractormembership",
    "admin:integrations_outbounddelivery_retry": "integrations.outbounddelivery",
    "admin:integrations_drift_repair": "integrations.drift",
}


def registry(w: World) -> dict[str, list[dict]]:
    """Pattern key (URL name, or the route of an unnamed pattern) -> kwargs of B's objects."""
    b, a = w.b, w.a
    entries: dict[str, list[dict]] = {}
    objects = _admin_objects(w)
    for model in admin.site._registry:
        label, info = model._meta.label_lower, (model._meta.app_label, model._meta.model_name)
        if label not in objects:
            continue  # an admin without rows here: its routes stay unregistered and fail the walk
        kwargs = [{"object_id": obj.pk} for obj in objects[label]]
        for suffix in ADMIN_OBJECT_ROUTES:
            entries[f"admin:{info[0]}_{info[1]}_{suffix}"] = kwargs
        entries[f"admin/{info[0]}/{info[1]}/<path:object_id>/"] = kwargs
    for name, label in ADMIN_CUSTOM_OBJECT_VIEWS.items():
        entries[name] = [{"object_id": obj.pk} for obj in objects[label]]
    entries["admin:auth_user_password_change"] = [{"id": user.pk} for user in objects["auth.user"]]
    entries["admin:view_on_site"] = [
        {"content_type_id": ContentType.objects.get_for_model(obj).pk, "object_id": obj.pk}
        for obj in (b.permits["active"], b.contractor, b.documents[0], b.nocs[0])
    ]

    b_permits = [b.permits[s] for s in ("draft", "submitted", "approved", "active")] + [b.api_permit]
    by_reference = [{"reference": p.reference} for p in b_permits]
    for name in ("detail", "edit", "submit", "cancel", "extension", "pass", "worker_add", "vehicle_add", "noc_upload"):
        entries[f"permits:{name}"] = by_reference
    draft_b, draft_a = b.permits["draft"].reference, a.permits["draft"].reference
    worker, vehicle = b.workers[0].pk, b.vehicles[0].pk
    entries["permits:worker_remove"] = [{"reference": draft_b, "pk": worker}, {"reference": draft_a, "pk": worker}]
    for name in ("vehicle_plate", "vehicle_remove"):
        entries[f"permits:{name}"] = [{"reference": draft_b, "pk": vehicle}, {"reference": draft_a, "pk": vehicle}]
    entries["documents:noc"] = [{"pk": noc.pk} for noc in b.nocs[:2]] + [
        {"pk": noc.pk} for noc in b.api_permit.noc_versions.all()
    ]
    entries["documents:noc_preview"] = entries["documents:noc"]
    entries["documents:contractor"] = [{"pk": document.pk} for document in b.documents]
    entries["documents:qr"] = [{"reference": b.permits["active"].reference}]

    permit_ids = [b.permits["active"].reference, permit_buzzin_id(b.permits["active"]), b.api_permit.crm_reference]
    permit_ids += [b.permits["draft"].reference, b.api_permit.reference]
    entries["api:permit"] = [{"id": value} for value in permit_ids]
    entries["api:pass"] = [{"id": value} for value in permit_ids]
    contractor_ids = [b.contractor.reference, b.contractor.crm_reference, contractor_buzzin_id(b.contractor.pk)]
    contractor_ids += [b.api_contractor["_id"]]
    entries["api:contractor"] = [{"id": value} for value in contractor_ids]
    b_people = [b.manager, b.contractor_user]
    entries["notifications:open"] = [
        {"pk": pk} for pk in Notification.objects.filter(recipient__in=b_people).values_list("pk", flat=True)
    ]
    return entries


# --- roles and what counts as refused ------------------------------------------------------------

SAFE_LANDINGS = {"/admin/login/", "/accounts/login/", "/admin/"}


@dataclass
class Role:
    name: str
    client: object
    own: Callable[[str], bool]  # URLs this role uses itself: there it must be refused outright


def roles(w: World) -> list[Role]:
    staff_area = lambda url: url.startswith(("/admin/", "/documents/"))  # noqa: E731
    return [
        Role("manager A", client_for(w.a.manager), staff_area),
        Role("manager A with every permission", client_for(w.manager_plus), staff_area),
        Role(
            "contractor user A", client_for(w.a.contractor_user), lambda url: not url.startswith(("/admin/", "/api/"))
        ),
        Role(
            "API key A",
            client_for(HTTP_AUTHORIZATION=f"Bearer {w.a.raw_key}"),
            lambda url: url.startswith("/api/"),
        ),
    ]


def refusal_problem(role: Role, url: str, response) -> str | None:
    """None when ``response`` refuses ``role`` the object at ``url``; else what is wrong."""
    status = response.status_code
    if status >= 500:
        return f"answered {status}"
    if status in (401, 403, 404, 405):
        return None
    if status in (301, 302, 303, 307, 308):
        target = urlparse(response["Location"]).path
        if not role.own(url) and target in SAFE_LANDINGS:
            return None
        return f"redirected to {response['Location']}"
    return f"answered {status}"


def leaked(response, markers: list[str], url: str) -> list[str]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8", "replace")
    return [marker for marker in markers if marker in text and marker not in url]


def post_data(kwargs: dict) -> dict:
    """A payload that would succeed if the view let the request through (every form's field names)."""
    data = {
        "reason": "Hijacked by A",
        "note": "Hijacked by A",
        "valid_till": "2031-01-01T10:00",
        "post": "yes",
        "apply": "1",
        "worker-name": "Hijacker",
        "worker-id_number": "784-0000-0000000-0",
        "vehicle-plate": "HIJACK1",
        "cancel-reason": "Hijacked",
        "noc-noc_number": "NOC-HIJACK",
        "noc-issue_date": "2026-01-01",
        "noc-expiry_date": "2032-01-01",
        "noc-file": SimpleUploadedFile("noc.pdf", PDF_BYTES, content_type="application/pdf"),
        "jobs_summary": "Hijacked",
        "contact_name": "Hijacker",
        "email": "hijacker@example.com",
        "phone": "+971505550001",
    }
    if "pk" in kwargs:
        data[f"plate-{kwargs['pk']}-plate"] = "HIJACK2"
    return data


PATCH_BODIES = {
    "api:permit": {"jobsSummary": "Hijacked by A"},
    "api:pass": {"action": "revoke", "reason": "Hijacked by A"},
    "api:contractor": {"action": "revoke", "reason": "Hijacked by A"},
}


def _is_admin_redirect(route: Route, url: str, response) -> bool:
    """The admin's bare ``<object_id>/`` sends to ``…/change/`` of the same id, whoever asks."""
    return route.name is None and route.route.startswith("admin/") and response.get("Location") == f"{url}change/"


def ask(role: Role, route: Route, url: str, method: str, kwargs: dict):
    if method == "GET":
        response = role.client.get(url)
    elif method == "PATCH":
        body = json.dumps(PATCH_BODIES.get(route.key, {"action": "revoke"}))
        response = role.client.patch(url, body, content_type="application/json")
    else:
        response = role.client.post(url, post_data(kwargs))
    if _is_admin_redirect(route, url, response):
        url = f"{url}change/"
        response = role.client.get(url) if method == "GET" else role.client.post(url, post_data(kwargs))
    return url, response


# --- the tests ------------------------------------------------------------------------------------


def test_every_pattern_is_classified(world):
    entries = registry(world)
    routes = walk()
    missing = [r.route for r in routes if r.is_object_url and r.key not in entries and r.key not in ALLOW_LIST]
    assert not missing, "object URL patterns without an isolation registry entry (add one, or allow-list it "
    "with a reason): " + ", ".join(missing)
    known = {r.key for r in routes}
    stale = sorted((set(entries) | set(ALLOW_LIST)) - known)
    assert not stale, f"registry or allow-list entries matching no URL pattern: {stale}"
    assert all(kwargs for kwargs in entries.values()), "a registry entry without a foreign object"


def test_object_urls_refuse_other_tenants(world):
    entries = registry(world)
    routes = [r for r in walk() if r.is_object_url and r.key not in ALLOW_LIST]
    problems, walked, every_role = [], 0, roles(world)
    baseline = b_fingerprint(world)
    for route in routes:
        for kwargs in entries.get(route.key, []):
            url = build_url(route.route, kwargs)
            walked += 1
            for role in every_role:
                methods = ["GET", "POST"] + (["PATCH"] if url.startswith("/api/") else [])
                for method in methods:
                    final_url, response = ask(role, route, url, method, kwargs)
                    problem = refusal_problem(role, final_url, response)
                    if problem:
                        problems.append(f"{role.name} {method} {final_url} ({route.key}): {problem}")
                    shown = leaked(response, world.b_markers, final_url)
                    if shown:
                        problems.append(f"{role.name} {method} {final_url} ({route.key}) shows B's {shown}")
                    if method != "GET":
                        now = b_fingerprint(world)
                        if now != baseline:
                            problems.append(f"{role.name} {method} {url} ({route.key}) changed {diff(baseline, now)}")
                            baseline = now
    assert walked >= len(routes)
    assert not problems, "\n".join(problems)


def list_routes() -> list[Route]:
    return [r for r in walk() if not r.is_object_url]


def extra_list_urls(w: World) -> list[str]:
    """Changelists searched and filtered for B, B-sized autocomplete and export queries."""
    b = w.b
    urls = []
    for model in admin.site._registry:
        changelist = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        for term in (b.permits["active"].reference, "Bravo", b.contractor.reference, "BRV"):
            urls.append(f"{changelist}?{urlencode({'q': term})}")
        urls.append(f"{changelist}?{urlencode({'community__id__exact': b.community.pk})}")
        urls.append(f"{changelist}?{urlencode({'community': b.community.pk, 'permit__community': b.community.pk})}")
    urls.append(f"/admin/permits/permit/?{urlencode({'contractor__id__exact': b.contractor.pk})}")
    urls.append(f"/admin/permits/permit/?{urlencode({'property__id__exact': b.property.pk})}")
    urls.append(f"/admin/permits/permit/export/?{urlencode({'community__id__exact': b.community.pk})}")
    urls.append("/admin/permits/permit/export/")
    urls.append(f"/admin/permits/permit/export/?{urlencode({'q': 'Bravo'})}")
    for term in ("", "Bravo", "BRV"):
        query = {"app_label": "core", "model_name": "unit", "field_name": "property", "term": term}
        urls.append(f"/admin/autocomplete/?{urlencode(query)}")
    urls.append(f"/permits/?{urlencode({'status': 'active'})}")
    b_month = {"date": f"{b.permits['active'].valid_from:%Y-%m-%d}", "view": "month"}
    for calendar in ("/admin/permits/permit/calendar/", "/permits/calendar/"):
        urls.append(f"{calendar}?{urlencode(b_month)}")
        urls.append(f"{calendar}?{urlencode({**b_month, 'community': b.community.pk, 'property': b.property.pk})}")
        urls.append(f"{calendar}?{urlencode({**b_month, 'property': b.property.pk, 'unit': b.units[0].pk})}")
    urls.append(f"/admin/permits/permit/?{urlencode({'clashes': 'yes'})}")
    return urls


# Pages that show one of B's strings on purpose, with the reason.
PUBLIC_ON_PAGE = {
    "register": ("community name", "the sign-up form lets a new company choose the community it wants to work in"),
}


def test_list_urls_show_no_foreign_rows(world):
    urls = [(r.key, build_url(r.route)) for r in list_routes()] + [(None, url) for url in extra_list_urls(world)]
    public = {"register": [world.b.community.name]}
    assert set(public) == set(PUBLIC_ON_PAGE)
    problems = []
    for role in roles(world):
        for key, url in urls:
            response = role.client.get(url)
            if response.status_code >= 500:
                problems.append(f"{role.name} GET {url}: answered {response.status_code}")
            markers = [marker for marker in world.b_markers if marker not in public.get(key, [])]
            shown = leaked(response, markers, url)
            if shown:
                problems.append(f"{role.name} GET {url} shows B's {shown}")
    assert not problems, "\n".join(problems)


def _admin_posts(w: World) -> list[tuple[str, dict]]:
    """Changelist actions on B's rows, add forms naming B's rows, and the bulk buttons."""
    objects = _admin_objects(w)
    posts = []
    for model, model_admin in admin.site._registry.items():
        rows = objects.get(model._meta.label_lower, [])
        changelist = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        for _, name, _ in model_admin._get_base_actions():
            data = {"action": name, "_selected_action": [row.pk for row in rows], "index": "0"}
            posts.append((changelist, {**data, "apply": "1", "post": "yes", "reason": "Hijacked by A"}))
            posts.append((changelist, {**data, "select_across": "1"}))
    b = w.b
    posts += [
        ("/admin/core/property/add/", {"community": b.community.pk, "name": "Hijack Tower", "external_id": "HIJ-1"}),
        ("/admin/core/unit/add/", {"property": b.property.pk, "name": "Hijack Unit", "external_id": "HIJ-U1"}),
        ("/admin/core/staffmembership/add/", {"community": b.community.pk, "user": w.a.manager.pk, "role": "manager"}),
        ("/admin/core/apikey/add/", {"community": b.community.pk, "name": "Hijack key"}),
        ("/admin/integrations/outbounddelivery/retry-failed/", {}),
        ("/admin/integrations/buzzinunit/add/", {"unit": b.units[1].pk, "buzzin_id": "hijack00000000000000unit"}),
        (
            "/admin/integrations/buzzincommunity/add/",
            {"community": b.community.pk, "buzzin_id": "hijack000000000community"},
        ),
        ("/admin/core/community/add/", {"name": "Hijack", "slug": "hijack", "time_zone": "Asia/Dubai"}),
    ]
    change = f"/admin/core/unit/{w.a.units[0].pk}/change/"
    posts.append((change, {"property": b.property.pk, "name": "Moved", "external_id": w.a.units[0].external_id}))
    change = f"/admin/core/property/{w.a.property.pk}/change/"
    posts.append((change, {"community": b.community.pk, "name": "Moved", "external_id": w.a.property.external_id}))
    change = f"/admin/integrations/buzzinunit/{w.a.units[0].pk}/change/"
    posts.append((change, {"unit": b.units[1].pk, "buzzin_id": "moved000000000000000unit"}))
    return posts


def test_list_posts_change_nothing_of_b(world):
    problems = []
    posts, every_role = _admin_posts(world), roles(world)
    baseline = b_fingerprint(world, global_counts=False)
    for role in every_role:
        for url, data in posts:
            response = role.client.post(url, data)
            if response.status_code >= 500:
                problems.append(f"{role.name} POST {url} {data.get('action', '')}: answered {response.status_code}")
            shown = leaked(response, world.b_markers, url)
            if shown:
                problems.append(f"{role.name} POST {url} {data.get('action', '')} shows B's {shown}")
            now = b_fingerprint(world, global_counts=False)
            if now != baseline:
                problems.append(f"{role.name} POST {url} {data} changed B's {diff(baseline, now)}")
                baseline = now
    assert not problems, "\n".join(problems)


def test_dashboard_shows_only_own_community(world):
    """The admin index (status counts, queues, failed deliveries, lapsing documents) for A's managers."""
    for user in (world.a.manager, world.manager_plus):
        response = client_for(user).get("/admin/")
        assert response.status_code == 200
        assert not leaked(response, world.b_markers, "/admin/")
        own = [world.a.permits["submitted"].reference, "ALF-DELIVERY-ERROR"]
        assert any(marker in response.content.decode() for marker in own), "the dashboard shows A's own rows"


def test_walk_counts(world):
    """The walk reaches every kind of URL: admin, contractor pages, downloads, API, webhooks, docs."""
    routes = walk()
    keys = {r.key for r in routes}
    for expected in ("admin:index", "permits:detail", "documents:noc", "api:permit", "integrations:buzzin-webhook"):
        assert expected in keys
    for expected in ("api:schema", "api:docs", "admin:permits_permit_approve", "admin:integrations_drift_repair"):
        assert expected in keys
    assert Permit.objects.filter(community=world.b.community).count() >= 5
