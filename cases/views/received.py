"""Pages for requests received outside the portal (c. 258F s. 3), linking them to an
organisation, and the certifying official's acknowledgement of consistency warnings."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases import permissions
from cases.consistency import certify_warnings
from cases.errors import AlreadySubmitted, WorkflowError
from cases.forms import StaffEntryForm
from cases.forms_department import AcknowledgeForm, IntakeForm, LinkOrganizationForm
from cases.models import AdvocateOrganization, CertificationRequest
from cases.permissions import get_request_for_user
from cases.selectors import the_agency
from cases.services import received, staff_entry
from cases.services.acknowledgements import request_acknowledge_warnings
from cases.views.common import form_errors, refused, repeated


@require_http_methods(["GET", "POST"])
def intake_new(request: HttpRequest) -> HttpResponse:
    if not permissions.can_record_intake(request.user):
        raise PermissionDenied(
            _("Only the coordinator records requests received by other channels.")
        )
    agency = the_agency()
    if agency is None:
        raise Http404("The agency is not set up yet.")
    form = IntakeForm(
        request.POST or None,
        request.FILES or None,
        initial={"received_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        uploads = [(data["document"], data["document_kind"])] if data["document"] else []
        try:
            obj = received.intake_record(
                actor=request.user,
                agency=agency,
                channel=data["channel"],
                received_on=data["received_on"],
                late_entry_reason=data["late_entry_reason"],
                requester={name: data[name] or "" for name in IntakeForm.REQUESTER_FIELDS},
                values={
                    "preferred_language": data["requester_language"],
                    **{
                        name: data[name] if data[name] is not None else None
                        for name in IntakeForm.VICTIM_FIELDS
                    },
                    **{name: data[name] for name in IntakeForm.STANDING_FIELDS},
                },
                uploads=uploads,
                intent=data["intent"],
            )
        except AlreadySubmitted as exc:
            return repeated(request, exc)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(reference)s recorded; its clock started on the day received.")
                % {"reference": obj.reference},
            )
            duplicates = list(received.possible_duplicates(obj))
            if duplicates:
                links = format_html_join(
                    ", ",
                    '<a href="{}">{}</a>',
                    ((d.get_absolute_url(), d.reference) for d in duplicates),
                )
                messages.warning(
                    request,
                    format_html(
                        _(
                            "The same victim may already have an open request: {}. "
                            "Nothing was merged."
                        ),
                        links,
                    ),
                )
            return redirect(obj)
    return render(
        request, "cases/intake_form.html", {"form": form}, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
def enter_for_requester(request: HttpRequest, reference: str) -> HttpResponse:
    """Supplement B's requester-supplied items of a request received outside the portal."""
    obj = get_request_for_user(request.user, reference)
    if not permissions.can_enter_for_requester(obj, request.user):
        raise PermissionDenied(
            _(
                "The coordinator enters what the requester sent for a request received outside "
                "the portal, until the decision."
            )
        )
    current = CertificationRequest.objects.get(pk=obj.pk)
    form = StaffEntryForm(
        request.POST or None,
        instance=current,
        initial={"seen": staff_entry.entry_fingerprint(current)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            staff_entry.request_enter_for_requester(
                request=obj,
                actor=request.user,
                values={name: data[name] for name in form._meta.fields},
                seen=data["seen"],
            )
        except WorkflowError as exc:
            return refused(request, obj, exc)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("What the requester sent is saved."))
            return redirect(obj)
    return render(
        request,
        "cases/staff_entry_form.html",
        {"form": form, "obj": obj},
        status=400 if form.errors else 200,
    )


@require_POST
def link_organization(request: HttpRequest, reference: str) -> HttpResponse:
    obj = get_request_for_user(request.user, reference)
    if not permissions.can_link_organization(obj, request.user):
        raise PermissionDenied(_("You may not do this on this request."))
    form = LinkOrganizationForm(request.POST, organizations=AdvocateOrganization.objects.all())
    if not form.is_valid():
        messages.error(request, _("Choose an organisation."))
        return redirect(obj)
    try:
        received.intake_link_organization(
            request=obj, actor=request.user, organization=form.cleaned_data["organization"]
        )
    except (WorkflowError, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect(obj)
    messages.success(
        request, _("Linked to %(name)s.") % {"name": form.cleaned_data["organization"].name}
    )
    return redirect(obj)


@require_POST
def acknowledge_warnings(request: HttpRequest, reference: str) -> HttpResponse:
    obj = get_request_for_user(request.user, reference)
    if not permissions.can_acknowledge_warnings(obj, request.user):
        raise PermissionDenied(_("You may not do this on this request."))
    warnings = [(w.code, w.message) for w in certify_warnings(obj)]
    form = AcknowledgeForm(request.POST, warnings=warnings)
    if not form.is_valid():
        messages.error(request, _("Tick each warning you have read."))
        return redirect(obj)
    try:
        request_acknowledge_warnings(
            request=obj, actor=request.user, codes=form.cleaned_data["codes"]
        )
    except (WorkflowError, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect(obj)
    messages.success(request, _("Warnings acknowledged."))
    return redirect(obj)
