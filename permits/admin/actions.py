"""Bulk decisions on the permit changelist: each permit through the same service, in its own transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from portal.core.actors import Actor

from .. import services
from .export import permits_csv_response
from .forms import ReasonForm, error_text


@dataclass
class BulkOutcome:
    done: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


def run_each(queryset, call: Callable, label: Callable = lambda permit: permit.reference) -> BulkOutcome:
    """Call the service once per row (each call is its own transaction); a refusal stops nothing."""
    outcome = BulkOutcome()
    for obj in queryset.order_by("pk"):
        try:
            call(obj)
        except ValidationError as error:
            outcome.refused.append((label(obj), error_text(error)))
        else:
            outcome.done.append(label(obj))
    return outcome


def logged(modeladmin, request, message: str, call: Callable) -> Callable:
    """``call``, then an entry in the admin's own "Recent actions" (the audit trail stays the record)."""

    def run(obj):
        call(obj)
        modeladmin.log_change(request, obj, message)

    return run


def report(request, outcome: BulkOutcome, *, done: str, not_done: str) -> None:
    """E.g. "Approved 2: A, B. Not approved: C — The NOC expires on …"."""
    parts = []
    if outcome.done:
        parts.append(f"{done} {len(outcome.done)}: {', '.join(outcome.done)}.")
    if outcome.refused:
        reasons = "; ".join(f"{reference} — {why}" for reference, why in outcome.refused)
        parts.append(f"{not_done}: {reasons}")
    if not parts:
        return
    level = messages.ERROR if not outcome.done else messages.WARNING if outcome.refused else messages.SUCCESS
    messages.add_message(request, level, " ".join(parts))


@admin.action(description=_("Approve selected permits"), permissions=["change"])
def approve_selected(modeladmin, request, queryset):
    actor = Actor.for_user(request.user)
    approve = logged(modeladmin, request, "Approve", lambda permit: services.permit_approve(actor=actor, permit=permit))
    outcome = run_each(queryset, approve)
    report(request, outcome, done=_("Approved"), not_done=_("Not approved"))


@admin.action(description=_("Reject selected permits…"), permissions=["change"])
def reject_selected(modeladmin, request, queryset):
    """Asks once for the reason on an intermediate page, then rejects each permit with it."""
    form = ReasonForm(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid():
        actor = Actor.for_user(request.user)
        reason = form.cleaned_data["reason"]

        def call(permit):
            return services.permit_reject(actor=actor, permit=permit, reason=reason)

        reject = logged(modeladmin, request, "Reject", call)
        outcome = run_each(queryset, reject)
        report(request, outcome, done=_("Rejected"), not_done=_("Not rejected"))
        return None
    rows = queryset.select_related("main_unit", "contractor")
    objects = {p.pk: f"{p.reference} · {p.main_unit.external_id} · {p.contractor.company_name}" for p in rows}
    return reason_page(modeladmin, request, objects, form, action="reject_selected", verb=_("Reject"))


def reason_page(modeladmin, request, objects: dict, form, *, action: str, verb: str):
    """The intermediate page of a bulk action that needs one reason for all the selected rows."""
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": f"{verb} {modeladmin.opts.verbose_name_plural}",
        "opts": modeladmin.opts,
        "objects": objects,
        "form": form,
        "action": action,
        "verb": verb,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "select_across": request.POST.get("select_across", "0"),
    }
    return TemplateResponse(request, "admin/bulk_reason_form.html", context)


@admin.action(description=_("Export selected to CSV"), permissions=["view"])
def export_selected_csv(modeladmin, request, queryset):
    return permits_csv_response(queryset)
