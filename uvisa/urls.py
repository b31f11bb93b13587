from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from cases import account_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", account_views.sign_in_view, name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("requests/<str:reference>/", views.request_detail, name="request_detail"),
    path(
        "requests/<str:reference>/step/<str:name>/",
        views.request_transition,
        name="request_transition",
    ),
    path("healthz", views.healthz, name="healthz"),
    # Security (issue 6): second factor, re-authentication, sessions, access log, downloads.
    path("accounts/mfa/", account_views.mfa_verify, name="mfa_verify"),
    path("accounts/mfa/setup/", account_views.mfa_setup, name="mfa_setup"),
    path("accounts/confirm/", account_views.reauth, name="reauth"),
    path("accounts/sessions/", account_views.my_sessions, name="my_sessions"),
    path("accounts/sessions/<int:pk>/end/", account_views.end_session, name="end_session"),
    path("audit/access/", account_views.access_log, name="access_log"),
    path(
        "requests/<str:reference>/documents/<int:pk>/",
        account_views.document_download,
        name="document_download",
    ),
    path("admin/", admin.site.urls),
]
