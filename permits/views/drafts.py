"""Drafting a permit (building first, then the details) and editing it while it is editable."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from contractors.views import contractor_required

from .. import services
from ..forms import PermitDraftForm, PropertyChoiceForm, apply_validation_error
from ..selectors.contractor import properties_open_to
from ..services._common import require_editable
from ._helpers import actor_for, permit_or_404, permit_url, refusal


@require_http_methods(["GET", "POST"])
@contractor_required
def permit_create(request):
    properties = properties_open_to(request.contractor)
    chooser = PropertyChoiceForm(request.GET if "property" in request.GET else None, properties=properties)
    if chooser.is_bound and chooser.is_valid():
        prop = chooser.cleaned_data["property"]
    elif not chooser.is_bound and len(properties) == 1:
        prop = properties[0]
    else:
        return render(request, "portal/permit_choose_property.html", {"form": chooser, "properties": properties})
    form = PermitDraftForm(request.POST or None, property=prop)
    if request.method == "POST" and form.is_valid():
        try:
            permit = services.permit_create_draft(
                actor=actor_for(request), contractor=request.contractor, property=prop, **form.service_kwargs()
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("Draft %(reference)s saved. Add workers, vehicles and the NOC next.")
                % {"reference": permit.reference},
            )
            return redirect(permit_url(permit))
    context = {"form": form, "property": prop, "can_change_property": len(properties) > 1}
    return render(request, "portal/permit_form.html", context)


@require_http_methods(["GET", "POST"])
@contractor_required
def permit_edit(request, reference):
    permit = permit_or_404(request, reference)
    refused = refusal(lambda: require_editable(permit))
    if refused:
        messages.info(request, refused)
        return redirect(permit_url(permit))
    form = PermitDraftForm(request.POST or None, property=permit.property, permit=permit)
    if request.method == "POST" and form.is_valid():
        try:
            services.permit_update_draft(actor=actor_for(request), permit=permit, **form.service_kwargs())
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(permit_url(permit))
    return render(request, "portal/permit_form.html", {"form": form, "property": permit.property, "permit": permit})
