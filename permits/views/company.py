"""The company's own page: details, standing per community, trade licence and insurance versions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from contractors import services as contractor_services
from contractors.choices import DocumentKind
from contractors.forms import CompanyDocumentForm, ContactForm, apply_validation_error
from contractors.local_time import contractor_time_zone
from contractors.views import contractor_required

from ..selectors.contractor import compliance_warnings, documents_by_kind
from ._helpers import actor_for

UPLOADED = {
    DocumentKind.TRADE_LICENCE: gettext_lazy("Trade licence uploaded. Earlier versions stay listed."),
    DocumentKind.INSURANCE: gettext_lazy("Insurance uploaded. Earlier versions stay listed."),
}


def _document_form(kind: str, data=None, files=None) -> CompanyDocumentForm:
    return CompanyDocumentForm(data, files, kind=kind, prefix=kind)


def render_company_page(request, bound: CompanyDocumentForm | None = None, contact_form: ContactForm | None = None):
    contractor = request.contractor
    documents = documents_by_kind(contractor)
    sections = [
        {
            "kind": kind,
            "label": label,
            "form": bound if bound is not None and bound.kind == kind else _document_form(kind),
            "versions": documents.get(kind, []),
        }
        for kind, label in DocumentKind.choices
    ]
    context = {
        "contractor": contractor,
        "memberships": contractor.memberships.select_related("community"),
        "contact_form": contact_form or ContactForm.for_contractor(contractor, prefix="contact"),
        "warnings": compliance_warnings(contractor),
        "sections": sections,
        "time_zone": contractor_time_zone(contractor),
    }
    return render(request, "portal/company.html", context)


@require_GET
@contractor_required
def company(request):
    return render_company_page(request)


@require_POST
@contractor_required
def company_document_upload(request, kind):
    if kind not in DocumentKind.values:
        raise Http404(_("No such document kind."))
    form = _document_form(kind, request.POST, request.FILES)
    if form.is_valid():
        try:
            contractor_services.contractor_document_upload(
                actor=actor_for(request), contractor=request.contractor, **form.service_kwargs()
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, UPLOADED[kind])
            return redirect("permits:company")
    return render_company_page(request, bound=form)


@require_POST
@contractor_required
def company_contact(request):
    """The company's own users correct its contact details; what a partner refused goes again."""
    form = ContactForm.for_contractor(request.contractor, request.POST, prefix="contact")
    if form.is_valid():
        try:
            contractor_services.contractor_contact_update(
                actor=actor_for(request), contractor=request.contractor, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Contact details saved. Whatever was waiting for them is sent again."))
            return redirect("permits:company")
    return render_company_page(request, contact_form=form)
