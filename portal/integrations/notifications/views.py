"""A person's notifications: the list (newest first), opening one (marks it read), and e-mail preferences.

Every view reads and writes the signed-in person's own rows only. Staff see these pages in the
admin's frame, contractor users in the portal's.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import services
from .forms import PreferencesForm
from .links import link_path
from .models import Notification
from .preferences import email_preferences_set, preferences_of
from .selectors import entries, notifications_of, unread_count

PAGE_SIZE = 25


@require_GET
@login_required
def notification_list(request):
    page = Paginator(notifications_of(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "entries": entries(page.object_list, staff=request.user.is_staff),
        "unread": unread_count(request.user),
    }
    return _render(request, "notifications/list.html", _("Notifications"), context)


@require_GET
@login_required
def notification_open(request, pk: int):
    try:
        notification = services.notification_open(user=request.user, pk=pk)
    except Notification.DoesNotExist:
        raise Http404 from None
    return redirect(link_path(notification.kind, notification.data, staff=request.user.is_staff))


@require_POST
@login_required
def notifications_read_all(request):
    services.notifications_read_all(user=request.user)
    messages.success(request, _("Every notification is marked read."))
    return redirect("notifications:list")


@require_http_methods(["GET", "POST"])
@login_required
def preferences(request):
    form = PreferencesForm(preferences_of(request.user), request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            email_preferences_set(user=request.user, choices=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your e-mail choices are saved."))
            return redirect("notifications:preferences")
    return _render(request, "notifications/preferences.html", _("E-mail preferences"), {"form": form})


def _render(request, template: str, title: str, context: dict):
    """In the admin's frame for staff (with its sidebar and links), in the portal's for contractor users."""
    if request.user.is_staff:
        frame = {**admin.site.each_context(request), "base_template": "admin/base_site.html"}
    else:
        frame = {"base_template": "base.html"}
    return render(request, template, {**frame, **context, "title": title, "staff_frame": request.user.is_staff})
