"""Documents of a request: adding one while the request is open, downloading one (logged)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases import permissions, services
from cases.audit import log_access
from cases.errors import AlreadySubmitted, WorkflowError
from cases.forms import DocumentForm
from cases.lib.uploads import download_name
from cases.models import AccessLog, Document
from cases.permissions import get_request_for_user
from cases.services.common import take_once
from cases.views.common import refused, repeated


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
        # The page's one-time token: a double click on Upload stores the file once.
        take_once(
            request.POST.get("intent", ""),
            kind="document",
            actor=request.user,
            reference=obj.reference,
            call=lambda: services.request_add_document(
                request=obj,
                actor=request.user,
                upload=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
            ),
        )
    except AlreadySubmitted as exc:
        return repeated(request, exc)
    except (WorkflowError, ValidationError) as exc:
        return refused(request, obj, exc)
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
