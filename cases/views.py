"""Thin views: access helper -> form -> one service -> redirect with a message."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection
from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import clocks, page_cache, permissions, services
from cases.accounts.sessions import consume_fresh_auth, has_fresh_auth
from cases.audit import log_access
from cases.errors import TransitionRefused, WorkflowError
from cases.forms import (
    AssignForm,
    CooperationForm,
    CrimeCheckForm,
    DocumentForm,
    FamilyMemberFormSet,
    HelpfulnessForm,
    QuestionForm,
    RequestForm,
)
from cases.lib.crypto import keyed_hash
from cases.lib.names import user_name
from cases.lib.pagination import CappedPaginator  # counts stop at a cap
from cases.lib.pending import keep_step_data, take_step_data
from cases.lib.uploads import download_name
from cases.models import (
    PENDING_STATES,
    AccessLog,
    CertificationRequest,
    Document,
    FormType,
    IssuedForm,
    IssuedLetter,
    QualifyingCrimeCategory,
    Status,
    Statute,
)
from cases.permissions import get_request_for_user, has_capability
from cases.presentation import clock_for, empty_fields_html, progress_for, step_message
from cases.reporting import open_clocks
from cases.roles import DETECTIVE
from cases.selectors import events_visible_to, requests_visible_to, the_agency
from cases.states import OPEN_STATES
from cases.steps import STEPS
from cases.uscis.trafficking import STATUTE_FORMS, TraffickingForm

logger = logging.getLogger(__name__)

# --- lists and queues ---


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


# --- the case page ---


def available_transitions(request_obj: CertificationRequest, user: Any) -> list[dict[str, Any]]:
    """Names, labels and empty forms of the steps this user may take now (never the methods)."""
    result = []
    for name in permissions.steps_for(request_obj, user):
        step = STEPS[name]
        form = step.form(prefix=name) if step.form else None
        if form is None:
            fields_html = ""
        elif getattr(step.form, "cache_fields", True):
            fields_html = empty_fields_html(step.form, name)
        else:  # choices read from the database: rendered each time
            fields_html = render_to_string("cases/includes/form_fields.html", {"form": form})
        result.append(
            {
                "name": name,
                "label": step.label,
                "form": form,
                "fields_html": fields_html,
                "secondary": step.secondary,
                "multipart": bool(form is not None and form.is_multipart()),
            }
        )
    result.sort(key=lambda t: t["secondary"])
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
        "statutes": obj.statutes.all(),
        "staff": staff,
        "can_edit": permissions.can_edit(obj, user),
        "can_add_document": permissions.can_add_document(obj, user),
        "can_crime_check": permissions.can_record_crime_check(obj, user),
        "can_assign": permissions.can_assign_detective(obj, user),
        "can_helpfulness": permissions.can_record_helpfulness(obj, user),
        "can_recertify": permissions.can_recertify(obj, user),
        "valid_soon": _validity_ending(obj),
        "detective_options": _detective_options(user, obj.assigned_detective_id)
        if permissions.can_assign_detective(obj, user)
        else "",
        "document_kinds": Document.Kind.choices,
    }


def _validity_ending(obj: CertificationRequest) -> bool:
    """The signed form expires within 30 days or has expired: time to re-certify."""
    if clocks.valid_until(obj.form_type, obj.signed_on) is None:  # T: no filing period
        return False
    return clocks.validity(obj.signed_on, now=timezone.now()) != clocks.ValidityState.VALID


@require_GET
def request_detail(request: HttpRequest, reference: str) -> HttpResponse:
    related = permissions.case_page_related(request.user)
    obj = get_request_for_user(request.user, reference, related=related)
    log_access(request, action=AccessLog.Action.VIEW_REQUEST, obj=obj)
    # Read once for the page and the Supplement B check (uscis/formmap.py: the head designations,
    # only while open; a decided request reads none); the letters once for both blocks.
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
    if step is None or step.form is None or not permissions.may_take_step(name, obj, request.user):
        return None
    form = step.form(data, prefix=name)
    form.is_valid()  # show what still needs an answer
    messages.info(
        request,
        _("Your “%(label)s” answers are filled in again. Check them and press “%(label)s”.")
        % {"label": step.label},
    )
    return {
        name: {
            "name": name,
            "label": step.label,
            "form": form,
            "secondary": step.secondary,
            "multipart": form.is_multipart(),
            "resumed": True,
        }
    }


def _refused(request: HttpRequest, obj: CertificationRequest, exc: Exception) -> HttpResponse:
    """A refusal the user can act on: say it and go back to the case page (nothing changed)."""
    if isinstance(exc, ValidationError):
        messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, str(exc))
    return redirect(obj)


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
            % {"label": step.label},
        )
        return redirect(f"{reverse('reauth')}?next={obj.get_absolute_url()}")
    data: dict[str, Any] = {}
    if step.form is not None:
        form = step.form(request.POST, request.FILES, prefix=name)
        if not form.is_valid():
            if not permissions.may_take_step(name, obj, request.user):
                return _refused(
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
                    "label": step.label,
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
        step.call(obj, request.user, data)
    except (WorkflowError, ValidationError) as exc:
        return _refused(request, obj, exc)
    obj.refresh_from_db()
    messages.success(request, step_message(obj, step.label))
    return redirect(obj)


# --- the advocate's request ---


@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest) -> HttpResponse:
    if not has_capability(request.user, permissions.SUBMIT):
        raise PermissionDenied(_("Only advocates create requests."))
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        agency = _agency()
        try:
            obj = services.request_create(actor=request.user, agency=agency, values=_values(form))
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request,
                _("Draft %(reference)s saved. Add documents, then submit.")
                % {"reference": obj.reference},
            )
            return redirect(obj)
    return render(
        request,
        "cases/request_form.html",
        {"form": form, "obj": None},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def request_edit(request: HttpRequest, reference: str) -> HttpResponse:
    obj = get_request_for_user(request.user, reference)
    if not permissions.can_edit(obj, request.user):
        raise PermissionDenied(_("This request can no longer be edited."))
    form = RequestForm(request.POST or None, instance=CertificationRequest.objects.get(pk=obj.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.request_update(request=obj, actor=request.user, values=_values(form))
        except WorkflowError as exc:
            return _refused(request, obj, exc)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(obj)
    return render(
        request,
        "cases/request_form.html",
        {"form": form, "obj": obj},
        status=400 if form.errors else 200,
    )


def _values(form: RequestForm) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in form._meta.fields}


def _form_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _agency() -> Any:
    agency = the_agency()
    if agency is None:
        raise Http404("The agency is not set up yet.")
    return agency


@require_POST
def document_add(request: HttpRequest, reference: str) -> HttpResponse:
    obj = get_request_for_user(request.user, reference)
    if not permissions.can_add_document(obj, request.user):
        raise PermissionDenied(_("You may not add documents to this request now."))
    form = DocumentForm(request.POST, request.FILES, kinds=Document.Kind.choices)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect(obj)
    try:
        services.request_add_document(
            request=obj,
            actor=request.user,
            upload=form.cleaned_data["file"],
            kind=form.cleaned_data["kind"],
        )
    except (WorkflowError, ValidationError) as exc:
        return _refused(request, obj, exc)
    messages.success(request, _("Document added."))
    return redirect(obj)


@require_GET
def document_download(request: HttpRequest, reference: str, document_id: int) -> FileResponse:
    obj = get_request_for_user(request.user, reference)
    document = obj.documents.filter(pk=document_id).first()
    if document is None:
        raise Http404("No such document.")
    log_access(request, action=AccessLog.Action.DOWNLOAD_DOCUMENT, obj=obj, document=document)
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=download_name(document.original_name, document.content_type),
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def request_recertify(request: HttpRequest, reference: str) -> HttpResponse:
    obj = get_request_for_user(request.user, reference)
    try:
        renewal = services.request_create_recertification(original=obj, actor=request.user)
    except WorkflowError as exc:
        return _refused(request, obj, exc)
    messages.success(
        request,
        _("Re-certification draft %(reference)s created from %(obj)s.")
        % {"reference": renewal.reference, "obj": obj},
    )
    return redirect(renewal)


# --- coordinator ---


def statute_search(q: str) -> QuerySet[Statute]:
    """Statutes by citation or words of the offense (each word must match)."""
    rows = Statute.objects.filter(active=True).prefetch_related("categories")
    for word in q.split()[:8]:
        rows = rows.filter(
            Q(citation__icontains=word) | Q(offense__icontains=word) | Q(notes__icontains=word)
        )
    return rows


@require_http_methods(["GET", "POST"])
def crime_check(request: HttpRequest, reference: str) -> HttpResponse:
    obj = get_request_for_user(request.user, reference, related=())
    if not permissions.can_record_crime_check(obj, request.user):
        raise PermissionDenied(_("The crime check is open to the coordinator during the check."))
    q = request.GET.get("q", "").strip()[:100]
    t_visa = obj.form_type == FormType.T_VISA
    # Reference data: the same answer until a statute or category changes (shared version).
    results = (
        page_cache.shared_value(
            f"statute-search:{q}", lambda: list(statute_search(q)), user=request.user
        )
        if q
        else []
    )
    if t_visa and not q:  # c. 265 ss. 50, 51 and the related offences, shown first
        results = list(Statute.objects.filter(active=True, citation__in=STATUTE_FORMS))
    cited = list(obj.statutes.prefetch_related("categories"))
    statutes = {s.pk: s for s in [*cited, *results]}.values()
    categories = (
        []
        if t_visa
        else page_cache.shared_value(
            "crime-categories",
            lambda: list(QualifyingCrimeCategory.objects.all()),
            user=request.user,
        )
    )
    initial = {
        "categories": list(obj.trafficking_forms)
        if t_visa
        else [c.code for c in obj.crime_categories.all()],
        "statutes": [str(s.pk) for s in cited],
        **{name: getattr(obj, name) for name in services.CRIME_CHECK_FIELDS},
    }
    form = CrimeCheckForm(
        request.POST or None, initial=initial, categories=categories, statutes=list(statutes)
    )
    if t_visa:
        form.for_trafficking()
    if request.method == "POST":
        # Statutes ticked on the page may come from an earlier search: accept any active one.
        form.fields["statutes"].choices = [
            (str(s.pk), str(s)) for s in Statute.objects.filter(active=True)
        ]
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.request_record_crime_check(
                    request=obj,
                    actor=request.user,
                    categories=QualifyingCrimeCategory.objects.filter(code__in=data["categories"]),
                    statutes=Statute.objects.filter(pk__in=data["statutes"]),
                    values={n: data[n] for n in services.CRIME_CHECK_FIELDS if n in form.fields},
                    trafficking_forms=data["categories"] if t_visa else (),
                )
            except WorkflowError as exc:
                return _refused(request, obj, exc)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("Crime check saved."))
                return redirect(obj)
    if t_visa:
        suggested = sorted({f for s in statutes for f in STATUTE_FORMS.get(s.citation, ())})
        boxes = TraffickingForm.choices
    else:
        suggested = sorted({c.code for s in statutes for c in s.categories.all()})
        boxes = [(c.code, c.name) for c in categories]
    # The categories the cited or found statutes suggest say so in their own label.
    form.fields["categories"].choices = [
        (code, f"{name} (suggested)" if code in suggested else name) for code, name in boxes
    ]
    return render(
        request,
        "cases/crime_check.html",
        {
            "obj": obj,
            "form": form,
            "q": q,
            "results": results,
            "suggested": suggested,
            "t_visa": t_visa,
            "statute_forms": STATUTE_FORMS,
        },
        status=400 if form.errors else 200,
    )


@require_POST
def assign_detective(request: HttpRequest, reference: str) -> HttpResponse:
    obj = get_request_for_user(request.user, reference)
    if not permissions.can_assign_detective(obj, request.user):
        raise PermissionDenied(_("You may not assign this request."))
    detectives = _detectives()
    form = AssignForm(request.POST, detectives=detectives)
    if not form.is_valid():
        messages.error(request, _("Choose a detective."))
        return redirect(obj)
    detective = next(d for d in detectives if str(d.pk) == form.cleaned_data["detective"])
    try:
        services.request_assign_detective(request=obj, actor=request.user, detective=detective)
    except (WorkflowError, ValidationError) as exc:
        return _refused(request, obj, exc)
    messages.success(request, _("Assigned to %(user_name)s.") % {"user_name": user_name(detective)})
    return redirect(obj)


def _detectives() -> list[Any]:
    users = get_user_model().objects.filter(groups__name=DETECTIVE, is_active=True)
    return list(users.order_by("last_name", "first_name"))


def _detective_options(user: Any, selected_id: int | None) -> str:
    """The <option>s of the assign form, built once per data version (a county may have
    hundreds of detectives; cases/page_cache.py says when anything changed)."""
    key = f"detective-options:{page_cache.versions(user).shared}"
    options = cache.get(key)
    if options is None:
        options = format_html_join(
            "",
            '<option value="{}">{}</option>',
            ((d.pk, user_name(d)) for d in _detectives()),
        )
        cache.set(key, options, page_cache.CONTENT_SECONDS)
    if selected_id is not None:
        mark = f'<option value="{selected_id}">'
        options = options.replace(mark, f'<option value="{selected_id}" selected>', 1)
    return mark_safe(options)  # noqa: S308  # nosec B308 B703: format_html_join escaped the names


# --- detective ---


@require_http_methods(["GET", "POST"])
def helpfulness(request: HttpRequest, reference: str) -> HttpResponse:
    obj = get_request_for_user(request.user, reference)
    if not permissions.can_record_helpfulness(obj, request.user):
        raise PermissionDenied(_("Only the assigned detective answers Part 4, during the review."))
    form_class = CooperationForm if obj.form_type == FormType.T_VISA else HelpfulnessForm
    names = list(form_class.base_fields)
    form = form_class(request.POST or None, initial={n: getattr(obj, n) for n in names})
    family = FamilyMemberFormSet(
        request.POST or None,
        prefix="family",
        initial=list(
            obj.family_members.values(
                "family_name", "given_name", "middle_name", "relationship", "involvement"
            )
        ),
    )
    # "No" to Part 5 item 1: the family-member rows (hidden on the page) do not apply.
    no_family = form.is_bound and form.data.get("family_members_implicated") == "no"
    if request.method == "POST" and form.is_valid() and (no_family or family.is_valid()):
        members = [
            {k: v for k, v in f.cleaned_data.items() if k != "DELETE"}
            for f in family.forms
            if not no_family and f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        if form.cleaned_data["family_members_implicated"] == "yes" and not members:
            form.add_error("family_members_implicated", _("List the family members involved."))
        else:
            try:
                services.request_record_helpfulness(
                    request=obj,
                    actor=request.user,
                    values=form.cleaned_data,
                    family_members=members,
                )
            except WorkflowError as exc:
                return _refused(request, obj, exc)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("Part 4 and Part 5 saved. Attest when ready."))
                return redirect(obj)
    invalid = request.method == "POST"
    return render(
        request,
        "cases/helpfulness.html",
        {"obj": obj, "form": form, "family": family, "question": QuestionForm()},
        status=400 if invalid else 200,
    )


@require_POST
def ask_coordinator(request: HttpRequest, reference: str) -> HttpResponse:
    obj = get_request_for_user(request.user, reference)
    form = QuestionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the question."))
        return redirect(obj)
    try:
        services.request_ask_coordinator(
            request=obj, actor=request.user, text=form.cleaned_data["text"]
        )
    except (WorkflowError, ValidationError) as exc:
        return _refused(request, obj, exc)
    messages.success(request, _("Question sent to the coordinator."))
    return redirect(obj)


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
