"""The case workflow's pages: home, queues, lists, one request and its steps."""

from __future__ import annotations

from django.urls import include, path

from cases import guide, views, views_department, views_intake

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
    path("link/", views_intake.link_organization, name="link_organization"),
    path("acknowledge/", views_intake.acknowledge_warnings, name="acknowledge_warnings"),
    path(
        "department-text/adopt/",
        views_department.department_text_adopt,
        name="department_text_adopt",
    ),
    path(
        "department-text/<int:part>/<str:number>/",
        views_department.department_text_rewrite,
        name="department_text_rewrite",
    ),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("queues/<str:key>/", views.queue, name="queue"),
    path("requests/", views.request_list, name="request_list"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/intake/", views_intake.intake_new, name="intake_new"),
    path("requests/<str:reference>/", include(request_urls)),
    path("healthz", views.healthz, name="healthz"),
    # The department's own records (c. 258F s. 2; 8 CFR 214.14(a)(3)).
    path("policy/", views_department.public_policy, name="public_policy"),
    path(
        "policy/<int:number>/", views_department.public_policy_version, name="public_policy_version"
    ),
    path("policy/adopt/", views_department.policy_adopt, name="policy_adopt"),
    path("designations/", views_department.designation_list, name="designation_list"),
    path("designations/add/", views_department.designation_add, name="designation_add"),
    path(
        "designations/head/",
        views_department.designation_appoint_head,
        name="designation_appoint_head",
    ),
    path(
        "designations/<int:pk>/revoke/",
        views_department.designation_revoke,
        name="designation_revoke",
    ),
    path(
        "designations/<int:pk>/document/",
        views_department.designation_document,
        name="designation_document",
    ),
    path("help/", guide.help_index, name="help"),
    path("help/img/<str:name>", guide.help_image, name="help_image"),
    path("help/<slug:slug>/", guide.help_page, name="help_page"),
    path("favicon.ico", views.favicon, name="favicon"),
]
