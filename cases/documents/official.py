"""The official USCIS form: loading a blank template, and filling it from a request.

USCIS requires its own form, executed according to its instructions (8 CFR 103.2(a)(1)). The
department cannot ship USCIS's file, so an administrator loads the blank PDF downloaded from
uscis.gov; ``load_template`` checks it before it is used:

- it is rewritten without JavaScript, actions, XFA or embedded files, or refused when it is too
  large, holds too many objects or a stream that inflates too far (cases/lib/pdf_clean.py,
  run in the bounded child process of pdf_sandbox.py): the form is printed and signed in ink,
  and nothing in it may run, fetch or submit anything in the certifying official's viewer;
- the SHA-256 of the cleaned file, the one stored and filled, is computed and kept;
- its AcroForm fields (pypdf) must be exactly the edition's field list (cases/data), else it is
  refused naming the missing and unexpected fields;
- every field the form map fills must have a tooltip that says that item's Part, number and
  question (i918b_fields.TOOLTIPS, read from USCIS's own file), else it is refused naming the
  item and quoting both texts: a field's name is only a hint;
- Part 3 item 1's 31 boxes are matched to the qualifying-crime categories by their tooltips,
  and every choice item's boxes to its options, else it is refused; the matches are stored;
- one template per form and edition is active; loading is an audit event.

``official_pdf`` fills the active template from the form map (cases/uscis/formmap.py) through the
edition's field map (i918b_fields.py; i914b_fields.py for a T request); Part 6 items 1 and 2
stay empty for the ink. The request's form type picks the template: a T request never gets an
I-918B, a U request never an I-914B.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cases.audit import append_template_loaded
from cases.documents import pdf_sandbox
from cases.errors import WorkflowError
from cases.lib import pdf_clean
from cases.lib.crypto import encrypt_file_bytes
from cases.models import CertificationRequest, FormTemplate, FormType, QualifyingCrimeCategory
from cases.uscis import acroform, formmap, i914b_02_27_17_fields, i914b_fields
from cases.uscis import i918b_fields as fields_map
from cases.uscis.trafficking import TraffickingForm

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser as User

# The field list of each edition a template can be checked against.
FIELD_LISTS: dict[tuple[str, str], Path] = {
    (FormType.U_VISA, fields_map.EDITION): fields_map.FIELDS_CSV,
    (FormType.T_VISA, i914b_fields.EDITION): i914b_fields.FIELDS_CSV,
    (FormType.T_VISA, i914b_02_27_17_fields.EDITION): i914b_02_27_17_fields.FIELDS_CSV,
}
# Each form's field map (the same names in every module), by form and edition.
FIELD_MAPS: dict[tuple[str, str], ModuleType] = {
    (FormType.U_VISA, fields_map.EDITION): fields_map.THIS,
    (FormType.T_VISA, i914b_fields.EDITION): i914b_fields.SPEC,
    (FormType.T_VISA, i914b_02_27_17_fields.EDITION): i914b_02_27_17_fields.SPEC,
}


def field_map(form_type: str, edition: str) -> ModuleType:
    """The edition's field map; the form's newest map for an edition without its own."""
    found = FIELD_MAPS.get((form_type, edition))
    if found is not None:
        return found
    return fields_map.THIS if form_type == FormType.U_VISA else i914b_fields.SPEC


WHERE_TO_GET_IT = (
    "Download the blank form from https://www.uscis.gov/i-918 (Form I-918, Supplement B, "
    "U Nonimmigrant Status Certification; the file is i-918supb.pdf). Check the edition date "
    "printed at the bottom left of each page"
)

WHERE_TO_GET_IT_T = (
    "Download the blank form from https://www.uscis.gov/i-914 (Form I-914, Supplement B, "
    "Declaration for Trafficking Victim; the file is i-914supb.pdf). Check the edition date "
    "printed at the bottom left of each page"
)


class TemplateRefused(WorkflowError):
    """A template file that cannot be used; the message names what is wrong."""


class TemplateMissing(WorkflowError):
    """No active template for the request's form and edition: nothing can be filled."""


class WrongForm(WorkflowError):
    """The request needs another form than this tracker can fill (a T-visa request)."""


def missing_template_message(edition: str, form_type: str = FormType.U_VISA) -> str:
    t_visa = form_type == FormType.T_VISA
    name = "Form I-914 Supplement B" if t_visa else "Form I-918 Supplement B"
    where = WHERE_TO_GET_IT_T if t_visa else WHERE_TO_GET_IT
    return (
        f"The official {name}, edition {edition}, is not loaded, so the form to "
        f"file cannot be prepared. {where} (it must read “Edition {edition}”). "
        "Then an administrator loads it: Administration › Official form templates › Add, or "
        f"`python manage.py load_form_template --form {form_type} --edition {edition} FILE`."
    )


@dataclass
class PreparedTemplate:
    """A checked template, not yet stored."""

    form_type: str
    edition: str
    data: bytes
    sha256: str
    inventory: list[dict[str, Any]] = field(default_factory=list)
    category_fields: dict[str, str] = field(default_factory=dict)
    choice_fields: dict[str, dict[str, str]] = field(default_factory=dict)
    uploaded_sha256: str = ""  # the file as loaded, before cleaning
    cleaning: str = ""  # what cleaning removed, in words


def _inventory_rows(inventory: list[acroform.Field]) -> list[dict[str, Any]]:
    return [
        {"name": f.name, "type": f.type, "tooltip": f.tooltip, "on_states": list(f.on_states)}
        for f in inventory
    ]


def prepare_template(
    data: bytes, *, form_type: str, edition: str, categories: Mapping[str, str]
) -> PreparedTemplate:
    """Check a blank template against the edition's field list and match its boxes.

    ``categories`` is {category code: name} (Part 3 item 1). Raises ``TemplateRefused``.
    """
    field_list = FIELD_LISTS.get((form_type, edition))
    if field_list is None:
        known = ", ".join(f"{f} {e}" for f, e in FIELD_LISTS)
        raise TemplateRefused(
            f"There is no field list for {form_type} edition {edition}; known: {known}."
        )
    if not data.startswith(b"%PDF-"):
        raise TemplateRefused("This file is not a PDF.")
    uploaded_sha256 = hashlib.sha256(data).hexdigest()
    data, report = clean_template(data)
    try:
        inventory = acroform.read_inventory(data)
    except Exception as exc:  # pypdf raises many kinds on damaged files
        raise TemplateRefused(f"The form fields of this PDF cannot be read ({exc}).") from exc
    diff = acroform.compare(inventory, acroform.load_inventory_csv(field_list))
    if not diff.ok:
        raise TemplateRefused(
            f"This file's fields differ from the field list of {form_type} edition {edition}, "
            "so it is not that edition of the USCIS form (or it was changed):\n" + diff.describe()
        )
    fmap = field_map(form_type, edition)
    # Each item's meaning read from the file: a field whose tooltip asks another question is
    # refused, whatever its name (I-918B Part 4 item 3 asks whether the victim refused).
    problems = fields_map.tooltip_problems(inventory, spec=fmap)
    if problems:
        raise TemplateRefused(
            "This file's fields do not ask what the form map fills into them, so it would be "
            "answered wrongly:\n" + "\n".join(problems)
        )
    try:
        boxes = fields_map.category_boxes(inventory, categories, spec=fmap)
        choices = fields_map.choice_boxes(inventory, spec=fmap)
    except acroform.FormError as exc:
        raise TemplateRefused(f"The boxes of this file cannot be matched: {exc}") from exc
    return PreparedTemplate(
        form_type=form_type,
        edition=edition,
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        inventory=_inventory_rows(inventory),
        category_fields=dict(boxes),
        choice_fields={f"{part}|{item}": dict(opts) for (part, item), opts in choices.items()},
        uploaded_sha256=uploaded_sha256,
        cleaning=report.describe(),
    )


def clean_template(data: bytes) -> tuple[bytes, pdf_clean.Report]:
    """The template without active content, cleaned in a bounded child process; or refused."""
    try:
        return pdf_sandbox.clean(
            data,
            cpu_seconds=settings.UVISA_CLEAN_CPU_SECONDS,
            memory_mb=settings.UVISA_CLEAN_MEMORY_MB,
            limits=pdf_clean.Limits(max_bytes=settings.UVISA_MAX_TEMPLATE_BYTES),
        )
    except pdf_clean.Refused as exc:
        raise TemplateRefused(f"This file cannot be used as the form template: {exc}") from exc


def category_names(form_type: str = FormType.U_VISA, edition: str = "") -> dict[str, str]:
    """Part 3 item 1's boxes: the U-visa categories, or the severe forms of trafficking (the
    I-914B 02/27/17 prints five boxes of its own, Part C item 1)."""
    if form_type == FormType.T_VISA:
        labels = getattr(field_map(form_type, edition), "CATEGORY_LABELS", None)
        return dict(labels) if labels else dict(TraffickingForm.choices)
    return dict(QualifyingCrimeCategory.objects.values_list("code", "name"))


def store_template(
    prepared: PreparedTemplate,
    *,
    actor: User | None,
    filename: str = "",
    at: datetime | None = None,
) -> FormTemplate:
    """Store a checked template as the active one (the caller's transaction; no audit)."""
    FormTemplate.objects.filter(
        form_type=prepared.form_type, edition=prepared.edition, active=True
    ).update(active=False)
    return FormTemplate.objects.create(
        form_type=prepared.form_type,
        edition=prepared.edition,
        sha256=prepared.sha256,
        uploaded_sha256=prepared.uploaded_sha256,
        size=len(prepared.data),
        pdf=encrypt_file_bytes(prepared.data),
        filename=filename[:255],
        inventory=prepared.inventory,
        category_fields=prepared.category_fields,
        choice_fields=prepared.choice_fields,
        loaded_by=actor,
        loaded_at=at or timezone.now(),
        active=True,
    )


def load_template(
    data: bytes,
    *,
    form_type: str,
    edition: str,
    actor: User | None,
    filename: str = "",
    at: datetime | None = None,
    prepared: PreparedTemplate | None = None,
) -> FormTemplate:
    """Check, store and audit a blank official form; it becomes the active template.

    ``prepared`` is ``prepare_template``'s result for ``data`` when the caller has it already
    (the admin checks the upload before saving it)."""
    at = at or timezone.now()
    if prepared is None or prepared.uploaded_sha256 != hashlib.sha256(data).hexdigest():
        prepared = prepare_template(
            data,
            form_type=form_type,
            edition=edition,
            categories=category_names(form_type, edition),
        )
    with transaction.atomic():
        current = (
            FormTemplate.objects.select_for_update()
            .filter(form_type=form_type, edition=edition, active=True)
            .first()
        )
        if current is not None and current.sha256 == prepared.sha256:
            raise TemplateRefused(
                f"This file (SHA-256 {prepared.sha256[:16]}…) is already the active template."
            )
        template = store_template(prepared, actor=actor, filename=filename, at=at)
        append_template_loaded(
            actor=actor,
            at=at,
            form_type=form_type,
            edition=edition,
            sha256=template.sha256,
            template_id=template.pk,
            uploaded_sha256=template.uploaded_sha256,
        )
    return template


def active_template(form_type: str, edition: str) -> FormTemplate | None:
    return FormTemplate.objects.filter(form_type=form_type, edition=edition, active=True).first()


def template_for(request: CertificationRequest) -> FormTemplate:
    """The active template for the request's form and edition, or a refusal saying what to do."""
    template = active_template(request.form_type, request.form_edition)
    if template is None:
        raise TemplateMissing(missing_template_message(request.form_edition, request.form_type))
    if template.form_type != request.form_type:  # never an I-918B for a T request, nor the reverse
        raise WrongForm(
            f"A {template.form_type} template cannot answer a {request.form_type} request."
        )
    return template


def template_problem(request: CertificationRequest) -> str:
    """Why the form to file cannot be prepared for this request, or ""."""
    try:
        template_for(request)
    except WorkflowError as exc:
        return str(exc)
    return ""


def official_values(
    request: CertificationRequest, template: FormTemplate
) -> tuple[dict[str, str | bool], acroform.Continuation]:
    """{official field name: value} and the Part 7 continuation, from the form map."""
    fmap = field_map(template.form_type, template.edition)
    triples = fields_map.triples_from_filled(formmap.fill(request), spec=fmap)
    names = category_names(template.form_type, template.edition)
    by_name = {
        names[code]: name for code, name in template.category_fields.items() if code in names
    }
    choices = fields_map.choice_boxes_from(template)
    values = fields_map.official_values(triples, by_name, choices, spec=fmap)
    return values, fields_map.continuation(triples, values, spec=fmap)


def official_pdf(
    request: CertificationRequest,
    template: FormTemplate,
    *,
    metadata: Mapping[str, str] | None = None,
) -> bytes:
    """The filled official form (not sealed): every item by field name, Part 6 items 1-2 empty."""
    values, continuation = official_values(request, template)
    ink_only = frozenset(field_map(template.form_type, template.edition).INK_ONLY_ITEMS.values())
    return acroform.fill(
        template.data, values, continuation=continuation, ink_only=ink_only, metadata=metadata
    )
