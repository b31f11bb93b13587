"""A database that does not answer, on any database: the 503 page, not a 500."""

from __future__ import annotations

import pytest
from django.db import OperationalError
from django.test import Client

from cases.views import lists
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_a_database_error_is_the_503_page_with_the_headers(people, monkeypatch):
    client = Client(raise_request_exception=False)
    sign_in(client, people["coordinator"])

    def database_gone(*_args, **_kwargs):
        raise OperationalError("connection to server failed: Connection refused")

    monkeypatch.setattr(lists, "requests_visible_to", database_gone)
    response = client.get("/requests/")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert b"Nothing was saved" in response.content
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_any_other_error_is_still_the_500_page(people, monkeypatch):
    client = Client(raise_request_exception=False)
    sign_in(client, people["coordinator"])

    def bug(*_args, **_kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(lists, "requests_visible_to", bug)
    response = client.get("/requests/")
    assert response.status_code == 500 and b"The error was logged" in response.content
    assert response["X-Content-Type-Options"] == "nosniff"
