"""What the case pages share: a refusal, a service's errors on its form, the agency."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from cases.errors import AlreadySubmitted
from cases.models import Agency, CertificationRequest
from cases.selectors import the_agency


def refused(request: HttpRequest, obj: CertificationRequest, exc: Exception) -> HttpResponse:
    """A refusal the user can act on: say it and go back to the case page (nothing changed)."""
    if isinstance(exc, ValidationError):
        messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, str(exc))
    return redirect(obj)


def repeated(request: HttpRequest, exc: AlreadySubmitted) -> HttpResponse:
    """The same form posted again: say so and show what the first submission made."""
    messages.info(request, str(exc))
    if exc.reference:
        return redirect("request_detail", reference=exc.reference)
    return redirect(reverse("home"))


def form_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def agency_or_404() -> Agency:
    agency = the_agency()
    if agency is None:
        raise Http404("The agency is not set up yet.")
    return agency
