"""Answers for machines and for failures: the load balancer's health check, the browser's icon
request, and the error page (a database that does not answer is a 503, not a bug)."""

from __future__ import annotations

import logging
import sys

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For the load balancer: 200 when this server can reach the database, 503 when not.

    No login, no session, no personal data (docs/deploy.md).
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        logger.exception("healthz: database unavailable")
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


@login_not_required
@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says: send them to the served icon."""
    return redirect(static("img/favicon-32.png"), permanent=True)


def server_error(request: HttpRequest) -> HttpResponse:
    """The error page (handler500). The database gone for a moment (restarted, failed over,
    the network cut) is not a bug: 503 with Retry-After and a page that says nothing was saved
    (each step is one transaction, rolled back). Anything else: the plain 500 page."""
    exc = sys.exc_info()[1]
    if isinstance(exc, (OperationalError, InterfaceError)):
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponseServerError(loader.render_to_string("500.html"))
