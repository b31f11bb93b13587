"""Response headers and cookies: CSP without inline script, HSTS, Referrer-Policy, framing,
no-store on pages with victim data, secure cookies; no inline script in any template."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.urls import reverse

from cases.models import Status
from tests.conftest import sign_in

ROOT = Path(__file__).resolve().parents[2]


def test_a_case_page_carries_every_security_header(client, people, make_request):
    r = make_request(Status.RECEIVED)
    sign_in(client, people["coordinator"])
    response = client.get(r.get_absolute_url(), secure=True)
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store, max-age=0"


def test_the_sign_in_page_is_not_cached_and_has_a_csp(client, db):
    response = client.get(reverse("login"))
    assert "no-store" in response["Cache-Control"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_cookies_are_secure_and_http_only_outside_debug(client, people):
    assert settings.DEBUG is False
    response = client.post(
        reverse("login"),
        {"username": "advocate", "password": "correct-horse-battery", "acknowledge": "on"},
    )
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"
    assert settings.CSRF_COOKIE_SECURE and settings.CSRF_COOKIE_HTTPONLY
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_no_template_has_inline_script_or_event_handlers():
    import re

    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        for tag in re.findall(r"<script[^>]*>", text, re.IGNORECASE):
            assert "src=" in tag, (path, tag)  # files only, never inline
        assert not re.search(r"\son[a-z]+\s*=", text, re.IGNORECASE), path
