"""Workers, vehicles and NOC versions of a permit, each posted from the permit page."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contractors.views import contractor_required

from .. import services
from ..forms import NocForm, VehicleForm, WorkerForm
from ..models import Vehicle, Worker
from ._helpers import actor_for, permit_or_404, plate_form, run_action, save_form


@require_POST
@contractor_required
def worker_add(request, reference):
    permit = permit_or_404(request, reference)
    return save_form(
        request,
        permit,
        WorkerForm(request.POST, prefix="worker"),
        call=lambda data: services.worker_add(actor=actor_for(request), permit=permit, **data),
        success=_("Worker added."),
        anchor="workers",
        form_key="worker_form",
    )


@require_POST
@contractor_required
def worker_remove(request, reference, pk):
    permit = permit_or_404(request, reference)
    worker = get_object_or_404(Worker, pk=pk, permit=permit)
    return run_action(
        request,
        permit,
        call=lambda: services.worker_remove(actor=actor_for(request), worker=worker),
        success=_("%(name)s removed.") % {"name": worker.name},
        anchor="workers",
    )


@require_POST
@contractor_required
def vehicle_add(request, reference):
    permit = permit_or_404(request, reference)
    return save_form(
        request,
        permit,
        VehicleForm(request.POST, prefix="vehicle"),
        call=lambda data: services.vehicle_add(actor=actor_for(request), permit=permit, plate=data["plate"]),
        success=_("Vehicle added."),
        anchor="vehicles",
        form_key="vehicle_form",
    )


@require_POST
@contractor_required
def vehicle_change_plate(request, reference, pk):
    permit = permit_or_404(request, reference)
    vehicle = get_object_or_404(Vehicle, pk=pk, permit=permit, removed_at__isnull=True)
    return save_form(
        request,
        permit,
        plate_form(vehicle, request.POST),
        call=lambda data: services.vehicle_change_plate(actor=actor_for(request), vehicle=vehicle, plate=data["plate"]),
        success=_("Plate changed."),
        anchor="vehicles",
        form_key="plate_form",
    )


@require_POST
@contractor_required
def vehicle_remove(request, reference, pk):
    permit = permit_or_404(request, reference)
    vehicle = get_object_or_404(Vehicle, pk=pk, permit=permit, removed_at__isnull=True)
    return run_action(
        request,
        permit,
        call=lambda: services.vehicle_remove(actor=actor_for(request), vehicle=vehicle),
        success=_("Vehicle %(plate)s removed.") % {"plate": vehicle.plate},
        anchor="vehicles",
    )


@require_POST
@contractor_required
def noc_upload(request, reference):
    permit = permit_or_404(request, reference)
    return save_form(
        request,
        permit,
        NocForm(request.POST, request.FILES, prefix="noc"),
        call=lambda data: services.noc_version_upload(actor=actor_for(request), permit=permit, **data),
        success=_("NOC uploaded. Earlier versions stay listed below."),
        anchor="noc",
        form_key="noc_form",
    )
