"""/api/: v1 endpoints (no trailing slashes, as Buzz-In), the OpenAPI schema and its reference pages.

/api/ and /api/v1/ redirect to the reference; anything else under /api/ answers a JSON 404 in the
contract's error shape.
"""

from django.urls import include, path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from .errors import not_found_view
from .schema import api_description
from .views.contractors import ContractorCreateView, ContractorDetailView
from .views.passes import PassDetailView
from .views.permits import PermitCreateView, PermitDetailView

app_name = "api"

v1 = [
    path("communityContractors", ContractorCreateView.as_view(), name="contractors"),
    path("communityContractors/<str:id>", ContractorDetailView.as_view(), name="contractor"),
    path("permits", PermitCreateView.as_view(), name="permits"),
    path("permits/<str:id>", PermitDetailView.as_view(), name="permit"),
    path("passes/<str:id>", PassDetailView.as_view(), name="pass"),
]

urlpatterns = [
    # The API's root opens its reference (a person following the printed URL), not a 404.
    path("", RedirectView.as_view(pattern_name="api:docs"), name="root"),
    path("v1/", RedirectView.as_view(pattern_name="api:docs"), name="v1-root"),
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(custom_settings={"DESCRIPTION": api_description()}), name="schema"),
    # The split view loads its start-up script from a URL: no inline script, so the CSP holds.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema", template_name="api/redoc.html"), name="redoc"),
    re_path(r"^", not_found_view),
]
