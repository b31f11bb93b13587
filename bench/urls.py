"""The application's URLs plus ``/bench/baseline`` (benchmark settings only)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.http import require_GET

from uvisa.urls import urlpatterns as app_urlpatterns


@login_not_required
@require_GET
def baseline(request: HttpRequest) -> HttpResponse:
    """The fastest a Django page can be here: same middleware, no database, no template."""
    return HttpResponse(b"ok", content_type="text/plain")


@require_GET
def signed_in(request: HttpRequest) -> HttpResponse:
    """The floor of every signed-in page: session, user, second factor, no page work."""
    return HttpResponse(b"ok", content_type="text/plain")


@require_GET
def case_floor(request: HttpRequest, reference: str) -> HttpResponse:
    """The floor of the case page: what every view of it must do before showing anything.

    The signed-in floor, then the request read through the access helper (C16: record by
    record) and the access-log row written for the view (C9), as ``request_detail`` does
    them; no other query, no template.
    """
    from cases.audit import log_access
    from cases.models import AccessLog
    from cases.permissions import case_page_related, get_request_for_user

    related = case_page_related(request.user)
    obj = get_request_for_user(request.user, reference, related=related)
    log_access(request, action=AccessLog.Action.VIEW_REQUEST, obj=obj)
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/baseline", baseline, name="bench_baseline"),
    path("bench/signed-in", signed_in, name="bench_signed_in"),
    path("bench/case-floor/<str:reference>", case_floor, name="bench_case_floor"),
    *app_urlpatterns,
]
