"""The machinery every service shares: lock the row, check, transition, save, audit.

``take_step`` runs one step of the state machine on ``CertificationRequest`` inside the
calling service's transaction; ``record_event`` writes the append-only CaseEvent and its
notice in the outbox; ``apply_values`` sets and validates the fields a service may change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from cases import permissions as perms
from cases.audit import append_event
from cases.certify_conditions import form_obstacles
from cases.errors import AlreadySubmitted, StaleRequest, TransitionRefused
from cases.models import CaseEvent, CertificationRequest, SubmittedIntent
from cases.notifications import enqueue_notice

if TYPE_CHECKING:
    from django.contrib.auth.models import User

_T = TypeVar("_T")


def lock_request(request: CertificationRequest) -> CertificationRequest:
    locked = CertificationRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != request.status:
        raise StaleRequest(
            _(
                "%(reference)s was changed by someone else while you had it open: it "
                "is now “%(status)s”. Nothing was changed; reload the page."
            )
            % {"reference": locked.reference, "status": locked.get_status_display()}
        )
    return locked


def record_event(
    request: CertificationRequest | None,
    *,
    actor: User | None,
    kind: str,
    at: datetime | None = None,
    note: str = "",
    transition: str = "",
    from_state: str = "",
    to_state: str = "",
    internal: bool = False,
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    event = CaseEvent(
        request=request,
        actor=actor,
        created_at=at or timezone.now(),
        kind=kind,
        transition=transition,
        from_state=from_state,
        to_state=to_state,
        note=note,
        internal=internal,
        data=data or {},
    )
    # Tamper evidence: chained to the previous event under a lock (cases/audit.py).
    append_event(event)
    # The notice is written with the event, in the same transaction; the send_outbox worker
    # sends it after commit (cases/notifications.py).
    enqueue_notice(event)
    return event


def take_step(
    request: CertificationRequest,
    name: str,
    *,
    actor: User,
    at: datetime | None,
    args: dict[str, Any] | None = None,
    note: str = "",
    internal: bool = False,
    data: dict[str, Any] | None = None,
    after_save: Callable[[CertificationRequest], dict[str, Any]] | None = None,
) -> CertificationRequest:
    """Lock, check, transition, save, audit. Runs inside the calling service's transaction.

    ``args`` go to the transition method; ``at`` (default: now) stamps the event.
    ``after_save`` runs after the save, before the event; what it returns joins the event data.
    """
    locked = lock_request(request)
    meta = getattr(CertificationRequest, name)._django_fsm
    label = locked.step_label(name)
    if not meta.has_transition(locked.status):
        raise TransitionRefused(
            _(
                "“%(label)s” is not possible while %(reference)s is “%(status)s”. "
                "Nothing was changed."
            )
            % {"label": label, "reference": locked.reference, "status": locked.get_status_display()}
        )
    if not perms.STEP_RULES[name](locked, actor):
        raise PermissionDenied(_("You may not do this on this request."))
    if not meta.conditions_met(locked, locked.status):
        raise TransitionRefused(_unmet_condition_message(name, locked))
    from_state = locked.status
    getattr(locked, name)(**(args or {}))
    try:
        locked.save()
    except ConcurrentTransition as exc:
        raise StaleRequest(
            _("%(reference)s was changed by someone else. Nothing was changed; reload the page.")
            % {"reference": locked.reference}
        ) from exc
    if after_save is not None:
        data = {**(data or {}), **after_save(locked)}
    record_event(
        locked,
        actor=actor,
        kind=CaseEvent.Kind.TRANSITION,
        at=at,
        transition=name,
        from_state=from_state,
        to_state=locked.status,
        note=note,
        internal=internal,
        data=data,
    )
    return locked


def _unmet_condition_message(name: str, request: CertificationRequest | None = None) -> str:
    if name == "certify" and request is not None:  # name the empty or inconsistent items
        found = form_obstacles(request)  # the lists the certify guards read
        to_adopt = [o.text for o in found if o.kind == "to_adopt"]
        missing = [o.text for o in found if o.kind in ("missing", "edition")]
        problems = [o.text for o in found if o.kind == "blocker"] + [
            f"{o.text} (not yet acknowledged)" for o in found if o.kind == "warning"
        ]
        text = ""
        if to_adopt:
            text += (
                _(
                    "These Supplement B items still need the department's text (adopt the "
                    "proposal or rewrite it): %(items)s."
                )
                % {"items": "; ".join(to_adopt)}
                + " "
            )
        if missing:
            text += (
                _("These required Supplement B items are empty: %(items)s.")
                % {"items": "; ".join(missing)}
                + " "
            )
        if problems:
            text += _("Before certifying: %(problems)s.") % {"problems": "; ".join(problems)} + " "
        return (text or _("The request is not ready for this step.") + " ") + _(
            "Nothing was changed."
        )
    return {
        "submit": _(
            "Fill in the victim's family and given names and the date of the incident "
            "before submitting."
        ),
        "confirm_qualifying_crime": _(
            "Tick at least one qualifying-crime category and assign a detective before confirming."
        ),
        "attest_helpfulness": _(
            "Answer Part 4 items 1-3 and explain the victim's helpfulness before attesting."
        ),
    }.get(name, _("The request is not ready for this step."))


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You may not do this on this request."))


def require_text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def _clean_fields(request: CertificationRequest, fields: Iterable[str]) -> None:
    exclude = [f.name for f in request._meta.fields if f.name not in set(fields)]
    request.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


def apply_values(
    request: CertificationRequest, values: dict[str, Any], allowed: list[str]
) -> list[str]:
    unknown = set(values) - set(allowed)
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed here: %(unknown)s")
            % {"unknown": ", ".join(sorted(unknown))}
        )
    changed = [name for name, value in values.items() if getattr(request, name) != value]
    for name in changed:
        setattr(request, name, values[name])
    _clean_fields(request, changed)
    return changed


def claim_intent(token: str, *, kind: str, actor: User) -> SubmittedIntent | None:
    """Claim a form's one-time token inside the caller's transaction: None when this is the
    first submission (go on), else the earlier submission (do nothing again; its
    ``reference`` names what it made). A concurrent second submission waits on the unique
    row until the first commits, then finds it. An empty token claims nothing (a caller
    outside a form page)."""
    token = (token or "").strip()[:64]
    if not token:
        return None
    try:
        with transaction.atomic():
            SubmittedIntent.objects.create(token=token, kind=kind, actor=actor)
    except IntegrityError:
        return SubmittedIntent.objects.filter(kind=kind, token=token).first()
    return None


def refuse_repeated(token: str, *, kind: str, actor: User) -> None:
    """``claim_intent``, raising ``AlreadySubmitted`` for a repeated submission."""
    earlier = claim_intent(token, kind=kind, actor=actor)
    if earlier is not None:
        raise AlreadySubmitted(
            _("This form was already sent: it was saved once. Nothing was done twice."),
            reference=earlier.reference,
        )


def fulfil_intent(token: str, *, kind: str, reference: str) -> None:
    """Name what the submission made, for the page a repeated submission goes to."""
    token = (token or "").strip()[:64]
    if token:
        SubmittedIntent.objects.filter(kind=kind, token=token).update(reference=reference)


@transaction.atomic
def take_once(intent: str, *, kind: str, actor: User, reference: str, call: Callable[[], _T]) -> _T:
    """``call`` (a service) once for the form's one-time token, in one transaction with the
    token: a step posted twice (a delay notice, a letter) is taken once; the second post raises
    ``AlreadySubmitted``. A refused call frees the token with everything else."""
    refuse_repeated(intent, kind=kind, actor=actor)
    result = call()
    fulfil_intent(intent, kind=kind, reference=reference)
    return result
