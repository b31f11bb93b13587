"""Home, the queues and the list of requests: what waits for whom, with each row's clock.

A row shows no victim data and no long text (``LIST_FIELDS``); pages are cached per user and
data version (cases/page_cache.py).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from cases import page_cache, permissions
from cases.lib.crypto import keyed_hash
from cases.lib.pagination import CappedPaginator  # counts stop at a cap
from cases.models import PENDING_STATES, CertificationRequest, Status
from cases.permissions import has_capability
from cases.presentation import clock_for
from cases.reporting import open_clocks
from cases.selectors import requests_visible_to

# The columns a list row shows and its clock reads: no victim data, no long text.
LIST_FIELDS = [
    "reference",
    "status",
    "created_at",
    "received_at",
    "due_on",
    "expedited",
    "age_out_date",
    "delay_projected_date",
    "delay_issued_at",
    "decided_at",
    "signed_on",  # a certification's answer day (clocks.answered_on)
    "first_answered_at",  # a reconsidered request's answer (clocks.answered_on)
    "organization__name",
]


def _for_lists(rows: QuerySet[CertificationRequest]) -> QuerySet[CertificationRequest]:
    return rows.select_related(None).select_related("organization").only(*LIST_FIELDS)


def _queues(user: Any) -> list[dict[str, Any]]:
    """What waits for this user, one queue per capability, most urgent first."""
    visible = _for_lists(requests_visible_to(user))
    queues = []
    if has_capability(user, permissions.SUBMIT):
        queues.append(
            {
                "key": "action",
                "title": "Needs your action",
                "empty": "Nothing waits for you: no drafts and no questions from the department.",
                "rows": visible.filter(status__in=[Status.DRAFT, Status.INFO_REQUESTED]).order_by(
                    "-created_at", "-pk"
                ),
            }
        )
        queues.append(
            {
                "key": "organisation",
                "title": "Your organisation's requests",
                "empty": "Your organisation has no requests yet.",
                "rows": visible.order_by("-created_at", "-pk"),
            }
        )
    if has_capability(user, permissions.REVIEW):
        queues.append(
            {
                "key": "new",
                "title": "New requests",
                "empty": "No new requests: every submitted request is in its crime check.",
                "rows": visible.filter(status=Status.RECEIVED).order_by("-received_at", "-pk"),
            }
        )
        queues.append(
            {
                "key": "intake",
                "title": "Intake queue",
                "empty": "No open requests.",
                "rows": visible.filter(status__in=PENDING_STATES).order_by("due_on", "pk"),
            }
        )
    if has_capability(user, permissions.ATTEST):
        queues.append(
            {
                "key": "assignments",
                "title": "My assignments",
                "empty": "No requests wait for your attestation.",
                "rows": visible.filter(
                    status=Status.HELPFULNESS_REVIEW, assigned_detective=user
                ).order_by("due_on", "pk"),
            }
        )
    if has_capability(user, permissions.DECIDE):
        queues.append(
            {
                "key": "decisions",
                "title": "Decision queue",
                "empty": "No requests wait for a decision.",
                "rows": visible.filter(status=Status.CHIEF_DECISION).order_by("due_on", "pk"),
            }
        )
    if has_capability(user, permissions.VIEW_AUDIT) and not queues:
        # The auditor reads every request: the latest first, closed ones included.
        queues.append(
            {
                "key": "latest",
                "title": "Latest requests",
                "empty": "No requests yet.",
                "rows": visible.exclude(status=Status.DRAFT).order_by("-created_at", "-pk"),
            }
        )
    return queues


def _with_clocks(rows: Any) -> list[tuple[CertificationRequest, Any]]:
    now = timezone.now()
    rows = list(rows)
    # The clock reads a request's delay notices; one query, and none when no row has any.
    prefetch_related_objects([r for r in rows if r.delay_issued_at], "delay_notices")
    return [(r, clock_for(r, now)) for r in rows]


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    def build() -> tuple[str, str]:
        queues = _queues(request.user)
        for queue in queues:
            queue["items"] = _with_clocks(queue["rows"][:10])
            queue["more"] = len(queue["items"]) == 10
        is_staff = has_capability(request.user, permissions.REVIEW) or has_capability(
            request.user, permissions.DECIDE
        )
        context = {
            "queues": queues,
            "can_create": has_capability(request.user, permissions.SUBMIT),
            "can_audit": permissions.can_read_audit(request.user),
            # Clock tile for the coordinator and the Chief.
            "clock_tile": open_clocks.open_requests_by_clock(now=timezone.now())
            if is_staff
            else None,
        }
        return "Home", render_to_string("cases/home.html", context, request)

    return page_cache.cached_page(request, build)


@require_GET
def queue(request: HttpRequest, key: str) -> HttpResponse:
    def build() -> tuple[str, str]:
        found = [q for q in _queues(request.user) if q["key"] == key]
        if not found:
            raise Http404("No such queue.")
        page = CappedPaginator(found[0]["rows"]).get_page(request.GET.get("page"))
        context = {"queue": found[0], "page": page, "items": _with_clocks(page.object_list)}
        return found[0]["title"], render_to_string("cases/queue.html", context, request)

    return page_cache.cached_page(request, build)


@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    return page_cache.cached_page(request, lambda: _request_list_content(request))


def _request_list_content(request: HttpRequest) -> tuple[str, str]:
    rows: QuerySet[CertificationRequest] = _for_lists(requests_visible_to(request.user))
    status = request.GET.get("status", "")
    if status in Status.values:
        rows = rows.filter(status=status)
    q = request.GET.get("q", "").replace("\x00", "").strip()[:50]  # PostgreSQL refuses NUL
    if q:
        # The numbers are encrypted: exact match through their keyed hashes.
        rows = rows.filter(
            Q(reference__icontains=q)
            | Q(report_number_digest=keyed_hash(q, purpose="report_number") or "-")
            | Q(a_number_digest=keyed_hash(q, purpose="a_number") or "-")
        )
    page = CappedPaginator(rows.order_by("-created_at", "-pk")).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "items": _with_clocks(page.object_list),
        "statuses": Status.choices,
        "status": status,
        "q": q,
        "extra": urlencode({k: v for k, v in {"status": status, "q": q}.items() if v}),
    }
    return "All requests", render_to_string("cases/list.html", context, request)
