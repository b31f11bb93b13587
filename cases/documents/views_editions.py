"""The form editions page: a records clerk takes a new edition of USCIS's Supplement B.

Upload the blank file (cleaned in the sandbox, refused when hostile or too large); read the
match report (each item of the form map with the field whose tooltip says it); choose, for
what the tooltips leave open, among the file's unclaimed fields, each shown with its tooltip,
page and the image of its box; look at the preview (a demo request filled as a real one is,
and the item numbers in their boxes); activate (a fresh sign-in first: every request is
filled on it from then on). Thin views: official.py loads, maps and
activates, and writes the audit.
"""

from __future__ import annotations

import contextlib
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import permissions
from cases.documents import editions, official, page_images
from cases.models import FormTemplate, FormType
from cases.reauth import fresh_auth_or_redirect, give_back_fresh_auth
from cases.uscis import tooltip_match


class EditionUploadForm(forms.Form):
    form_type = forms.ChoiceField(label=gettext_lazy("Form"), choices=FormType.choices)
    edition = forms.RegexField(
        label=gettext_lazy("Edition date"),
        regex=r"^\d\d/\d\d/\d\d$",
        help_text=gettext_lazy("As printed at the bottom left of each page, e.g. 01/20/25."),
        error_messages={"invalid": gettext_lazy("Write the edition date as mm/dd/yy.")},
    )
    file = forms.FileField(label=gettext_lazy("The blank PDF from uscis.gov"))


def _user(request: HttpRequest) -> Any:
    """The signed-in user (``_allowed`` refused anyone else)."""
    return request.user


def _allowed(request: HttpRequest) -> None:
    if not permissions.can_take_form_edition(request.user):
        raise PermissionDenied(_("Only the records clerk or the Chief takes a new form edition."))


def _template(pk: int, *, draft_only: bool = False) -> FormTemplate:
    found = FormTemplate.objects.filter(pk=pk).first()
    if found is None or (draft_only and not found.draft):
        raise Http404("No such form edition.")
    return found


def _list_page(request: HttpRequest, form: EditionUploadForm, status: int = 200) -> HttpResponse:
    templates = FormTemplate.objects.defer("pdf").select_related("loaded_by")
    return render(
        request,
        "cases/form_editions.html",
        {
            "form": form,
            "drafts": [t for t in templates if t.draft],
            "active": [t for t in templates if t.active],
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def edition_list(request: HttpRequest) -> HttpResponse:
    """The editions in use and waiting, and the upload of a new one."""
    _allowed(request)
    if request.method == "GET":
        return _list_page(request, EditionUploadForm())
    form = EditionUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _list_page(request, form, status=400)
    upload = form.cleaned_data["file"]
    if upload.size > settings.UVISA_MAX_TEMPLATE_BYTES:
        form.add_error("file", _("This file is larger than a Supplement B can be."))
        return _list_page(request, form, status=400)
    try:
        template = official.load_template(
            upload.read(),
            form_type=form.cleaned_data["form_type"],
            edition=form.cleaned_data["edition"],
            actor=_user(request),
            filename=upload.name or "",
            draft=True,
        )
    except official.TemplateRefused as exc:
        form.add_error("file", str(exc))
        return _list_page(request, form, status=400)
    messages.success(request, _("The file is loaded. Check the match report below."))
    return redirect("form_edition", pk=template.pk)


def _detail_page(
    request: HttpRequest, template: FormTemplate, status: int = 200, refusal: str = ""
) -> HttpResponse:
    view = editions.edition_view(template)
    # The boxes' images crop these pages; if busy, each image renders its page itself.
    with contextlib.suppress(page_images.Busy, page_images.RenderFailed):
        editions.warm_pages(template)
    left = [
        (m, view.choices_for(m))
        for m in view.report.unmatched
        if template.draft and (m in view.required_left or m.candidates)
    ]
    optional = [
        (m, view.choices_for(m))
        for m in view.report.unmatched
        if template.draft and m not in view.required_left and not m.candidates
    ]
    return render(
        request,
        "cases/form_edition.html",
        {
            "template": template,
            "view": view,
            "counts": view.report.counts(),
            "left": left,
            "optional": optional,
            "how_said": tooltip_match.HOW_SAID,
            "pages": range(1, editions.page_count(template) + 1),
            "unclaimed": view.unclaimed_by_index(),
            "refusal": refusal,
        },
        status=status,
    )


@require_GET
def edition_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _allowed(request)
    return _detail_page(request, _template(pk))


@require_POST
def edition_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """The fields an administrator chose ("slot-N" = field index), as a new mapping version."""
    _allowed(request)
    template = _template(pk, draft_only=True)
    view = editions.edition_view(template)
    by_key = {m.slot.key: m for m in view.report.matches}
    chosen: dict[str, str] = {}
    for key in request.POST:
        value = request.POST.get(key, "")
        if not key.startswith("slot:") or not value:
            continue
        match = by_key.get(key[len("slot:") :])
        if match is None or not value.isdigit() or int(value) >= len(view.fields):
            return _detail_page(request, template, 400, _("This page is out of date: reload it."))
        chosen[match.slot.key] = view.fields[int(value)].name
    if not chosen:
        messages.info(request, _("No field was chosen."))
        return redirect("form_edition", pk=template.pk)
    try:
        official.assign_fields(template, chosen, actor=_user(request))
    except official.TemplateRefused as exc:
        return _detail_page(request, template, 400, str(exc))
    messages.success(request, _("Your choices are saved."))
    return redirect("form_edition", pk=template.pk)


@require_POST
def edition_activate(request: HttpRequest, pk: int) -> HttpResponse:
    _allowed(request)
    template = _template(pk, draft_only=True)
    back = reverse("form_edition", kwargs={"pk": template.pk})
    unconfirmed = fresh_auth_or_redirect(request, "form_edition_activate", back)
    if unconfirmed is not None:
        return unconfirmed
    try:
        official.activate_edition(template, actor=_user(request))
    except official.TemplateRefused as exc:
        give_back_fresh_auth(request)  # refused, nothing written: the confirmation stays
        return _detail_page(request, template, 400, str(exc))
    messages.success(
        request,
        _("%(form)s edition %(edition)s is active: new requests are filled on it.")
        % {"form": template.form_type, "edition": template.edition},
    )
    return redirect("form_editions")


def _png(data: bytes) -> HttpResponse:
    response = HttpResponse(data, content_type="image/png")
    response["Cache-Control"] = "private, max-age=600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _rendered(make: object) -> HttpResponse:
    try:
        return _png(make())  # type: ignore[operator]
    except page_images.Busy:
        response = HttpResponse(status=503)
        response["Retry-After"] = "5"
        return response
    except page_images.RenderFailed as exc:
        raise Http404("This page cannot be shown.") from exc


@require_GET
def edition_box(request: HttpRequest, pk: int, index: int) -> HttpResponse:
    """The image of the file's field number ``index`` on its page, outlined."""
    _allowed(request)
    template = _template(pk)

    def make() -> bytes:
        png = editions.box_png(template, index)
        if png is None:
            raise page_images.RenderFailed("no such field")
        return png

    return _rendered(make)


@require_GET
def edition_preview(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """Page ``number`` of the preview fill: every mapped box shows the item it answers."""
    _allowed(request)
    template = _template(pk)
    return _rendered(lambda: editions.preview_page(template, number))


@require_GET
def edition_demo(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """Page ``number`` of a demo request filled on the edition as a real request is, marked
    "PREVIEW - DEMO DATA - NOT FOR FILING"; nothing of the demo stays in the database."""
    _allowed(request)
    template = _template(pk)
    return _rendered(lambda: editions.demo_page(template, number))
