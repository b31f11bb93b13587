"""The T-visa letters (Form I-914 Supplement B): acknowledgement, denial without prejudice, and
delay notice, with the same machinery as the U letters (cases/documents/letters.py).

c. 258F s. 3 answers T requests exactly like U requests (90 days; sign, deny in writing without
prejudice, or explain the delay). The wording names the T form and what it attests: a severe
form of trafficking in persons and compliance with any reasonable request for assistance, or an
exception (Supplement B instructions; 8 CFR 214.204). It is English only until the department
has translated and reviewed T wording; the wording lives in templates/letters/t_visa/.
"""

from __future__ import annotations

from django.template.loader import get_template

from cases.models import LetterTemplate

Kind = LetterTemplate.Kind

SUBJECTS: dict[str, str] = {
    Kind.ACKNOWLEDGEMENT: "Acknowledgement of your T-visa declaration request {{ reference }}",
    Kind.DENIAL: "Written denial without prejudice, T-visa request {{ reference }}",
    Kind.DELAY: "Notice of delay, T-visa request {{ reference }}",
    # The notice to USCIS names the T form; unlike 8 CFR 214.14(h)(2) for the U form, no
    # provision of 8 CFR 214.204 is cited for withdrawing a declaration.
    Kind.USCIS_WITHDRAWAL: "{{ withdrawal_title }} of Form I-914 Supplement B declaration",
}


def wording(kind: str) -> tuple[str, str] | None:
    """(subject, body) of the T letter of ``kind``, or None when the U wording applies."""
    if kind not in SUBJECTS:
        return None
    return SUBJECTS[kind], get_template(f"letters/t_visa/{kind}.txt").template.source
