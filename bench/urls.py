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


urlpatterns = [
    path("bench/baseline", baseline, name="bench_baseline"),
    path("bench/signed-in", signed_in, name="bench_signed_in"),
    *app_urlpatterns,
]
