"""Contractor accounts: who may open the contractor pages, and a company registering itself."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from portal.core.actors import Actor

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
                f"{profile.contractor} is registered. It can draft permits in {community} once the estate approves it.",
            )
            return redirect("permits:company")
    return render(request, "registration/register.html", {"form": form})


def _register(form: RegistrationForm):
    # Both rows or neither: a taken sign-in e-mail must not leave an orphan company behind.
    email = form.cleaned_data["email"]
    actor = Actor(label=f"self-registration: {email}")
    with transaction.atomic():
        try:
            contractor = services.contractor_create(actor=actor, **form.contractor_kwargs())
        except ValidationError as error:
            raise _renamed(error, email="company_email") from None
        return services.contractor_user_create(
            actor=actor, contractor=contractor, email=email, password=form.cleaned_data["password1"]
        )


def _renamed(error: ValidationError, **names: str) -> ValidationError:
    """The service's field names where the form calls them differently."""
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError({names.get(name, name): errors for name, errors in error.error_dict.items()})
