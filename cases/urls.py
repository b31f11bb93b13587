"""The case workflow's pages: home, queues, lists, one request and its steps."""

from __future__ import annotations

from django.urls import include, path

from cases import guide
from cases.views import (
    case,
    crime_check,
    department,
    directory,
    documents,
    health,
    helpfulness,
    intake,
    lists,
    notices,
    received,
    status,
)

request_urls = [
    path("", case.request_detail, name="request_detail"),
    path("edit/", intake.request_edit, name="request_edit"),
    path("step/<str:name>/", case.request_transition, name="request_transition"),
    path("documents/", documents.document_add, name="document_add"),
    path("documents/<int:document_id>/", documents.document_download, name="document_download"),
    path("recertify/", intake.request_recertify, name="request_recertify"),
    path("crime-check/", crime_check.crime_check, name="crime_check"),
    path("assign/", crime_check.assign_detective, name="assign_detective"),
    path("helpfulness/", helpfulness.helpfulness, name="helpfulness"),
    path("question/", helpfulness.ask_coordinator, name="ask_coordinator"),
    path("link/", received.link_organization, name="link_organization"),
    path("requester/", received.enter_for_requester, name="enter_for_requester"),
    path("acknowledge/", received.acknowledge_warnings, name="acknowledge_warnings"),
    path("status-code/", status.status_code_new, name="status_code_new"),
    path(
        "department-text/adopt/",
        department.department_text_adopt,
        name="department_text_adopt",
    ),
    path(
        "department-text/<int:part>/<str:number>/",
        department.department_text_rewrite,
        name="department_text_rewrite",
    ),
]

urlpatterns = [
    path("", lists.home, name="home"),
    path("queues/<str:key>/", lists.queue, name="queue"),
    path("requests/", lists.request_list, name="request_list"),
    path("requests/new/", intake.request_create, name="request_create"),
    path("requests/intake/", received.intake_new, name="intake_new"),
    path("requests/<str:reference>/", include(request_urls)),
    path("healthz", health.healthz, name="healthz"),
    # Public: where a request stands, for the reference and code of its acknowledgement.
    path("status/", status.status_lookup, name="status_lookup"),
    path("notices/", notices.notice_list, name="notice_list"),
    path("notices/<int:pk>/resend/", notices.notice_resend, name="notice_resend"),
    # The department's own records (c. 258F s. 2; 8 CFR 214.14(a)(3)).
    path("policy/", department.public_policy, name="public_policy"),
    path("policy/<int:number>/", department.public_policy_version, name="public_policy_version"),
    path("policy/adopt/", department.policy_adopt, name="policy_adopt"),
    path(
        "policy/<int:number>/translations/",
        department.policy_translations,
        name="policy_translations",
    ),
    path("designations/", department.designation_list, name="designation_list"),
    path("directory/", directory.directory_list, name="certifier_directory"),
    path("directory/<int:pk>/", directory.directory_edit, name="certifier_directory_edit"),
    path(
        "directory/<int:pk>/active/",
        directory.directory_set_active,
        name="certifier_directory_active",
    ),
    path("designations/add/", department.designation_add, name="designation_add"),
    path(
        "designations/head/",
        department.designation_appoint_head,
        name="designation_appoint_head",
    ),
    path(
        "designations/<int:pk>/revoke/",
        department.designation_revoke,
        name="designation_revoke",
    ),
    path(
        "designations/<int:pk>/document/",
        department.designation_document,
        name="designation_document",
    ),
    path("help/", guide.help_index, name="help"),
    path("help/img/<str:name>", guide.help_image, name="help_image"),
    path("help/<slug:slug>/", guide.help_page, name="help_page"),
    path("favicon.ico", health.favicon, name="favicon"),
]
