"""The department's directory of nearby certifiers it refers requests to (c. 258F s. 1:
the agency, prosecutor or other entity with authority to detect, investigate or prosecute),
kept by the coordinator and the Chief; every change is audited by the service
(cases/services/referral.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases import permissions
from cases.forms_department import DirectoryEntryForm
from cases.models import Agency, CertifierDirectoryEntry
from cases.services import referral
from cases.views.common import agency_or_404, form_errors


def _keeper(request: HttpRequest) -> tuple[Agency, User]:
    """The agency and the signed-in coordinator or Chief; anyone else is refused (403)."""
    user = request.user
    if not (isinstance(user, User) and permissions.can_keep_certifier_directory(user)):
        raise PermissionDenied(_("Only the coordinator and the Chief keep the directory."))
    return agency_or_404(), user


def _entry(agency: Agency, pk: int) -> CertifierDirectoryEntry:
    entry = CertifierDirectoryEntry.objects.filter(agency=agency, pk=pk).first()
    if entry is None:
        raise Http404("No such entry.")
    return entry


def _page(
    request: HttpRequest,
    agency: Agency,
    form: DirectoryEntryForm,
    editing: CertifierDirectoryEntry | None = None,
) -> HttpResponse:
    entries = CertifierDirectoryEntry.objects.filter(agency=agency)
    return render(
        request,
        "cases/certifier_directory.html",
        {"entries": entries, "form": form, "editing": editing},
        status=400 if form.errors else 200,
    )


def _saved(
    request: HttpRequest,
    user: User,
    agency: Agency,
    form: DirectoryEntryForm,
    entry: CertifierDirectoryEntry | None,
) -> HttpResponse:
    if form.is_valid():
        try:
            saved = referral.directory_save(
                actor=user, agency=agency, values=form.cleaned_data, entry=entry
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("%(name)s is saved in the directory.") % {"name": saved})
            return redirect("certifier_directory")
    return _page(request, agency, form, entry)


@require_http_methods(["GET", "POST"])
def directory_list(request: HttpRequest) -> HttpResponse:
    """The entries, active first, and the form to add one."""
    agency, user = _keeper(request)
    if request.method == "POST":
        return _saved(request, user, agency, DirectoryEntryForm(request.POST), None)
    return _page(request, agency, DirectoryEntryForm())


@require_http_methods(["GET", "POST"])
def directory_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agency, user = _keeper(request)
    entry = _entry(agency, pk)
    if request.method == "POST":
        return _saved(request, user, agency, DirectoryEntryForm(request.POST), entry)
    initial = {name: getattr(entry, name) for name in DirectoryEntryForm.base_fields}
    return _page(request, agency, DirectoryEntryForm(initial=initial), entry)


@require_POST
def directory_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    agency, user = _keeper(request)
    entry = _entry(agency, pk)
    active = request.POST.get("active") == "1"
    referral.directory_set_active(actor=user, agency=agency, entry=entry, active=active)
    messages.success(
        request,
        (_("%(name)s is active again.") if active else _("%(name)s is deactivated."))
        % {"name": entry.name},
    )
    return redirect("certifier_directory")
