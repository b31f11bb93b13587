"""How the app writes a person's name: one place for every page, letter and form."""

from __future__ import annotations

import unicodedata
from typing import Any


def full_name(given: str, middle: str, family: str) -> str:
    """Given, middle and family names in reading order, empty parts left out."""
    return " ".join(part for part in (given, middle, family) if part)


def filing_name(given: str, middle: str, family: str) -> str:
    """Family name first, as USCIS files a person ("García, María José")."""
    rest = full_name(given, middle, "")
    return f"{family}, {rest}" if family and rest else family or rest


def user_name(user: Any) -> str:
    """A staff member's or advocate's name, or the user name when none is given."""
    return user.get_full_name() or user.get_username()


def person_key(given: str, family: str, born: Any) -> str:
    """A person's name and date of birth written one way, for counting individuals
    (c. 258F s. 4(a)(i)): accents, case, spaces and punctuation do not matter, so
    "María José García-Pérez" and "MARIA JOSE GARCIA PEREZ" give the same key. Letters
    outside Latin script are kept as their code points. Empty when a part is missing."""
    if not (given and family and born):
        return ""

    def plain(text: str) -> str:
        decomposed = unicodedata.normalize("NFKD", text.casefold())
        kept = (c for c in decomposed if not unicodedata.combining(c) and c.isalnum())
        return "".join(c if c.isascii() else f"U{ord(c):X}" for c in kept)

    return f"{plain(given)}N{plain(family)}D{born:%Y%m%d}"
