"""Every word a page shows is wrapped for translation, so a translated interface can follow.

A page's text goes through {% translate %} or {% blocktranslate %}; words typed straight
into the HTML (or into aria-label, title, alt, placeholder or data-label) would stay English
in every language. The check reads each template with Django's own lexer.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template.base import Lexer, TokenType

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"

TAG = re.compile(r"<(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.S)
LABEL_ATTRIBUTE = re.compile(r'\b(?:aria-label|title|alt|placeholder|data-label)="([^"]*)"')
SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b.*?</\1>", re.S)
WORD = re.compile(r"[A-Za-z]{2,}")
# Not words to translate: file formats, and the names of the forms themselves.
NOT_WORDS = re.compile(r"\b(?:PDF|CSV|SHA-256|I-918|I-914)\b")


def _without_template_code(source: str) -> str:
    """The template's HTML with every tag and variable blanked and translated blocks removed."""
    parts: list[str] = []
    depth = 0
    for token in Lexer(source).tokenize():
        words = token.contents.split() if token.token_type == TokenType.BLOCK else []
        if words and words[0] in {"blocktranslate", "blocktrans", "comment"}:
            depth += 1
            parts.append("\x00")
        elif words and words[0] in {"endblocktranslate", "endblocktrans", "endcomment"}:
            depth -= 1
        elif depth:
            continue
        elif token.token_type == TokenType.TEXT:
            parts.append(token.contents)
        elif token.token_type in {TokenType.VAR, TokenType.BLOCK}:
            parts.append("\x00")
    return "".join(parts)


def untranslated_text(source: str) -> list[str]:
    html = SCRIPT_OR_STYLE.sub(" ", _without_template_code(source))
    found = [
        value for value in LABEL_ATTRIBUTE.findall(html) if WORD.search(NOT_WORDS.sub("", value))
    ]
    text = re.sub(r"&[a-z]+;|&#\d+;", " ", TAG.sub("\n", html))
    for line in text.split("\n"):
        if WORD.search(NOT_WORDS.sub("", line)):
            found.append(" ".join(line.replace("\x00", "{}").split()))
    return found


def _templates() -> list[str]:
    return sorted(str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html"))


@pytest.mark.parametrize("name", _templates())
def test_every_word_on_the_page_is_wrapped_for_translation(name):
    assert untranslated_text((TEMPLATES / name).read_text()) == []


def test_the_check_finds_bare_words():
    assert untranslated_text("<p>Hello {{ name }}</p>") == ["Hello {}"]
    assert untranslated_text('<nav aria-label="Pages"></nav>') == ["Pages"]
    assert untranslated_text('{% load i18n %}<p>{% translate "Hello" %} {{ name }}</p>') == []
    assert untranslated_text("<p>{% blocktranslate %}Hi {{ n }}{% endblocktranslate %}</p>") == []
