"""How the app writes a person's name: one place for every page, letter and form."""

from __future__ import annotations

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
