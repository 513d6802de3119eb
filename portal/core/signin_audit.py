"""Every sign-in, failed sign-in and lockout becomes an audit event.

These are Django's and django-axes' own authentication signals (framework events, not domain
side effects), connected once in ``CoreConfig.ready``.
"""

from __future__ import annotations

from django.utils import timezone

from .models import AuditEvent


def _client_address(request) -> str:
    if request is None:
        return ""
    return getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR", "")


def _record(action: str, *, username: str, user=None, request=None) -> None:
    AuditEvent.objects.create(
        at=timezone.now(),
        actor=user,
        actor_label=(username or "anonymous")[:200],
        target_type="user",
        target_id=str(user.pk if user else username)[:64],
        action=action,
        data={"ip": _client_address(request), "path": getattr(request, "path", "")},
    )


def on_signed_in(sender, request, user, **kwargs) -> None:
    _record("auth.signed_in", username=user.get_username(), user=user, request=request)


def on_sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    # Only the user name is kept from the credentials: never the password.
    _record("auth.sign_in_failed", username=str(credentials.get("username", ""))[:150], request=request)


def on_locked_out(sender, request, username, ip_address, **kwargs) -> None:
    _record("auth.locked_out", username=str(username or "")[:150], request=request)


def connect() -> None:
    from axes.signals import user_locked_out
    from django.contrib.auth.signals import user_logged_in, user_login_failed

    user_logged_in.connect(on_signed_in, dispatch_uid="audit_signed_in")
    user_login_failed.connect(on_sign_in_failed, dispatch_uid="audit_sign_in_failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="audit_locked_out")
