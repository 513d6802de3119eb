"""What the contractor views share: the actor, the permit lookup, the permit page and form handling."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from portal.core.actors import Actor

from ..forms import CancelForm, NocForm, VehicleForm, WorkerForm, apply_validation_error
from ..models import Permit
from ..selectors.access import permit_for_user_or_404
from ..selectors.contractor import permit_actions, permit_attention, permit_ending, permit_history, submission_checklist
from ..selectors.people import contractor_warning, id_number_conflicts


def actor_for(request) -> Actor:
    return Actor.for_user(request.user)


def permit_or_404(request, reference: str) -> Permit:
    """The signed-in company's permit, else 404."""
    return permit_for_user_or_404(request.user, reference=reference)


def permit_url(permit: Permit, anchor: str = "") -> str:
    url = reverse("permits:detail", args=[permit.reference])
    return f"{url}#{anchor}" if anchor else url


def refusal(check: Callable[[], object]) -> str:
    """The sentence with which a service check refuses (empty when it passes), to say it before a form."""
    try:
        check()
    except ValidationError as error:
        return " ".join(error.messages)
    return ""


def plate_form(vehicle, data=None) -> VehicleForm:
    form = VehicleForm(data, prefix=f"plate-{vehicle.pk}", initial={"plate": vehicle.plate})
    form.vehicle_id = vehicle.pk
    form.fields["plate"].help_text = ""
    return form


def render_permit_page(request, permit: Permit, **bound):
    """The permit page; ``bound`` holds a form that came back with errors, to show what was typed."""
    permit = Permit.objects.select_related("community", "property", "main_unit", "contractor").get(pk=permit.pk)
    actions = permit_actions(permit)
    bound_plate = bound.get("plate_form")
    vehicles = [
        (vehicle, bound_plate if bound_plate and bound_plate.vehicle_id == vehicle.pk else plate_form(vehicle))
        for vehicle in permit.vehicles.all()
    ]
    context = {
        "permit": permit,
        "actions": actions,
        "decision_late": bool(permit.decision_due_at and permit.decision_due_at <= timezone.now()),
        "attention": permit_attention(permit),
        "ending": permit_ending(permit),
        "checklist": submission_checklist(permit) if actions.submit else None,
        "additional_units": permit.additional_units.all(),
        "workers": permit.workers.all(),
        "id_warnings": [contractor_warning(conflict) for conflict in id_number_conflicts(permit)],
        "vehicles": vehicles,
        "noc_versions": permit.noc_versions.all(),
        "scans": permit.scans.all()[:100],
        "history": permit_history(permit),
        "worker_form": bound.get("worker_form") or WorkerForm(prefix="worker"),
        "vehicle_form": bound.get("vehicle_form") or VehicleForm(prefix="vehicle"),
        "noc_form": bound.get("noc_form") or NocForm(prefix="noc"),
        "cancel_form": bound.get("cancel_form") or CancelForm(prefix="cancel"),
    }
    return render(request, "portal/permit_detail.html", context)


def save_form(
    request,
    permit: Permit,
    form,
    *,
    call: Callable[[dict], object],
    success: str,
    anchor: str,
    form_key: str,
):
    """Validate, call the service; on success redirect to the permit page, else show it with the form."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, success)
            return redirect(permit_url(permit, anchor))
    return render_permit_page(request, permit, **{form_key: form})


def run_action(request, permit: Permit, *, call: Callable[[], object], success: str, anchor: str = ""):
    """A button without fields (submit, remove): the outcome is told in a message."""
    try:
        call()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect(permit_url(permit, anchor))
