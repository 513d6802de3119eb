"""Forms of the contractor pages. They parse input; the services hold the rules.

A service raises ``ValidationError`` (per field or for the whole form) and
``apply_validation_error`` puts it on the form, so the user reads the same sentence
whichever door they came through.
"""

from __future__ import annotations

import unicodedata

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from portal.core.contact import PHONE_HINT, country_of, normalize_email, normalize_phone
from portal.core.models import Community
from portal.core.widgets import DayInput

from .models import Contractor, ContractorDocument

ACCEPTED_FILES = ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"
FILE_AGAIN_HINT = _("PDF, PNG or JPEG. If the form shows an error, choose the file again: browsers do not keep it.")
# The password rules in the reader's language (Django's own sentences), not frozen at import.
password_rules_html = lazy(password_validation.password_validators_help_text_html, str)


def model_field(model, name: str, **kwargs) -> forms.Field:
    """The model's own form field (label, length, help text), so no limit is written twice."""
    return model._meta.get_field(name).formfield(**kwargs)


def apply_validation_error(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: per field where the form has it, else on top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field_name, errors in error.error_dict.items():
        form.add_error(field_name if field_name in form.fields else None, errors)


def document_file_field(**kwargs) -> forms.FileField:
    return forms.FileField(
        label=kwargs.pop("label", _("Document")),
        help_text=FILE_AGAIN_HINT,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_FILES}),
        **kwargs,
    )


DateInput = DayInput  # day-month-year, whatever the browser's locale (portal.core.widgets)


class SignInForm(AuthenticationForm):
    """Contractor users sign in with their e-mail address; staff with their user name."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("E-mail address or user name")
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autocapitalize": "none"})

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        return username.lower() if "@" in username else username


class ContractorPasswordResetForm(PasswordResetForm):
    """Also reaches invited contractor users, who have no usable password until they set one."""

    def get_users(self, email):
        users = get_user_model()._default_manager.filter(email__iexact=email, is_active=True)
        for user in users:
            # Like Django's own check: an address that only matches after case folding is not a match.
            if not _same_email(email, user.email):
                continue
            if user.has_usable_password() or hasattr(user, "contractor_profile"):
                yield user


def _same_email(typed: str, stored: str) -> bool:
    def fold(value: str) -> str:
        return unicodedata.normalize("NFKC", value).casefold()

    return fold(typed) == fold(stored)


class RegistrationForm(forms.Form):
    company_name = model_field(Contractor, "company_name")
    contact_name = model_field(Contractor, "contact_name")
    company_email = model_field(Contractor, "email", label=_("Company e-mail address"))
    phone = model_field(
        Contractor,
        "phone",
        help_text=format_lazy("{} {}", PHONE_HINT, _("Without +, it is read as a number of the community's country.")),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    trade_licence_number = model_field(Contractor, "trade_licence_number")
    community = forms.ModelChoiceField(
        queryset=Community.objects.order_by("name"),
        label=_("Community you want to work in"),
        empty_label=_("Choose a community"),
    )
    email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("You sign in with it. It may be the company's address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_rules_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def company_fields(self):
        names = ("company_name", "contact_name", "company_email", "phone", "trade_licence_number", "community")
        return [self[name] for name in names]

    def account_fields(self):
        return [self[name] for name in ("email", "password1", "password2")]

    def clean_company_email(self):
        return normalize_email(self.cleaned_data["company_email"])

    def clean_email(self):
        return normalize_email(self.cleaned_data["email"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("phone"):
            region = country_of(filter(None, [cleaned.get("community")]))
            try:
                cleaned["phone"] = normalize_phone(cleaned["phone"], region=region)
            except ValidationError as error:
                self.add_error("phone", error)
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords differ."))
        elif password1:
            user = get_user_model()(username=cleaned.get("email", ""), email=cleaned.get("email", ""))
            try:
                password_validation.validate_password(password1, user)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned

    def contractor_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "company_name": data["company_name"],
            "contact_name": data["contact_name"],
            "email": data["company_email"],
            "phone": data["phone"],
            "trade_licence_number": data["trade_licence_number"],
            "communities": [data["community"]],
        }


class CompanyDocumentForm(forms.Form):
    """A new version of the trade licence (with its number) or of the insurance."""

    number = model_field(ContractorDocument, "number", label=_("Licence number"))
    expiry_date = forms.DateField(label=_("Expiry date"), widget=DateInput())
    file = document_file_field()

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind != "trade_licence":
            del self.fields["number"]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": self.kind,
            "number": data.get("number", ""),
            "expiry_date": data["expiry_date"],
            "file": data["file"],
        }


class ContactForm(forms.Form):
    """The company's contact details, as its users and its communities' managers correct them."""

    contact_name = model_field(Contractor, "contact_name")
    email = model_field(Contractor, "email", label=_("Company e-mail address"))
    phone = model_field(
        Contractor,
        "phone",
        help_text=format_lazy("{} {}", PHONE_HINT, _("Without +, it is read as a number of the community's country.")),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    @classmethod
    def for_contractor(cls, contractor: Contractor, data=None, **kwargs) -> ContactForm:
        initial = {name: getattr(contractor, name) for name in ("contact_name", "email", "phone")}
        return cls(data, initial=initial, **kwargs)
