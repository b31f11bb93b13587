"""The assigned detective's Part 4 and Part 5 answers, and questions back to the coordinator."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases import permissions, services
from cases.errors import WorkflowError
from cases.forms import CooperationForm, FamilyMemberFormSet, HelpfulnessForm, QuestionForm
from cases.models import FormType
from cases.permissions import get_request_for_user
from cases.uscis import formmap
from cases.views.common import form_errors, refused


@require_http_methods(["GET", "POST"])
def helpfulness(request: HttpRequest, reference: str) -> HttpResponse:
    obj = get_request_for_user(request.user, reference)
    if not permissions.can_record_helpfulness(obj, request.user):
        raise PermissionDenied(_("Only the assigned detective answers Part 4, during the review."))
    t_visa = obj.form_type == FormType.T_VISA
    form_class = CooperationForm if t_visa else HelpfulnessForm
    names = list(form_class.base_fields)
    initial = {n: getattr(obj, n) for n in names}
    # A T request's questions and answers are its edition's (cases/uscis/formmap.py).
    extra = {"edition": formmap.edition_of(obj)} if t_visa else {}
    form = form_class(request.POST or None, initial=initial, **extra)
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
                return refused(request, obj, exc)
            except ValidationError as exc:
                form_errors(form, exc)
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
        return refused(request, obj, exc)
    messages.success(request, _("Question sent to the coordinator."))
    return redirect(obj)
