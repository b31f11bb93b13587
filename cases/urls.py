"""The case workflow's pages: home, queues, lists, one request and its steps."""

from __future__ import annotations

from django.urls import include, path

from cases import guide, views

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
    path("queues/<str:key>/", views.queue, name="queue"),
    path("requests/", views.request_list, name="request_list"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/<str:reference>/", include(request_urls)),
    path("healthz", views.healthz, name="healthz"),
    path("help/", guide.help_index, name="help"),
    path("help/img/<str:name>", guide.help_image, name="help_image"),
    path("help/<slug:slug>/", guide.help_page, name="help_page"),
    path("favicon.ico", views.favicon, name="favicon"),
]
