"""``{{ user|person }}``: a user's name as every page writes it (cases/lib/names.py)."""

from __future__ import annotations

from typing import Any

from django import template

from cases.lib.names import user_name

register = template.Library()


@register.filter
def person(user: Any) -> str:
    return user_name(user) if user else ""
