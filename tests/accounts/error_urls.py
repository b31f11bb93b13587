"""The application's URLs and one view that fails, for the 500 page's headers."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

from uvisa.urls import urlpatterns as application


@login_not_required
def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a fault in a view")


urlpatterns = [*application, path("boom/", boom)]
