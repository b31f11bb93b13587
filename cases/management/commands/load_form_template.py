"""Load a blank official form downloaded from uscis.gov as the template to fill.

    python manage.py load_form_template --form I-918B --edition 01/20/25 i-918supb.pdf

The file is refused, with the reason, when its fields differ from the edition's field list or
its boxes cannot be matched by their tooltips, or when it is too large to read safely; what is
stored is the file without JavaScript, actions, XFA or embedded files
(cases/documents/official.py, cases/lib/pdf_clean.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cases.documents.official import (
    TemplateRefused,
    category_names,
    load_template,
    prepare_template,
)
from cases.models import FormType


class Command(BaseCommand):
    help = "Load the blank official form (e.g. Form I-918 Supplement B) for an edition."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="the blank PDF downloaded from uscis.gov")
        parser.add_argument("--form", required=True, choices=FormType.values)
        parser.add_argument("--edition", required=True, help="edition date, e.g. 01/20/25")
        parser.add_argument("--by", help="username of the administrator loading it")

    def handle(self, *args: Any, **options: Any) -> str:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file {path}.")
        actor = None
        if options["by"]:
            actor = get_user_model().objects.filter(username=options["by"]).first()
            if actor is None:
                raise CommandError(f"No user {options['by']}.")
        data = path.read_bytes()
        try:
            prepared = prepare_template(
                data,
                form_type=options["form"],
                edition=options["edition"],
                categories=category_names(options["form"], options["edition"]),
            )
            template = load_template(
                data,
                form_type=options["form"],
                edition=options["edition"],
                actor=actor,
                filename=path.name,
                prepared=prepared,
            )
        except TemplateRefused as exc:
            raise CommandError(f"Refused: {exc}") from exc
        return (
            f"Loaded {template.form_type} edition {template.edition} from {path.name}: "
            f"{len(template.inventory)} fields, SHA-256 {template.sha256}. It is now the active "
            f"template.\nActive content: {prepared.cleaning} (SHA-256 of the file as loaded "
            f"{prepared.uploaded_sha256})."
        )
