"""Links in e-mails and PDFs start with UVISA_BASE_URL, or the request's own address."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from cases.lib.base_url import base_url
from cases.models import FormTemplate, Status
from cases.notifications import deliver_due
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def submit(client, r, **extra) -> str:
    """The notice is written while the request is still being answered (its links use that
    request's address) and sent afterwards by the outbox worker, outside any request."""
    mail.outbox.clear()
    client.post(reverse("request_transition", args=[r.reference, "submit"]), **extra)
    deliver_due()
    return mail.outbox[0].body


@pytest.mark.django_db(transaction=True)
def test_unset_the_links_use_the_requests_own_address(client, make_request, people, settings):
    settings.UVISA_BASE_URL = ""
    r = make_request(Status.DRAFT)
    sign_in(client, people["advocate"])
    body = submit(client, r, HTTP_HOST="localhost:8123")
    assert f"http://localhost:8123{r.get_absolute_url()}" in body
    assert ":8000" not in body


@pytest.mark.django_db(transaction=True)
def test_the_setting_wins(client, make_request, people, settings):
    settings.UVISA_BASE_URL = "https://uvisa.example.gov/"
    r = make_request(Status.DRAFT)
    sign_in(client, people["advocate"])
    body = submit(client, r, HTTP_HOST="localhost:8123")
    assert f"https://uvisa.example.gov{r.get_absolute_url()}" in body


def test_outside_a_request_the_first_allowed_host(settings):
    settings.UVISA_BASE_URL = ""
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["uvisa.medford.example", "localhost"]
    assert base_url() == "https://uvisa.medford.example"


def test_the_pdf_footer_uses_the_requests_address(client, make_request, people, settings):
    settings.UVISA_BASE_URL = ""
    r = make_request(Status.CHIEF_DECISION)
    FormTemplate.objects.update(active=False)  # no template: the review copy is our layout
    sign_in(client, people["coordinator"])
    url = reverse("form_review_pdf", args=[r.reference])
    response = client.get(url, HTTP_HOST="127.0.0.1:9000")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "http://127.0.0.1:9000/verify/" in text and ":8000" not in text
