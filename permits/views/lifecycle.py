"""Moves the contractor makes: submit (and resubmit), cancel, ask for an extension."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from contractors.views import contractor_required

from .. import services
from ..forms import CancelForm, ExtensionForm, apply_validation_error
from ..transitions import Move, target_status
from ._helpers import actor_for, permit_or_404, permit_url, refusal, run_action, save_form


@require_POST
@contractor_required
def permit_submit(request, reference):
    permit = permit_or_404(request, reference)
    return run_action(
        request,
        permit,
        call=lambda: services.permit_submit(actor=actor_for(request), permit=permit),
        success=_("Submitted. The property manager will review it; you will see the decision here."),
    )


@require_POST
@contractor_required
def permit_cancel(request, reference):
    permit = permit_or_404(request, reference)
    return save_form(
        request,
        permit,
        CancelForm(request.POST, prefix="cancel"),
        call=lambda data: services.permit_cancel(actor=actor_for(request), permit=permit, reason=data["reason"]),
        success=_("Permit %(reference)s cancelled.") % {"reference": permit.reference},
        anchor="",
        form_key="cancel_form",
    )


@require_http_methods(["GET", "POST"])
@contractor_required
def permit_extension(request, reference):
    permit = permit_or_404(request, reference)
    refused = refusal(lambda: target_status(permit.status, Move.EXTEND))
    if refused:
        messages.info(request, refused)
        return redirect(permit_url(permit))
    form = ExtensionForm(request.POST or None, permit=permit, initial={"valid_till": permit.valid_till})
    if request.method == "POST" and form.is_valid():
        try:
            services.permit_request_extension(actor=actor_for(request), permit=permit, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Extension requested. The property manager will decide."))
            return redirect(permit_url(permit))
    return render(request, "portal/permit_extension.html", {"form": form, "permit": permit})
