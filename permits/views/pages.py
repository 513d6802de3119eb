"""Pages that only read: home, the permit list, the permit page and the pass."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from contractors.views import STAFF_HOME, contractor_required

from ..choices import PermitStatus, PermitType
from ..selectors.contractor import compliance_warnings, permit_attention, permit_ending, permits_for_list
from ._helpers import permit_or_404, permit_url, render_permit_page

PAGE_SIZE = 25

# The pass is printed in Arabic and English side by side whatever the viewer's language (``{% both %}``).
PASS_LABELS = {
    "title": gettext_lazy("Work permit pass"),
    "no_qr": gettext_lazy("The QR image is not available yet. The gate can use the access code."),
    "access_code": gettext_lazy("Access code"),
    "pass_number": gettext_lazy("Pass"),
    "company": gettext_lazy("Company"),
    "permit": gettext_lazy("Permit"),
    "valid": gettext_lazy("Valid"),
    "starts_on": gettext_lazy("Starts on"),
    "daily": gettext_lazy("Daily"),
    "units": gettext_lazy("Units"),
    "representative": gettext_lazy("Representative"),
    "workers": gettext_lazy("Workers (%(count)s)"),
    "id": gettext_lazy("ID"),
    "none_listed": gettext_lazy("None listed"),
    "foot": gettext_lazy("Times in %(zone)s. Show this pass at the gate; it is valid only with the access code above."),
}


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
        "status_label": PermitStatus(status).label if status else "",
        "statuses": PermitStatus.choices,
        "warnings": compliance_warnings(request.contractor),
        "attention_memberships": request.contractor.memberships.filter(attention_since__isnull=False).select_related(
            "community"
        ),
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
        messages.info(request, _("The pass is shown here once the permit is active."))
        return redirect(permit_url(permit))
    context = {
        "permit": permit,
        "workers": permit.workers.all(),
        "additional_units": permit.additional_units.all(),
        "labels": PASS_LABELS,
        "permit_type": PermitType(permit.permit_type).label if permit.permit_type in PermitType.values else "",
    }
    return render(request, "portal/permit_pass.html", context)
