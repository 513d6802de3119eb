"""The portal's URLs plus the bench's reference points (``bench.settings``):

- ``/bench/bare/``: a Django view that only answers 200 (the ceiling of the server);
- ``/bench/plain-admin/``: the permit changelist on a plain ``ModelAdmin`` (``bench.plain_admin``);
- ``/bench/api/v1/permits``: the same nested create the plain DRF way (``bench.reference_api``);
- ``/bench/webhooks/buzzin/``: HMAC check and one committed insert (``bench.reference_webhook``).
"""

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from portal.urls import urlpatterns as portal_urlpatterns

from .plain_admin import site as plain_admin_site
from .reference_api import ReferencePermitCreateView
from .reference_webhook import reference_webhook


@csrf_exempt
def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare),
    path("bench/plain-admin/", plain_admin_site.urls),
    path("bench/api/v1/permits", ReferencePermitCreateView.as_view()),
    path("bench/webhooks/buzzin/", reference_webhook),
    *portal_urlpatterns,
]
