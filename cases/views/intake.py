"""The advocate's request: a new draft, its edits, and a fresh draft to re-certify."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases import permissions, services
from cases.errors import AlreadySubmitted, WorkflowError
from cases.forms import RequestForm
from cases.models import CertificationRequest
from cases.permissions import get_request_for_user, has_capability
from cases.views.common import agency_or_404, form_errors, refused, repeated


@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest) -> HttpResponse:
    if not has_capability(request.user, permissions.SUBMIT):
        raise PermissionDenied(_("Only advocates create requests."))
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        agency = agency_or_404()
        try:
            obj = services.request_create(
                actor=request.user,
                agency=agency,
                values=_values(form),
                intent=form.cleaned_data["intent"],
            )
        except AlreadySubmitted as exc:
            return repeated(request, exc)
        except ValidationError as exc:
            form_errors(form, exc)
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
            return refused(request, obj, exc)
        except ValidationError as exc:
            form_errors(form, exc)
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


@require_POST
def request_recertify(request: HttpRequest, reference: str) -> HttpResponse:
    obj = get_request_for_user(request.user, reference)
    try:
        renewal = services.request_create_recertification(original=obj, actor=request.user)
    except WorkflowError as exc:
        return refused(request, obj, exc)
    messages.success(
        request,
        _("Re-certification draft %(reference)s created from %(obj)s.")
        % {"reference": renewal.reference, "obj": obj},
    )
    return redirect(renewal)
