"""The small forms behind the decision buttons. They parse input only: every rule is the services'."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.core.widgets import MomentInput


def datetime_local_field(**kwargs) -> forms.DateTimeField:
    """Day-month-year, 24 h, in the active zone (the view activates the community's)."""
    return forms.DateTimeField(widget=MomentInput, **kwargs)


class ConfirmForm(forms.Form):
    """No input: the button itself is the decision."""

    def __init__(self, *args, permit=None, **kwargs):
        super().__init__(*args, **kwargs)


class ReasonForm(ConfirmForm):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 4, "cols": 60}), strip=True)


class OverrideForm(ConfirmForm):
    reason = forms.CharField(
        label=_("Why it may go ahead"), widget=forms.Textarea(attrs={"rows": 4, "cols": 60}), strip=True
    )


class NoteForm(ConfirmForm):
    note = forms.CharField(
        label=_("What must change"), widget=forms.Textarea(attrs={"rows": 4, "cols": 60}), strip=True
    )


REJECT_REASONS = [
    _("The NOC does not cover the permit's dates."),
    _("The company's trade licence or insurance has lapsed."),
    _("The dates or daily hours break the community's rules."),
    _("This kind of work is not allowed in this unit."),
    _("The same work is already covered by another permit."),
]
CHANGE_REASONS = [
    _("Upload a readable NOC that covers the whole permit."),
    _("Add every worker with a valid Emirates ID number."),
    _("Add the plates of the vehicles that will park on site."),
    _("Describe the jobs in more detail."),
    _("Correct the dates or the daily hours."),
]
REVOKE_REASONS = [
    _("Work outside the permitted hours."),
    _("Workers or vehicles not on the permit."),
    _("Complaints from residents about safety or noise."),
    _("The company's documents lapsed."),
]


class CommonReasonsMixin:
    """Common reasons to tick, plus free text; the words sent are the ticked reasons, then the text.

    ``text_field`` names the field the service reads (``reason`` or ``note``); it is optional while a
    common reason is ticked.
    """

    common_reasons: list = []
    text_field = "reason"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(index), text) for index, text in enumerate(self.common_reasons)]
        self.fields = {
            "common": forms.MultipleChoiceField(
                label=_("Common reasons"), choices=choices, required=False, widget=forms.CheckboxSelectMultiple
            ),
            **self.fields,
        }
        text = self.fields[self.text_field]
        text.required = False
        text.label = _("In your own words") if self.text_field == "reason" else _("What else must change")

    def clean(self):
        cleaned = super().clean()
        picked = [str(self.common_reasons[int(index)]) for index in cleaned.get("common", [])]
        own = cleaned.get(self.text_field, "")
        words = " ".join([*picked, own]).strip()
        if not words:
            self.add_error(self.text_field, ValidationError(_("Tick a common reason or write one."), code="required"))
        else:
            cleaned[self.text_field] = words
        return cleaned


class RejectForm(CommonReasonsMixin, ReasonForm):
    common_reasons = REJECT_REASONS


class RevokeForm(CommonReasonsMixin, ReasonForm):
    common_reasons = REVOKE_REASONS


class ChangesForm(CommonReasonsMixin, NoteForm):
    common_reasons = CHANGE_REASONS
    text_field = "note"


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
