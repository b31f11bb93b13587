"""The c. 258F s. 4 annual report."""

from __future__ import annotations

from django.urls import path

from cases.reporting import views

urlpatterns = [
    path("reports/annual/", views.annual_report_index, name="annual_report_index"),
    path("reports/annual/<int:year>/", views.annual_report, name="annual_report"),
    path(
        "reports/annual/<int:year>/submit/", views.annual_report_submit, name="annual_report_submit"
    ),
    path(
        "reports/annual/submissions/<int:pk>/file/",
        views.annual_report_submission_file,
        name="annual_report_submission_file",
    ),
]
