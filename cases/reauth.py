"""Re-authentication right before a sensitive step (C2; OWASP ASVS 4.0 V3.7.1: a sensitive
transaction needs a full, recent sign-in).

- ``mark_fresh_auth`` / ``has_fresh_auth`` / ``consume_fresh_auth``: one re-authentication
  (password and second factor, at most ``UVISA_REAUTH_SECONDS`` old) good for one step.
- ``SENSITIVE_STEPS``: every step that asks for it, in one place.
- ``fresh_auth_or_redirect``: what a page-level step calls right before it writes.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from cases.models import ReauthGrant

# Every step that asks for a fresh sign-in, and why (ASVS V3.7.1). Three kinds of step are
# sensitive: those that change who may sign a certification (8 CFR 214.14(a)(2)-(3): only the
# agency head and the officials the head designates), those that disclose something outside the
# department (M.G.L. c. 147 s. 50-105 as adopted: the Chief decides what the six-monthly report
# shows), and those that record what was submitted to the state (c. 258F s. 4: the annual
# report). A stolen or unattended session must not be enough for any of them.
SENSITIVE_STEPS: dict[str, str] = {
    # The case decisions (cases/steps.py: Step.reauth reads this list).
    "certify": "signs the Supplement B: the department attests to USCIS",
    "decline": "refuses the certification",
    "refer_to_agency": "declines for lack of jurisdiction and may forward the victim's file",
    "void_unsigned_form": "voids a form the Chief certified",
    "withdraw_certification": "withdraws a signed certification (8 CFR 214.14(h)(2))",
    # Who may sign (cases/views/department.py).
    "designation_appoint_head": "hands the office of agency head, and the head's signature, on",
    "designation_add": "designates a certifying official (8 CFR 214.14(a)(3))",
    "designation_revoke": "revokes a certifying official's designation",
    # What is disclosed outside the department (federal_requests/views_reports.py).
    "federal_requests:task_force_disclosure": "decides whether a task force is disclosed",
    # Which form every request is filled on from now (cases/documents/views_editions.py).
    "form_edition_activate": "makes a new edition of USCIS's form the one filled",
    # What was submitted (cases/reporting/views.py, federal_requests/views_reports.py).
    "annual_report_submit": "records the annual report as sent to the state (c. 258F s. 4)",
    "federal_requests:report_submit": "freezes the six-monthly report as sent",
}


FRESH_AT = "uvisa_fresh_at"  # last full authentication: password and second factor
FRESH_GRANT = "uvisa_fresh_grant"  # the ReauthGrant it created, claimed by one decision


def now_ts() -> float:
    return timezone.now().timestamp()


def mark_fresh_auth(request: HttpRequest) -> None:
    request.session[FRESH_AT] = now_ts()
    earlier = request.session.get(FRESH_GRANT)
    if earlier:
        ReauthGrant.objects.filter(token=earlier, used_at__isnull=True).update(
            used_at=timezone.now()
        )
    token = secrets.token_urlsafe(32)
    ReauthGrant.objects.create(token=token, user=request.user, created_at=timezone.now())
    request.session[FRESH_GRANT] = token


def has_fresh_auth(request: HttpRequest) -> bool:
    """Whether the session holds a recent re-authentication (to ask for one up front; the
    decision itself claims it with ``consume_fresh_auth``)."""
    at = request.session.get(FRESH_AT)
    return at is not None and now_ts() - at <= settings.UVISA_REAUTH_SECONDS


def consume_fresh_auth(request: HttpRequest) -> bool:
    """Claim the session's re-authentication for one sensitive step; False when there is none
    left. One conditional UPDATE: two steps posted at once in one session (each with its own
    copy of the session) cannot both claim it (C2, ASVS V2.5 / V4.3: one step per grant)."""
    token = request.session.pop(FRESH_GRANT, None)
    request.session.pop(FRESH_AT, None)
    if not token or not request.user.is_authenticated:
        return False
    now = timezone.now()
    claimed = ReauthGrant.objects.filter(
        token=token,
        user=request.user,
        used_at__isnull=True,
        created_at__gte=now - timedelta(seconds=settings.UVISA_REAUTH_SECONDS),
    ).update(used_at=now)
    return claimed == 1


def fresh_auth_or_redirect(request: HttpRequest, step: str, back: str) -> HttpResponse | None:
    """Claim the session's re-authentication for ``step`` (one of ``SENSITIVE_STEPS``), right
    before the step writes: None when claimed; otherwise a redirect to the confirmation page,
    which sends the user back to ``back``, and nothing is changed."""
    if step not in SENSITIVE_STEPS:
        raise ValueError(f"{step} is not listed in SENSITIVE_STEPS")
    kept = {key: request.session.get(key) for key in (FRESH_AT, FRESH_GRANT)}
    if has_fresh_auth(request) and consume_fresh_auth(request):
        request._uvisa_claimed = kept  # type: ignore[attr-defined]
        return None
    messages.warning(request, _("Confirm your password and code, then take the step again."))
    return redirect(f"{reverse('reauth')}?{urlencode({'next': back})}")


def give_back_fresh_auth(request: HttpRequest) -> None:
    """The step claimed the re-authentication but was refused (a rule of the service, nothing
    written): the grant is unused again, for the user's next try within the same limit."""
    kept = getattr(request, "_uvisa_claimed", None)
    if not kept or not kept.get(FRESH_GRANT):
        return
    ReauthGrant.objects.filter(token=kept[FRESH_GRANT], user=request.user).update(used_at=None)
    request.session.update(kept)
    request._uvisa_claimed = None  # type: ignore[attr-defined]
