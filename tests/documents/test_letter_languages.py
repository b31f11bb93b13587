"""The translated letters say what the English says: the answer date as a limit ("no later
than") and a denial without prejudice to a new request (M.G.L. c. 258F s. 3)."""

from __future__ import annotations

import pytest

from cases.documents import letters
from cases.models import LetterTemplate

Kind = LetterTemplate.Kind
pytestmark = pytest.mark.django_db

# What each language's denial says for "without prejudice", in its subject and its body.
WITHOUT_PREJUDICE = {
    "es": "sin perjuicio de una nueva solicitud",
    "pt": "sem prejuízo de novo pedido",
    "ht": "san sa pa anpeche ou fè yon nouvo demann",
}


@pytest.mark.parametrize("language", sorted(WITHOUT_PREJUDICE))
def test_the_denial_is_without_prejudice_to_a_new_request(language):
    subject, _body = letters.wording(Kind.DENIAL, language)
    assert WITHOUT_PREJUDICE[language] in subject
    _subject, acknowledgement = letters.wording(Kind.ACKNOWLEDGEMENT, language)
    assert WITHOUT_PREJUDICE[language] in acknowledgement


def test_the_wording_errors_are_gone():
    wording = "\n".join(
        "\n".join(letters.wording(kind, language))
        for kind in letters.TRANSLATED_KINDS
        for language in WITHOUT_PREJUDICE
    )
    assert "pi ta nan dat" not in wording  # "later, on": the limit is "pa pita pase"
    assert "san prejije" not in wording  # "without bias"
    assert "Negação" not in wording and "negação" not in wording
    _subject, body = letters.wording(Kind.ACKNOWLEDGEMENT, "ht")
    assert "pa pita pase {{ due_long }}" in body
