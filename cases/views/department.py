"""Pages of the department's own records: the public written policy (c. 258F s. 2), its adoption
by the agency head, designations of certifying officials (8 CFR 214.14(a)(3)), and the
department's own text of the Supplement B items it attests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import clocks, permissions, policy
from cases.audit import log_access
from cases.errors import WorkflowError
from cases.forms_department import (
    AuthorisedOnForm,
    ClauseTranslationForm,
    DepartmentTextForm,
    DesignationForm,
    HeadAppointForm,
    PolicyAdoptForm,
    RevokeForm,
)
from cases.lib.uploads import download_name, sniff
from cases.models import (
    AccessLog,
    Agency,
    CertificationRequest,
    CertifyingOfficial,
    Language,
    PolicyVersion,
)
from cases.permissions import get_request_for_user
from cases.reauth import fresh_auth_or_redirect, give_back_fresh_auth
from cases.services import department_text, designations
from cases.uscis import formmap
from cases.views.common import agency_or_404, form_errors

# --- the written policy, public ---


@login_not_required
@require_GET
def public_policy(request: HttpRequest) -> HttpResponse:
    """The version in force, in full, and the earlier versions by date (no sign-in)."""
    agency = agency_or_404()
    versions = policy.public_versions(agency)
    return render(
        request,
        "cases/policy_public.html",
        {
            "agency": agency,
            "current": versions[0] if versions else None,
            "earlier": versions[1:],
            "time_limits": clocks.profile(),
        },
    )


@login_not_required
@require_GET
def public_policy_version(request: HttpRequest, number: int) -> HttpResponse:
    agency = agency_or_404()
    version = next((v for v in policy.public_versions(agency) if v.number == number), None)
    if version is None:
        raise Http404("No such version in force.")
    return render(
        request,
        "cases/policy_public.html",
        {
            "agency": agency,
            "current": version,
            "earlier": [],
            "single": True,
            "time_limits": clocks.profile(),
        },
    )


@require_http_methods(["GET", "POST"])
def policy_adopt(request: HttpRequest) -> HttpResponse:
    agency = agency_or_404()
    if not permissions.can_adopt_policy(request.user, agency):
        raise PermissionDenied(_("Only the agency head adopts the written policy."))
    form = PolicyAdoptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            version = policy.policy_adopt(
                actor=request.user,
                agency=agency,
                title=data["title"],
                preamble=data["preamble"],
                effective_on=data["effective_on"],
                clauses=policy.parse_clauses(data["clauses"]),
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(
                request,
                _("Version %(number)s adopted, in force from %(effective_on)s.")
                % {
                    "number": version.number,
                    "effective_on": format(version.effective_on, "%m/%d/%Y"),
                },
            )
            return redirect("public_policy")
    versions = PolicyVersion.objects.filter(agency=agency).order_by("-effective_on")
    return render(
        request,
        "cases/policy_adopt.html",
        {"form": form, "versions": versions},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def policy_translations(request: HttpRequest, number: int) -> HttpResponse:
    """Each clause of a version in every letter language, who reviewed each translation and
    when; the agency head records a reviewed translation (letters quote it from then on)."""
    agency = agency_or_404()
    if not permissions.can_adopt_policy(request.user, agency):
        raise PermissionDenied(_("Only the agency head records translations of the policy."))
    version = PolicyVersion.objects.filter(agency=agency, number=number).first()
    if version is None:
        raise Http404("No such version.")
    clauses = list(version.clauses.order_by("pk"))
    form = ClauseTranslationForm(
        request.POST or None, clauses=[(str(c.pk), f"{c.number}. {c.heading}") for c in clauses]
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        clause = next(c for c in clauses if str(c.pk) == data["clause"])
        try:
            policy.record_clause_translation(
                actor=request.user,
                clause=clause,
                language=data["language"],
                heading=data["heading"],
                text=data["text"],
                reviewer_name=data["reviewer_name"],
                reviewed_on=data["reviewed_on"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Translation recorded; letters quote it from now on."))
            return redirect("policy_translations", number=version.number)
    rows = [
        {
            "clause": c,
            "languages": [
                (label, policy.reviewed_translation(c, value))
                for value, label in Language.choices
                if value in policy.LETTER_LANGUAGES
            ],
        }
        for c in clauses
    ]
    return render(
        request,
        "cases/policy_translations.html",
        {"form": form, "version": version, "rows": rows},
        status=400 if form.errors else 200,
    )


# --- designations ---


def _designations_page(
    request: HttpRequest,
    agency: Agency,
    *,
    form: DesignationForm | None = None,
    head_form: HeadAppointForm | None = None,
    status: int = 200,
) -> HttpResponse:
    manage = permissions.can_manage_designations(request.user, agency)
    appoint = permissions.can_appoint_head(request.user, agency)
    on_form = AuthorisedOnForm(request.GET or None)
    on: date | None = (
        on_form.cleaned_data["on"] if on_form.is_bound and on_form.is_valid() else None
    )
    today = timezone.localdate()
    officials = list(
        agency.officials.select_related("user").order_by("-is_agency_head", "designated_on", "pk")
    )
    return render(
        request,
        "cases/designations.html",
        {
            "agency": agency,
            "current": [o for o in officials if o.revoked_on is None or o.revoked_on > today],
            "past": [o for o in officials if o.revoked_on is not None and o.revoked_on <= today],
            "history": designations.history(agency),
            "manage": manage,
            "form": (form or DesignationForm()) if manage else None,
            "revoke_form": RevokeForm(initial={"revoked_on": today}) if manage else None,
            "head_form": (
                head_form or HeadAppointForm(exclude=request.user, initial={"effective_on": today})
            )
            if appoint
            else None,
            "on_form": on_form,
            "on": on,
            "authorised": designations.authorised_on(agency, on) if on else None,
            "today": today,
        },
        status=status,
    )


@require_GET
def designation_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_designations(request.user):
        raise PermissionDenied(_("Only department staff see the designations."))
    return _designations_page(request, agency_or_404())


@require_POST
def designation_add(request: HttpRequest) -> HttpResponse:
    agency = agency_or_404()
    if not permissions.can_manage_designations(request.user, agency):
        raise PermissionDenied(_("Only the agency head designates certifying officials."))
    form = DesignationForm(request.POST, request.FILES)

    def write(data: dict[str, Any]) -> CertifyingOfficial:
        return designations.designation_add(
            actor=request.user,
            agency=agency,
            upload=data["document"],
            **{k: v for k, v in data.items() if k != "document"},
        )

    return _designation_post(
        request,
        agency,
        form,
        write,
        "form",
        _("%(official)s is designated from %(from_day)s."),
        step="designation_add",
    )


@require_POST
def designation_appoint_head(request: HttpRequest) -> HttpResponse:
    """The head hands the office to a successor from a day (today or later)."""
    agency = agency_or_404()
    if not permissions.can_appoint_head(request.user, agency):
        raise PermissionDenied(_("Only the agency head appoints a successor."))
    form = HeadAppointForm(request.POST, exclude=request.user)

    def write(data: dict[str, Any]) -> CertifyingOfficial:
        return designations.designation_appoint_head(actor=request.user, agency=agency, **data)

    return _designation_post(
        request,
        agency,
        form,
        write,
        "head_form",
        _("%(official)s is the agency head from %(from_day)s."),
        step="designation_appoint_head",
    )


def _designation_post(
    request: HttpRequest,
    agency: Agency,
    form: Any,
    write: Callable[[dict[str, Any]], CertifyingOfficial],
    form_name: str,
    done: str,
    *,
    step: str,
) -> HttpResponse:
    """A designation form posted: the service's answer, or the page again with the errors. It
    changes who may sign: a fresh sign-in first (cases.reauth.SENSITIVE_STEPS)."""
    if form.is_valid():
        unconfirmed = fresh_auth_or_redirect(request, step, reverse("designation_list"))
        if unconfirmed is not None:
            return unconfirmed
        try:
            official = write(form.cleaned_data)
        except ValidationError as exc:
            give_back_fresh_auth(request)  # refused, nothing written: the confirmation stays
            form_errors(form, exc)
        else:
            from_day = f"{official.designated_on:%m/%d/%Y}"
            messages.success(request, done % {"official": official, "from_day": from_day})
            return redirect("designation_list")
    messages.error(request, _("Please correct the errors below."))
    return _designations_page(request, agency, status=400, **{form_name: form})


def _official(agency: Agency, pk: int) -> CertifyingOfficial:
    official = agency.officials.filter(pk=pk).first()
    if official is None:
        raise Http404("No such designation.")
    return official


@require_POST
def designation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    agency = agency_or_404()
    if not permissions.can_manage_designations(request.user, agency):
        raise PermissionDenied(_("Only the agency head revokes designations."))
    official = _official(agency, pk)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date the revocation takes effect."))
        return redirect("designation_list")
    unconfirmed = fresh_auth_or_redirect(request, "designation_revoke", reverse("designation_list"))
    if unconfirmed is not None:
        return unconfirmed
    try:
        designations.designation_revoke(
            actor=request.user,
            official=official,
            revoked_on=form.cleaned_data["revoked_on"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        give_back_fresh_auth(request)
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("The designation of %(official)s is revoked.") % {"official": official}
        )
    return redirect("designation_list")


@require_GET
def designation_document(request: HttpRequest, pk: int) -> FileResponse:
    if not permissions.can_view_designations(request.user):
        raise PermissionDenied(_("Only department staff see the designations."))
    official = _official(agency_or_404(), pk)
    if not official.designation_document:
        raise Http404("No written designation on file.")
    log_access(request, action=AccessLog.Action.DOWNLOAD_DOCUMENT, detail=f"designation {pk}")
    handle = official.designation_document.open("rb")
    content_type = sniff(handle.read(16)) or "application/octet-stream"
    handle.seek(0)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_name(f"designation-{pk}", content_type),
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- the department's own text of the items it attests (Supplement B Parts 2-5) ---


def _department_text_anchor(obj: CertificationRequest) -> str:
    return f"{obj.get_absolute_url()}#department-text-h"


@require_POST
def department_text_adopt(request: HttpRequest, reference: str) -> HttpResponse:
    """Adopt the proposals of every attested item of one Part, or of one item."""
    obj = get_request_for_user(request.user, reference)
    try:
        part = int(request.POST.get("part", ""))
    except ValueError:
        messages.error(request, _("Choose the Part whose proposals to adopt."))
        return redirect(_department_text_anchor(obj))
    number = request.POST.get("item", "")
    items = [
        (p, n) for p, n in department_text.attested_in(obj, [part]) if not number or n == number
    ]
    if not items:
        messages.error(
            request, _("Part %(part)s has no item the department writes.") % {"part": part}
        )
        return redirect(_department_text_anchor(obj))
    try:
        changed = department_text.department_text_adopt(
            request=obj, actor=request.user, items=items
        )
    except (WorkflowError, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect(_department_text_anchor(obj))
    messages.success(
        request,
        _("Proposals adopted as the department's text: %(changed)s.")
        % {"changed": "; ".join(changed)},
    )
    return redirect(_department_text_anchor(obj))


@require_http_methods(["GET", "POST"])
def department_text_rewrite(
    request: HttpRequest, reference: str, part: int, number: str
) -> HttpResponse:
    """The department writes its own text of one attested item."""
    obj = get_request_for_user(request.user, reference)
    try:
        item = department_text.attested_item(obj, part, number)
    except ValidationError:
        raise Http404("No such item.") from None
    if not permissions.can_write_department_text(
        obj, request.user, department_text.part_owner(obj, part)
    ):
        raise PermissionDenied(_("You may not write the department's text of this Part now."))
    log_access(request, action=AccessLog.Action.VIEW_REQUEST, obj=obj)  # shows victim data
    current = formmap.department_values(obj).get((part, number))
    proposal = formmap.read_value(obj, item, None)
    form = DepartmentTextForm(
        request.POST or None,
        item=item,
        initial_value=current if current is not None else proposal,
    )
    if request.method == "POST" and form.is_valid():
        try:
            ref = department_text.department_text_rewrite(
                request=obj,
                actor=request.user,
                part=part,
                number=number,
                value=form.cleaned_data["value"],
            )
        except WorkflowError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(
                request, _("The department's text of %(ref)s is saved.") % {"ref": ref}
            )
            return redirect(_department_text_anchor(obj))
    return render(
        request,
        "cases/department_text_form.html",
        {
            "obj": obj,
            "item": item,
            "form": form,
            "current": department_text.display(current) if current is not None else None,
            "proposal": department_text.display(proposal),
        },
        status=400 if form.errors else 200,
    )
