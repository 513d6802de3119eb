"""The decision buttons of the permit page: one custom admin URL per move, each a thin view.

Parse the small form, call the service as the signed-in person, answer. A refused move (any
``ValidationError``, including ``TransitionNotAllowed``) is shown with the rule's own sentence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.core.actors import Actor

from .. import services
from ..models import Permit
from ..selectors.contractor import permit_attention
from ..transitions import Move, allowed_moves, target_status
from .forms import (
    ChangesForm,
    ConfirmForm,
    ExtendForm,
    OverrideForm,
    RejectForm,
    RevokeForm,
    add_service_errors,
    error_text,
)


@dataclass(frozen=True)
class DecisionButton:
    move: Move
    label: str  # these three are lazy translations, rendered in the reader's language
    slug: str
    form_class: type[forms.Form]
    call: Callable[[Actor, Permit, dict], Permit]
    done: str
    intro: str = ""
    style: str = ""  # "primary" (the expected move) or "danger" (cannot be undone)
    listed: bool = True  # False: reached from a panel of the page, not from the row of buttons

    @property
    def url_name(self) -> str:
        return f"permits_permit_{self.slug.replace('-', '_')}"

    @property
    def posts_directly(self) -> bool:
        """No input needed: the button on the permit page posts at once."""
        return not self.form_class.base_fields


BUTTONS = [
    DecisionButton(
        Move.APPROVE,
        _("Approve"),
        "approve",
        ConfirmForm,
        lambda actor, permit, data: services.permit_approve(actor=actor, permit=permit),
        _("Approved {ref}: the pass follows once the gates have issued it."),
        style="primary",
    ),
    DecisionButton(
        Move.APPROVE,
        _("Approve over capacity"),
        "approve-over-capacity",
        OverrideForm,
        lambda actor, permit, data: services.permit_approve(
            actor=actor, permit=permit, capacity_override_reason=data["reason"]
        ),
        _("Approved {ref} over the building's capacity; your reason is in the audit timeline."),
        _("The building is at its capacity for this type on some of the permit's days. Say why it may go ahead."),
        listed=False,
    ),
    DecisionButton(
        Move.REJECT,
        _("Reject"),
        "reject",
        RejectForm,
        lambda actor, permit, data: services.permit_reject(actor=actor, permit=permit, reason=data["reason"]),
        _("Rejected {ref}."),
        _("The contractor sees this reason."),
    ),
    DecisionButton(
        Move.REQUEST_CHANGES,
        _("Request changes"),
        "request-changes",
        ChangesForm,
        lambda actor, permit, data: services.permit_request_changes(actor=actor, permit=permit, note=data["note"]),
        _("Sent {ref} back to the contractor for changes."),
        _("The permit goes back to the contractor, who edits and submits it again."),
    ),
    DecisionButton(
        Move.EXTEND,
        _("Extend validity"),
        "extend",
        ExtendForm,
        lambda actor, permit, data: services.permit_extend(
            actor=actor, permit=permit, valid_till=data["valid_till"], valid_from=data.get("valid_from") or None
        ),
        _("Changed the validity of {ref}; the pass and parking permits follow."),
        _("Times are in the community's time zone. Every permit rule is checked again."),
    ),
    DecisionButton(
        Move.REVOKE,
        _("Revoke pass"),
        "revoke",
        RevokeForm,
        lambda actor, permit, data: services.permit_revoke(actor=actor, permit=permit, reason=data["reason"]),
        _("Revoked the pass of {ref}; its parking permits are released."),
        _("The pass stops working at the gates at once and the vehicles lose their parking. This cannot be undone."),
        style="danger",
    ),
    DecisionButton(
        Move.REISSUE,
        _("Reissue pass"),
        "reissue",
        ConfirmForm,
        lambda actor, permit, data: services.permit_reissue(actor=actor, permit=permit),
        _("Asked for a new pass for {ref}; the old access code stops working once it is issued."),
    ),
]


def decision_urls(model_admin) -> list:
    wrap = model_admin.admin_site.admin_view
    return [
        path(f"<path:object_id>/{button.slug}/", wrap(_view_for(model_admin, button)), name=button.url_name)
        for button in BUTTONS
    ]


def buttons_for(permit: Permit) -> list[dict]:
    """The buttons for the moves allowed right now, in the order of ``BUTTONS``."""
    allowed = set(allowed_moves(permit.status))
    return [
        {
            "label": b.label,
            "url": reverse(f"admin:{b.url_name}", args=[permit.pk]),
            "posts": b.posts_directly,
            "style": b.style,
            "slug": b.slug,
        }
        for b in BUTTONS
        if b.move in allowed and b.listed
    ]


def _view_for(model_admin, button: DecisionButton):
    def view(request, object_id):
        return decision_view(model_admin, request, object_id, button)

    return view


def _done_message(button: DecisionButton, permit: Permit) -> tuple[str, int]:
    """An approval does not promise a pass the gates cannot issue yet (the company not accepted there)."""
    attention = permit_attention(permit) if button.move == Move.APPROVE else None
    if attention is not None and attention.on_company:
        return gettext(
            "Approved %(ref)s, but the gate system does not know %(company)s yet, so no pass can be issued: "
            "%(note)s The pass follows once the company's details are corrected."
        ) % {
            "ref": permit.reference,
            "company": permit.contractor.company_name,
            "note": attention.note,
        }, messages.WARNING
    return button.done.format(ref=permit.reference), messages.SUCCESS


def decision_view(model_admin, request, object_id, button: DecisionButton):
    permit = model_admin.get_object(request, unquote(object_id))  # 404 outside the user's communities
    if not model_admin.can_decide(request):
        raise PermissionDenied
    change_url = reverse("admin:permits_permit_change", args=[permit.pk])
    try:
        target_status(permit.status, button.move)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect(change_url)
    with timezone.override(permit.community.tzinfo):
        form = button.form_class(request.POST if request.method == "POST" else None, permit=permit)
        if form.is_bound and form.is_valid():
            try:
                button.call(Actor.for_user(request.user), permit, form.cleaned_data)
            except ValidationError as error:
                messages.error(request, error_text(error))
                if button.posts_directly:
                    return redirect(change_url)
                add_service_errors(form, error)
            else:
                # The admin's own "Recent actions" lists the decisions too (the audit trail is the record).
                model_admin.log_change(request, permit, str(button.label))
                done, level = _done_message(button, permit)
                messages.add_message(request, level, done)
                return redirect(change_url)
        templates = [f"admin/permits/permit/{button.slug}.html", "admin/decision_form.html"]
        title = f"{button.label}: {permit.reference}"
        return decision_form_page(model_admin, request, permit, button, form, title, templates)


def decision_form_page(model_admin, request, permit: Permit, button, form, title: str, templates) -> object:
    """The small page of a decision that asks for something first (a reason, a date, a confirmation)."""
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "original": permit,
        "button": button,
        "form": form,
        "change_url": reverse("admin:permits_permit_change", args=[permit.pk]),
        "title": title,
    }
    return render(request, templates, context)
