"""The security headers every response carries, error pages and refusals included (OWASP
Secure Headers Project; ASVS 4.0 V14.4.3 CSP, V14.4.4 nosniff, V14.4.5 HSTS, V14.4.6
Referrer-Policy, V14.4.7 framing).

Django's SecurityMiddleware (first in MIDDLEWARE) adds HSTS, nosniff, Referrer-Policy and COOP to
everything. The rest is set here, by cases.accounts.middleware.SecurityHeadersMiddleware for the
pages, and by the /verify/ guard (cases/documents/guard.py) for the refusals it answers before
the rest of the stack runs.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse


def add_security_headers(response: HttpResponse) -> HttpResponse:
    response.headers.setdefault("Content-Security-Policy", settings.UVISA_CSP)
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", settings.SECURE_REFERRER_POLICY)
    return response
