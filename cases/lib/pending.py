"""A step's form data kept in the server-side session while the user re-authenticates.

Certify, decline and withdraw-certification ask for the password and a code first. The data
the user had typed (a decline's reason and explanation, a certification note) stays on the
server for that round trip, so the form comes back filled in and nothing has to be typed or
chosen again (WCAG 2.1 SC 3.3.4, error prevention for legal commitments; SC 2.2.1, a time
limit must not lose the user's work). Only the fields of that one step are kept, never the CSRF
token, and only for one request and a short time.
"""

from __future__ import annotations

import time
from typing import Any

from django.http import HttpRequest, QueryDict

PENDING_STEP = "uvisa_pending_step"
KEEP_SECONDS = 15 * 60


def keep_step_data(request: HttpRequest, *, reference: str, name: str) -> None:
    """Keep the POSTed fields of step ``name`` (its form prefix) for the request ``reference``."""
    prefix = f"{name}-"
    request.session[PENDING_STEP] = {
        "reference": reference,
        "name": name,
        "at": time.time(),
        "data": {k: request.POST.getlist(k) for k in request.POST if k.startswith(prefix)},
    }


def take_step_data(request: HttpRequest, reference: str) -> tuple[str, QueryDict] | None:
    """The kept step name and its data for ``reference``, once; None when nothing is kept."""
    pending: dict[str, Any] | None = request.session.get(PENDING_STEP)
    if not pending or pending.get("reference") != reference:
        return None
    del request.session[PENDING_STEP]
    if time.time() - float(pending.get("at", 0)) > KEEP_SECONDS:
        return None
    data = QueryDict(mutable=True)
    for key, values in pending.get("data", {}).items():
        data.setlist(key, [str(v) for v in values])
    return str(pending["name"]), data


def has_step_data(request: HttpRequest) -> bool:
    return PENDING_STEP in request.session
