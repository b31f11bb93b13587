"""The guide pages: every role has one, signing-in is readable before signing in, the rest
only after; images are served, names are checked."""

from __future__ import annotations

import pytest

from cases.guide import GUIDE_DIR, GUIDES, markdown_to_html
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_every_guide_exists_and_its_images_too():
    for slug in GUIDES:
        text = (GUIDE_DIR / f"{slug}.md").read_text()
        title, body = markdown_to_html(text)
        assert title and "<h1" not in body
        for name in __import__("re").findall(r"\(img/([\w-]+\.png)\)", text):
            image = GUIDE_DIR / "img" / name
            assert image.is_file() and image.stat().st_size < 120_000, name  # small PNGs


def test_markdown_is_escaped():
    _title, body = markdown_to_html(
        "# T\n\n<script>alert(1)</script> **bold** [x](javascript:alert(1))"
    )
    assert "<script>" not in body and "<strong>bold</strong>" in body
    assert 'href="#"' in body


def test_signing_in_is_public_the_role_guides_are_not(client, people):
    assert client.get("/help/").status_code == 200
    assert client.get("/help/signing-in/").status_code == 200
    assert client.get("/help/chief/").status_code == 404
    assert client.get("/help/img/sign-in.png")["Content-Type"] == "image/png"
    assert client.get("/help/img/..%2Fsettings.png").status_code == 404
    sign_in(client, people["chief"])
    html = client.get("/help/").content.decode()
    assert "Your role" in html.split("The Chief")[1][:80]
    assert client.get("/help/chief/").status_code == 200


def test_every_page_links_to_help(client, people):
    sign_in(client, people["advocate"])
    html = client.get("/").content.decode()
    assert 'href="/help/"' in html


def test_the_coordinators_guide_explains_record_a_request(client, people):
    """The menu's *Record a request* (requests received by mail, e-mail, fax or in person)."""
    sign_in(client, people["coordinator"])
    html = client.get("/help/coordinator/").content.decode()
    assert "Record a request</h2>" in html and "<strong>Record the request</strong>" in html
    assert "c. 258F s. 3" in html
