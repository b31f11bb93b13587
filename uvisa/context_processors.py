"""Values every page's base template shows, taken from settings (no query)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def release(request: HttpRequest) -> dict[str, Any]:
    """The release the department runs (pyproject.toml), for the staff pages' footer."""
    return {"uvisa_version": settings.UVISA_VERSION}
