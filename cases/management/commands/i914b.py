"""Write a T request's Form I-914 Supplement B: the filled official form, or the review copy.

python manage.py i914b MPD-TV-2026-0003 --out form.pdf            # the official form
python manage.py i914b MPD-TV-2026-0003 --out review.pdf --review # our layout, not for filing
"""

from __future__ import annotations

from cases.management.commands.i918b import Command as I918BCommand
from cases.models import FormType


class Command(I918BCommand):
    help = "Write a request's filled official Form I-914 Supplement B (or --review: review copy)."
    form_type = FormType.T_VISA
