"""Pages that only read: home, the permit list, the permit page and the pass."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from contractors.views import STAFF_HOME, contractor_required

from ..choices import PermitStatus
from ..selectors.contractor import compliance_warnings, permit_attention, permit_ending, permits_for_list
from ._helpers import permit_or_404, permit_url, render_permit_page

PAGE_SIZE = 25


@require_GET
def home(request):
    if not request.user.is_authenticated:
        return redirect("login")
    if request.user.is_staff:
        return redirect(STAFF_HOME)
    return redirect("permits:list")


@require_GET
@contractor_required
def permit_list(request):
    status = request.GET.get("status", "")
    if status not in PermitStatus.values:
        status = ""
    page = Paginator(permits_for_list(request.user, status=status), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "status": status,
        "statuses": PermitStatus.choices,
        "warnings": compliance_warnings(request.contractor),
    }
    return render(request, "portal/permit_list.html", context)


@require_GET
@contractor_required
def permit_detail(request, reference):
    return render_permit_page(request, permit_or_404(request, reference))


@require_GET
@contractor_required
def permit_pass(request, reference):
    permit = permit_or_404(request, reference)
    ending = permit_ending(permit)
    if ending is not None or permit.status == PermitStatus.APPROVED:
        # Say why there is no pass (ended, refused by the gates, or being issued) rather than send away.
        context = {"permit": permit, "ending": ending, "attention": permit_attention(permit)}
        return render(request, "portal/permit_no_pass.html", context)
    if permit.status != PermitStatus.ACTIVE:
        messages.info(request, "The pass is shown here once the permit is active.")
        return redirect(permit_url(permit))
    context = {"permit": permit, "workers": permit.workers.all(), "additional_units": permit.additional_units.all()}
    return render(request, "portal/permit_pass.html", context)
