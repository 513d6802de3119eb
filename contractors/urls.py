"""/accounts/: sign-in, sign-out, password reset (also how invited users set a password), registration.

The names are Django's usual un-namespaced ones ("login", "password_reset_confirm", ...), which
Django's own views and e-mails expect.
"""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .forms import ContractorPasswordResetForm, SignInForm

urlpatterns = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=SignInForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=ContractorPasswordResetForm),
        name="password_reset",
    ),
    path("accounts/password_reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("accounts/register/", views.register, name="register"),
]
