from __future__ import annotations

from django.urls import path

from federal_requests import views, views_reports

app_name = "federal_requests"

urlpatterns = [
    path("", views.entry_list, name="entry_list"),
    path("entries/new/", views.entry_create, name="entry_create"),
    path("entries/<str:reference>/", views.entry_detail, name="entry_detail"),
    path("entries/<str:reference>/edit/", views.entry_edit, name="entry_edit"),
    path("entries/<str:reference>/copy/", views.entry_copy, name="entry_copy"),
    path("entries/<str:reference>/documents/", views.document_add, name="document_add"),
    path(
        "entries/<str:reference>/documents/<int:document_id>/",
        views.document_download,
        name="document_download",
    ),
    path("task-forces/", views_reports.task_force_list, name="task_force_list"),
    path("task-forces/new/", views_reports.task_force_edit, name="task_force_create"),
    path("task-forces/<int:pk>/edit/", views_reports.task_force_edit, name="task_force_edit"),
    path(
        "task-forces/<int:pk>/disclosure/",
        views_reports.task_force_disclosure,
        name="task_force_disclosure",
    ),
    path("reports/", views_reports.report_index, name="report_index"),
    path("reports/<str:start>/", views_reports.report_detail, name="report_detail"),
    path("reports/<str:start>/submit/", views_reports.report_submit, name="report_submit"),
    path("audit/", views_reports.audit_trail, name="audit"),
]
