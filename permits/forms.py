"""Forms of the contractor's permit pages: they parse, the services decide.

Limits and labels come from the models, rules from the services (their ValidationError is put on
the form with ``apply_validation_error``). Dates and times are typed in the community's time zone.
"""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contractors.forms import DateInput, document_file_field, model_field
from contractors.forms import apply_validation_error as apply_validation_error
from portal.core.models import Property, Unit
from portal.core.widgets import ClockInput, MomentInput

from .models import NocVersion, Permit, Vehicle, Worker
from .services.drafts import DRAFT_FIELDS
from .validators import ID_NUMBER_HINT, PLATE_HINT


class LocalDateTimeField(forms.DateTimeField):
    """A date and time read and shown in ``tz`` (the community's), not the server's: day-month-year, 24 h."""

    widget = MomentInput
    tz: datetime.tzinfo = datetime.UTC

    def prepare_value(self, value):
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            return value.astimezone(self.tz).replace(tzinfo=None)
        return value

    def to_python(self, value):
        with timezone.override(self.tz):
            return super().to_python(value)


TimeInput = ClockInput  # 24 h, whatever the browser's locale


DATETIME_HINT = _("Day/month/year and 24-hour time, e.g. 05/12/2026 08:00.")


class CommunityTimeFormMixin:
    """Give every LocalDateTimeField the community's time zone."""

    def set_time_zone(self, tz: datetime.tzinfo) -> None:
        for field in self.fields.values():
            if isinstance(field, LocalDateTimeField):
                field.tz = tz
                field.help_text = DATETIME_HINT  # the page names the zone once


class PropertyChoiceForm(forms.Form):
    """Step one of a new permit: the building, grouped by community (approved communities only)."""

    property = forms.ModelChoiceField(queryset=Property.objects.none(), label=_("Community and building"))

    def __init__(self, *args, properties, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["property"]
        field.queryset = properties
        groups: dict[str, list] = {}
        for prop in properties:
            groups.setdefault(prop.community.name, []).append((prop.pk, str(prop)))
        field.choices = [("", _("Choose a building")), *groups.items()]


class PermitDraftForm(CommunityTimeFormMixin, forms.Form):
    main_unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(), label=_("Main unit"), empty_label=_("Choose a unit")
    )
    additional_units = forms.ModelMultipleChoiceField(
        queryset=Unit.objects.none(),
        required=False,
        label=_("Additional units"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Other units of the same building the work covers."),
    )
    permit_type = model_field(Permit, "permit_type")
    valid_from = LocalDateTimeField(label=_("Valid from"))
    valid_till = LocalDateTimeField(label=_("Valid till"))
    time_in = model_field(Permit, "time_in", label=_("Daily start"), widget=TimeInput())
    time_out = model_field(Permit, "time_out", label=_("Daily end"), widget=TimeInput())
    representative_name = model_field(Permit, "representative_name", label=_("Representative's name"))
    representative_contact = model_field(
        Permit,
        "representative_contact",
        label=_("Representative's contact"),
        help_text=_("A mobile number the gate can call (e.g. 050 123 4567), or an e-mail address."),
    )
    jobs_summary = model_field(Permit, "jobs_summary", widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, property: Property, permit: Permit | None = None, **kwargs):
        if permit is not None:
            kwargs.setdefault("initial", _initial_for(permit))
        super().__init__(*args, **kwargs)
        self.set_time_zone(property.community.tzinfo)
        units = property.units.all()
        self.fields["additional_units"].queryset = units
        self.fields["additional_units"].label_from_instance = _unit_label
        if permit is None:
            self.fields["main_unit"].queryset = units
            self.fields["main_unit"].label_from_instance = _unit_label
        else:
            del self.fields["main_unit"]
            self.fields["additional_units"].queryset = units.exclude(pk=permit.main_unit_id)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {name: data[name] for name in DRAFT_FIELDS}
        kwargs["additional_units"] = list(data["additional_units"])
        if "main_unit" in self.fields:
            kwargs["main_unit"] = data["main_unit"]
        return kwargs


def _unit_label(unit: Unit) -> str:
    return f"{unit.name} ({unit.external_id})"


def _initial_for(permit: Permit) -> dict:
    initial = {name: getattr(permit, name) for name in DRAFT_FIELDS}
    initial["additional_units"] = list(permit.additional_units.values_list("pk", flat=True))
    return initial


class WorkerForm(forms.Form):
    name = model_field(Worker, "name")
    id_number = model_field(Worker, "id_number", help_text=ID_NUMBER_HINT)
    phone = model_field(
        Worker,
        "phone",
        help_text=_("Optional. e.g. 050 123 4567"),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )


class VehicleForm(forms.Form):
    plate = model_field(Vehicle, "plate", label=_("Plate"), help_text=PLATE_HINT)


class NocForm(forms.Form):
    noc_number = model_field(NocVersion, "noc_number")
    issue_date = model_field(NocVersion, "issue_date", widget=DateInput(), help_text=_("Today or earlier."))
    expiry_date = model_field(
        NocVersion, "expiry_date", widget=DateInput(), help_text=_("On or after the day the permit ends.")
    )
    file = document_file_field(label=_("NOC document"))


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=500)


class ExtensionForm(CommunityTimeFormMixin, forms.Form):
    valid_till = LocalDateTimeField(label=_("New end"))
    note = forms.CharField(label=_("Why (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, permit: Permit, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_time_zone(permit.community.tzinfo)
