from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from cases import account_views, report_views, views, views_forms

request_urls = [
    path("", views.request_detail, name="request_detail"),
    path("edit/", views.request_edit, name="request_edit"),
    path("step/<str:name>/", views.request_transition, name="request_transition"),
    path("documents/", views.document_add, name="document_add"),
    path("documents/<int:document_id>/", views.document_download, name="document_download"),
    path("recertify/", views.request_recertify, name="request_recertify"),
    path("crime-check/", views.crime_check, name="crime_check"),
    path("assign/", views.assign_detective, name="assign_detective"),
    path("helpfulness/", views.helpfulness, name="helpfulness"),
    path("question/", views.ask_coordinator, name="ask_coordinator"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", account_views.sign_in_view, name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("queues/<str:key>/", views.queue, name="queue"),
    path("requests/", views.request_list, name="request_list"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/<str:reference>/", include(request_urls)),
    # --- issue 4: Supplement B PDFs, letters, the ink original, public verification ---
    path(
        "requests/<str:reference>/form/draft.pdf", views_forms.form_draft_pdf, name="form_draft_pdf"
    ),
    path(
        "requests/<str:reference>/form/signed.pdf",
        views_forms.form_signed_pdf,
        name="form_signed_pdf",
    ),
    path(
        "requests/<str:reference>/letters/<str:kind>.pdf", views_forms.letter_pdf, name="letter_pdf"
    ),
    path(
        "requests/<str:reference>/form/scan/", views_forms.ink_scan_upload, name="ink_scan_upload"
    ),
    path(
        "requests/<str:reference>/form/handover/",
        views_forms.handover_record,
        name="handover_record",
    ),
    path("verify/", views_forms.verify, name="verify"),
    # ---
    # Reports (issue 5: c. 258F s. 4)
    path("reports/annual/", report_views.annual_report_index, name="annual_report_index"),
    path("reports/annual/<int:year>/", report_views.annual_report, name="annual_report"),
    path("healthz", views.healthz, name="healthz"),
    # Security (issue 6): second factor, re-authentication, sessions, access log, downloads.
    path("accounts/mfa/", account_views.mfa_verify, name="mfa_verify"),
    path("accounts/mfa/setup/", account_views.mfa_setup, name="mfa_setup"),
    path("accounts/confirm/", account_views.reauth, name="reauth"),
    path("accounts/sessions/", account_views.my_sessions, name="my_sessions"),
    path("accounts/sessions/<int:pk>/end/", account_views.end_session, name="end_session"),
    path("audit/access/", account_views.access_log, name="access_log"),
    # The federal immigration-agency request log and Sec. 50-105 report (its own app).
    path("federal-requests/", include("federal_requests.urls")),
    path("admin/", admin.site.urls),
]
