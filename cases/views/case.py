"""The case page and the steps taken from it: access helper -> step form -> one service ->
redirect with a message. The steps are those of the registry (cases/steps.py) the user may take now.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases import clocks, permissions
from cases.accounts.sessions import consume_fresh_auth, has_fresh_auth
from cases.audit import log_access
from cases.errors import AlreadySubmitted, TransitionRefused, WorkflowError
from cases.forms import new_intent
from cases.lib.pending import keep_step_data, take_step_data
from cases.models import AccessLog, CertificationRequest, Document, IssuedForm, IssuedLetter
from cases.permissions import get_request_for_user
from cases.presentation import (
    certify_obstacles,
    clock_for,
    empty_fields_html,
    progress_for,
    step_message,
)
from cases.selectors import events_visible_to
from cases.services.common import take_once
from cases.states import OPEN_STATES, FormType
from cases.steps import STEPS
from cases.uscis import formmap
from cases.uscis.trafficking import TraffickingForm
from cases.views.common import refused, repeated
from cases.views.crime_check import detective_options


def available_transitions(request_obj: CertificationRequest, user: Any) -> list[dict[str, Any]]:
    """Names, labels and empty forms of the steps this user may take now (never the methods)."""
    result = []
    for name in permissions.steps_for(request_obj, user):
        step = STEPS[name]
        form_class = step.form_for(request_obj)
        form = form_class(prefix=name) if form_class else None
        if form is None:
            fields_html = ""
        elif getattr(form_class, "cache_fields", True):
            fields_html = empty_fields_html(form_class, name)
        else:  # choices read from the database: rendered each time
            fields_html = render_to_string("cases/includes/form_fields.html", {"form": form})
        result.append(
            {
                "name": name,
                "label": step.label_for(request_obj),
                "form": form,
                "fields_html": fields_html,
                "secondary": step.secondary,
                "multipart": bool(form is not None and form.is_multipart()),
            }
        )
    result.sort(key=lambda t: t["secondary"])
    return result


def t_edition_items(obj: CertificationRequest) -> list[tuple[str, str, str]]:
    """(id, the form's words, the answer) of the T items only some editions print (I-914B
    02/27/17 Part C items 3, 6, 7 and Part F's supervisor), for the case page."""
    if obj.form_type != FormType.T_VISA:
        return []
    edition = formmap.edition_of(obj)
    not_answered = _("Not answered")
    fear = obj.get_fear_of_retaliation_display() if obj.fear_of_retaliation else not_answered
    if obj.fear_of_retaliation == "yes":
        fear = f"{fear}. {obj.fear_of_retaliation_explanation}"
    # Read only where the edition has a supervisor's ink (one query then).
    supervisor_ink = (
        obj.supervisor_signed_on_recorded if formmap.asks_supervisor_signature(edition) else None
    )
    rows = (
        ("t-fear", "fear_of_retaliation_text", fear),
        ("t-investigation-started", "investigation_started_on",
         obj.investigation_started_on.strftime("%m/%d/%Y") if obj.investigation_started_on
         else _("None (N/A on the form)")),
        ("t-investigation-completed", "investigation_completed_on",
         obj.investigation_completed_on.strftime("%m/%d/%Y") if obj.investigation_completed_on
         else _("None (N/A on the form)")),
        ("t-supervisor", "supervisor_name", obj.supervisor_name or not_answered),
        ("t-supervisor-ink", "supervisor_signed_on",
         supervisor_ink.strftime("%m/%d/%Y") if supervisor_ink else _("Not recorded yet")),
    )  # fmt: skip
    result = []
    for html_id, source, answer in rows:
        words = formmap.item_words(edition, source)
        if words:
            result.append((html_id, words, str(answer)))
    return result


def _detail_context(
    request: HttpRequest, obj: CertificationRequest, bound: dict[str, Any] | None = None
) -> dict[str, Any]:
    user = request.user
    transitions = available_transitions(obj, user)
    if bound:
        transitions = [bound.get(t["name"], t) for t in transitions]
    staff = permissions.is_staff_reader(user)
    return {
        "obj": obj,
        "events": events_visible_to(user, obj),
        "transitions": transitions,
        "clock": clock_for(obj, timezone.now()),
        "progress": progress_for(obj),
        "valid_until": clocks.valid_until(obj.form_type, obj.signed_on),
        # Forms issued before ink recording carry a typed date, not a recorded ink date.
        "typed_date": obj.signed_on is not None
        and IssuedForm.objects.filter(request=obj, issued_before_ink_recording=True).exists(),
        "documents": obj.documents.select_related("uploaded_by"),
        "family_members": obj.family_members.all() if staff else [],
        "categories": obj.crime_categories.all(),
        "trafficking_labels": [TraffickingForm(c).label for c in obj.trafficking_forms or []],
        "t_edition_items": t_edition_items(obj) if staff else [],
        "asks_supervisor": obj.form_type == FormType.T_VISA and obj.asks_supervisor_signature(),
        "statutes": obj.statutes.all(),
        "staff": staff,
        "can_edit": permissions.can_edit(obj, user),
        "can_enter": permissions.can_enter_for_requester(obj, user),
        "certify_obstacles": certify_obstacles(obj, user),
        "can_add_document": permissions.can_add_document(obj, user),
        "can_crime_check": permissions.can_record_crime_check(obj, user),
        "can_assign": permissions.can_assign_detective(obj, user),
        "can_helpfulness": permissions.can_record_helpfulness(obj, user),
        "can_recertify": permissions.can_recertify(obj, user),
        "valid_soon": _validity_ending(obj),
        "detective_options": detective_options(user, obj.assigned_detective_id)
        if permissions.can_assign_detective(obj, user)
        else "",
        "document_kinds": Document.Kind.choices,
        "intent": new_intent(),  # the step forms' one-time token (one step for one post)
    }


def _validity_ending(obj: CertificationRequest) -> bool:
    """The signed form expires within 30 days or has expired: time to re-certify."""
    return clocks.recertification_due(obj.form_type, obj.signed_on, now=timezone.now())


@require_GET
def request_detail(request: HttpRequest, reference: str) -> HttpResponse:
    related = permissions.case_page_related(request.user)
    obj = get_request_for_user(request.user, reference, related=related)
    log_access(request, action=AccessLog.Action.VIEW_REQUEST, obj=obj)
    # Read once for the page and the Supplement B check (cases/uscis/formmap.py: the head
    # designations, only while open; a decided request reads none); the letters once for both
    # blocks.
    checked = ["agency__officials"] if obj.status in OPEN_STATES else []
    letters = IssuedLetter.objects.defer("pdf").prefetch_related("deliveries")
    prefetch_related_objects(
        [obj],
        "crime_categories",
        "statutes",
        "family_members",
        "department_texts",
        *checked,
        Prefetch("issued_letters", queryset=letters),
    )
    return render(
        request, "cases/detail.html", _detail_context(request, obj, _resumed(request, obj))
    )


def _resumed(request: HttpRequest, obj: CertificationRequest) -> dict[str, Any] | None:
    """The step form the user filled in before re-authenticating, filled in again."""
    kept = take_step_data(request, obj.reference)
    if kept is None:
        return None
    name, data = kept
    step = STEPS.get(name)
    form_class = step.form_for(obj) if step is not None else None
    if step is None or form_class is None or not permissions.may_take_step(name, obj, request.user):
        return None
    form = form_class(data, prefix=name)
    form.is_valid()  # show what still needs an answer
    messages.info(
        request,
        _("Your “%(label)s” answers are filled in again. Check them and press “%(label)s”.")
        % {"label": step.label_for(obj)},
    )
    return {
        name: {
            "name": name,
            "label": step.label_for(obj),
            "form": form,
            "secondary": step.secondary,
            "multipart": form.is_multipart(),
            "resumed": True,
        }
    }


@require_POST
def request_transition(request: HttpRequest, reference: str, name: str) -> HttpResponse:
    step = STEPS.get(name)
    if step is None:
        raise Http404("No such step.")
    obj = get_request_for_user(request.user, reference, related=())  # the step reads its own
    # Re-authentication right before a decision (C2); only a step the user could take now asks
    # for it, and refusing changes nothing.
    if (
        step.reauth
        and not has_fresh_auth(request)
        and permissions.may_take_step(name, obj, request.user)
    ):
        # What the user typed stays on the server for the round trip (cases/lib/pending.py).
        keep_step_data(request, reference=obj.reference, name=name)
        messages.warning(
            request,
            _(
                "Confirm your password and code. Your “%(label)s” answers are kept and "
                "come back filled in."
            )
            % {"label": step.label_for(obj)},
        )
        return redirect(f"{reverse('reauth')}?next={obj.get_absolute_url()}")
    data: dict[str, Any] = {}
    form_class = step.form_for(obj)
    if form_class is not None:
        form = form_class(request.POST, request.FILES, prefix=name)
        if not form.is_valid():
            if not permissions.may_take_step(name, obj, request.user):
                return refused(
                    request,
                    obj,
                    TransitionRefused(
                        _("That step is no longer available on this request. Nothing was changed.")
                    ),
                )
            messages.error(request, _("Please correct the errors below."))
            bound = {
                name: {
                    "name": name,
                    "label": step.label_for(obj),
                    "form": form,
                    "secondary": step.secondary,
                    "multipart": form.is_multipart(),
                }
            }
            return render(
                request, "cases/detail.html", _detail_context(request, obj, bound), status=400
            )
        data = form.cleaned_data
    if step.reauth and not consume_fresh_auth(request):
        # Already claimed by another step posted from this session at the same moment.
        messages.warning(request, _("Confirm your password and code, then take the step again."))
        return redirect(f"{reverse('reauth')}?next={obj.get_absolute_url()}")
    try:
        take_once(
            request.POST.get("intent", ""),
            kind=f"step:{name}",
            actor=request.user,
            reference=obj.reference,
            call=lambda: step.call(obj, request.user, data),
        )
    except AlreadySubmitted as exc:
        return repeated(request, exc)
    except (WorkflowError, ValidationError) as exc:
        return refused(request, obj, exc)
    obj.refresh_from_db()
    messages.success(request, step_message(obj, step.label_for(obj)))
    return redirect(obj)
