"""The small forms behind the decision buttons. They parse input only: every rule is the services'."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def datetime_local_field(**kwargs) -> forms.DateTimeField:
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL)
    return forms.DateTimeField(widget=widget, **kwargs)


class ConfirmForm(forms.Form):
    """No input: the button itself is the decision."""

    def __init__(self, *args, permit=None, **kwargs):
        super().__init__(*args, **kwargs)


class ReasonForm(ConfirmForm):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 4, "cols": 60}), strip=True)


class NoteForm(ConfirmForm):
    note = forms.CharField(
        label=_("What must change"), widget=forms.Textarea(attrs={"rows": 4, "cols": 60}), strip=True
    )


class ExtendForm(ConfirmForm):
    """New validity, read in the community's time zone (the view activates it)."""

    valid_from = datetime_local_field(label=_("Starts"), required=False, help_text=_("Leave as is to keep the start."))
    valid_till = datetime_local_field(label=_("Ends"))

    def __init__(self, *args, permit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.permit = permit
        if permit is not None:
            self.fields["valid_from"].initial = permit.valid_from
            self.fields["valid_till"].initial = permit.extension_requested_till or permit.valid_till

    def clean_valid_from(self):
        """The start shown (to the minute) and sent back unchanged is no new start."""
        value = self.cleaned_data["valid_from"]
        if value and self.permit and value == self.permit.valid_from.replace(second=0, microsecond=0):
            return None
        return value


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's refusal on the form: on the field it names, else above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def error_text(error: ValidationError) -> str:
    return " ".join(error.messages)
