"""The OpenAPI schema and the reference pages, served by the app itself (no CDN)."""

from __future__ import annotations

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_schema_lists_every_endpoint():
    response = Client().get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {path: sorted(ops) for path, ops in schema["paths"].items()} == {
        "/api/v1/communityContractors": ["post"],
        "/api/v1/communityContractors/{id}": ["patch"],
        "/api/v1/passes/{id}": ["patch"],
        "/api/v1/permits": ["post"],
        "/api/v1/permits/{id}": ["get", "patch"],
    }
    assert schema["components"]["securitySchemes"]["apiKey"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schema["components"]["securitySchemes"]["apiKey"]["description"],
    }


@pytest.mark.parametrize(
    ("path", "assets"),
    [
        ("/api/docs/", ["drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js", "/api/docs/?script="]),
        ("/api/redoc/", ["drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"]),
    ],
)
def test_reference_pages_load_their_assets_from_the_app(path, assets):
    response = Client().get(path)
    assert response.status_code == 200
    html = response.content.decode()
    for asset in assets:
        assert asset in html
    assert "cdn" not in html.lower() and "googleapis" not in html and "<script>" not in html
    for asset in assets[:1]:
        assert finders.find(asset), asset


def test_the_swagger_start_up_script_is_a_separate_request():
    response = Client().get("/api/docs/?script=")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in response.content.decode()
