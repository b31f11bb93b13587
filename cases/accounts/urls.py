"""Sign-in, the second factor, re-authentication, sessions and the access log."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from cases.accounts import views

urlpatterns = [
    path("accounts/login/", views.sign_in_view, name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/mfa/", views.mfa_verify, name="mfa_verify"),
    path("accounts/mfa/setup/", views.mfa_setup, name="mfa_setup"),
    path("accounts/confirm/", views.reauth, name="reauth"),
    path("accounts/sessions/", views.my_sessions, name="my_sessions"),
    path("accounts/sessions/<int:pk>/end/", views.end_session, name="end_session"),
    path("audit/access/", views.access_log, name="access_log"),
]
