"""Contractor accounts: who may open the contractor pages, and a company registering itself."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import services
from .forms import RegistrationForm, apply_validation_error
from .selectors import contractor_for_user

STAFF_HOME = "/admin/"


def contractor_required(view):
    """Contractor users only: the company lands on ``request.contractor``; staff go to the admin."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if user.is_staff:
            return redirect(STAFF_HOME)
        contractor = contractor_for_user(user)
        if contractor is None:
            return render(request, "portal/no_company.html", status=403)
        request.contractor = contractor
        return view(request, *args, **kwargs)

    return wrapper


@require_http_methods(["GET", "POST"])
def register(request):
    if request.user.is_authenticated:
        return redirect("permits:home")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            profile = _register(form)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            login(request, profile.user, backend="django.contrib.auth.backends.ModelBackend")
            community = form.cleaned_data["community"]
            messages.success(
                request,
                _("%(company)s is registered. It can draft permits in %(community)s once the estate approves it.")
                % {"company": profile.contractor, "community": community},
            )
            return redirect("permits:company")
    return render(request, "registration/register.html", {"form": form})


def _register(form: RegistrationForm):
    return services.contractor_register(
        company=form.contractor_kwargs(), email=form.cleaned_data["email"], password=form.cleaned_data["password1"]
    )
