"""Every response carries the security headers, error pages and refusals included (OWASP
Secure Headers; ASVS V14.4): the /verify/ guard's 429 page, 404, 403, 400 and 500."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def assert_every_header(response) -> None:
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Permissions-Policy"] == "camera=(), microphone=(), geolocation=()"
    assert response["Strict-Transport-Security"].startswith("max-age=")


def test_the_429_page_of_verify_is_a_page_with_the_headers(client, settings):
    settings.UVISA_VERIFY_PER_MINUTE = 1
    assert client.get("/verify/", REMOTE_ADDR="192.0.2.77", secure=True).status_code == 200
    refused = client.get("/verify/", REMOTE_ADDR="192.0.2.77", secure=True)
    assert refused.status_code == 429 and refused["Retry-After"] == "60"
    assert refused["Content-Type"].startswith("text/html")
    html = refused.content.decode()
    assert html.startswith("<!doctype html>") and "<h1>" in html and "<script" not in html
    assert "Too many verification requests" in html
    assert_every_header(refused)


def test_the_413_refusal_has_them_too(client):
    response = client.post(
        "/verify/",
        data=b"x",
        content_type="multipart/form-data; boundary=BoUnDaRy",
        CONTENT_LENGTH=str(10**9),
        secure=True,
    )
    assert response.status_code == 413
    assert_every_header(response)


def test_404_and_403_pages(client, people):
    sign_in(client, people["advocate"])
    missing = client.get("/no-such-page/", secure=True)
    assert missing.status_code == 404
    assert_every_header(missing)
    refused = client.get("/designations/", secure=True)
    assert refused.status_code == 403
    assert_every_header(refused)


def test_a_csrf_refusal_is_a_403_with_them(db):
    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {}, secure=True)
    assert response.status_code == 403
    assert_every_header(response)


def test_a_bad_host_is_a_400_with_them(client):
    response = client.get("/accounts/login/", HTTP_HOST="evil.example", secure=True)
    assert response.status_code == 400
    assert_every_header(response)


@pytest.mark.urls("tests.accounts.error_urls")
def test_the_500_page_has_them():
    response = Client(raise_request_exception=False).get("/boom/", secure=True)
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert_every_header(response)
