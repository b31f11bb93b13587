from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from cases import report_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("requests/<str:reference>/", views.request_detail, name="request_detail"),
    path(
        "requests/<str:reference>/step/<str:name>/",
        views.request_transition,
        name="request_transition",
    ),
    # Reports (issue 5: c. 258F s. 4)
    path("reports/annual/", report_views.annual_report_index, name="annual_report_index"),
    path("reports/annual/<int:year>/", report_views.annual_report, name="annual_report"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
