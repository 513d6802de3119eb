"""The portal's URLs plus ``/bench/bare/``: a Django view that only answers 200, the reference point."""

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from portal.urls import urlpatterns as portal_urlpatterns

from .plain_admin import site as plain_admin_site


@csrf_exempt
def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare),
    path("bench/plain-admin/", plain_admin_site.urls),
    *portal_urlpatterns,
]
