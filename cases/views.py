"""Thin views: access helper -> form -> one service -> redirect with a message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from cases import clocks, services
from cases.forms import TRANSITION_FORMS
from cases.models import AccessLog, CertificationRequest
from cases.permissions import get_request_for_user
from cases.security import consume_fresh_auth, has_fresh_auth, log_access
from cases.selectors import events_visible_to, requests_visible_to

REAUTH_STEPS = {"certify", "decline", "withdraw_certification"}

ServiceCall = Callable[[CertificationRequest, Any, dict[str, Any]], CertificationRequest]

SERVICE_CALLS: dict[str, ServiceCall] = {
    "submit": lambda r, u, d: services.request_submit(request=r, actor=u),
    "begin_crime_check": lambda r, u, d: services.request_begin_crime_check(request=r, actor=u),
    "confirm_qualifying_crime": lambda r, u, d: services.request_confirm_qualifying_crime(
        request=r, actor=u, note=d["note"]
    ),
    "refer_not_qualifying": lambda r, u, d: services.request_refer_not_qualifying(
        request=r, actor=u, reason=d["reason"]
    ),
    "attest_helpfulness": lambda r, u, d: services.request_attest_helpfulness(
        request=r, actor=u, note=d["note"]
    ),
    "return_for_review": lambda r, u, d: services.request_return_for_review(
        request=r, actor=u, note=d["note"]
    ),
    "certify": lambda r, u, d: services.request_certify(request=r, actor=u, note=d["note"]),
    "decline": lambda r, u, d: services.request_decline(
        request=r, actor=u, reason=d["reason"], note=d["note"]
    ),
    "request_information": lambda r, u, d: services.request_ask_information(
        request=r, actor=u, text=d["text"]
    ),
    "answer_information": lambda r, u, d: services.request_answer_information(
        request=r, actor=u, text=d["text"]
    ),
    "issue_delay_notice": lambda r, u, d: services.request_issue_delay_notice(
        request=r, actor=u, **d
    ),
    "withdraw": lambda r, u, d: services.request_withdraw(request=r, actor=u, reason=d["reason"]),
    "withdraw_certification": lambda r, u, d: services.request_withdraw_certification(
        request=r, actor=u, reason=d["reason"]
    ),
}


def available_transitions(request_obj: CertificationRequest, user: Any) -> list[dict[str, Any]]:
    """Names, labels and empty forms of the steps this user may take now (never the methods)."""
    result = []
    for transition in request_obj.get_available_user_status_transitions(user):
        form_class = TRANSITION_FORMS[transition.name]
        result.append(
            {
                "name": transition.name,
                "label": transition.custom.get("label", transition.name),
                "form": form_class(prefix=transition.name) if form_class else None,
            }
        )
    return result


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    rows = requests_visible_to(request.user).order_by("-created_at", "-pk")
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    return render(request, "cases/home.html", {"page": page})


@require_GET
def request_detail(request: HttpRequest, reference: str) -> HttpResponse:
    obj = get_request_for_user(request.user, reference)
    log_access(request, action=AccessLog.Action.VIEW_REQUEST, obj=obj)
    return render(request, "cases/detail.html", _detail_context(request, obj))


def _detail_context(request: HttpRequest, obj: CertificationRequest, **extra: Any) -> dict:
    context = {
        "obj": obj,
        "events": events_visible_to(request.user, obj),
        "transitions": available_transitions(obj, request.user),
        "due": clocks.response_due(obj.received_at) if obj.received_at else None,
        "valid_until": clocks.filing_valid_until(obj.signed_on) if obj.signed_on else None,
    }
    if extra:
        context["transitions"] = [extra.get(t["name"], t) for t in context["transitions"]]
    return context


@require_POST
def request_transition(request: HttpRequest, reference: str, name: str) -> HttpResponse:
    if name not in SERVICE_CALLS:
        raise Http404("No such step.")
    obj = get_request_for_user(request.user, reference)
    # Re-authentication right before a decision (C2, cases/security.py); refusing changes nothing.
    if name in REAUTH_STEPS and not has_fresh_auth(request) and _may_take(obj, request, name):
        messages.warning(request, "Confirm your password and code, then take the step again.")
        return redirect(f"{reverse('reauth')}?next={obj.get_absolute_url()}")
    form_class = TRANSITION_FORMS[name]
    data: dict[str, Any] = {}
    if form_class is not None:
        form = form_class(request.POST, prefix=name)
        if not form.is_valid():
            messages.error(request, "Please correct the errors below.")
            label = name
            for t in available_transitions(obj, request.user):
                if t["name"] == name:
                    label = t["label"]
            bound = {name: {"name": name, "label": label, "form": form}}
            log_access(request, action=AccessLog.Action.VIEW_REQUEST, obj=obj, detail=name)
            context = _detail_context(request, obj, **bound)
            return render(request, "cases/detail.html", context, status=400)
        data = form.cleaned_data
    if name in REAUTH_STEPS:
        consume_fresh_auth(request)
    try:
        SERVICE_CALLS[name](obj, request.user, data)
    except services.StaleRequest as exc:
        messages.error(request, str(exc))
        return redirect(obj)
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
        return redirect(obj)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(obj)
    except PermissionDenied:
        raise
    messages.success(request, "Done.")
    return redirect(obj)


def _may_take(obj: CertificationRequest, request: HttpRequest, name: str) -> bool:
    """Only a step the user could take now asks for re-authentication; others are refused."""
    return any(t.name == name for t in obj.get_available_user_status_transitions(request.user))


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
