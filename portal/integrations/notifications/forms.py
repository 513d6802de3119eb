"""The preferences page: one e-mail choice per kind the person may receive."""

from __future__ import annotations

from django import forms

from .models import EmailChoice
from .preferences import allowed_choices


class PreferencesForm(forms.Form):
    def __init__(self, preferences, data=None):
        super().__init__(data)
        self.kinds = [kind for kind, _ in preferences]
        for kind, choice in preferences:
            self.fields[kind.slug] = forms.ChoiceField(
                label=kind.label,
                choices=[(value, EmailChoice(value).label) for value in allowed_choices(kind)],
                initial=choice,
                widget=forms.RadioSelect,
            )
