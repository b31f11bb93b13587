"""Bad input over every form and URL on this branch: a clear error (4xx or a form message),
never a 500, and no change in the database.

Script tags and SQL fragments are not errors: they are stored as the text they are and shown
escaped (tests/browser/test_xss.py shows they never run). Everything else here is refused.
The logs (access log, sessions, lockout attempts) are expected to record the attempts, so the
snapshot covers the case data and the accounts' credentials only.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases import services
from cases.models import (
    CaseEvent,
    CertificationRequest,
    Document,
    FamilyMember,
    Status,
)
from tests.conftest import sign_in

SCRIPT = '<script>document.title="pwned"</script><img src=x onerror=alert(1)>'
SQL = "'; DROP TABLE cases_caseevent; --"
HUGE = "x" * 100_000
NUL = "abc\x00def"

WATCHED = [CertificationRequest, CaseEvent, Document, FamilyMember, TOTPDevice, StaticToken]


# Wrong codes move django-otp's throttle (the brute-force brake): bookkeeping, not data.
BOOKKEEPING = {"throttling_failure_timestamp", "throttling_failure_count", "last_used_at"}


def snapshot() -> dict:
    state = {
        m.__name__: [
            {k: v for k, v in row.items() if k not in BOOKKEEPING}
            for row in m.objects.order_by("pk").values()
        ]
        for m in WATCHED
    }
    state["users"] = list(get_user_model().objects.order_by("pk").values("pk", "password"))
    return state


@pytest.fixture
def world(make_request, people):
    """One request per interesting state, all in organisation A."""
    return {
        status: make_request(status)
        for status in [
            Status.DRAFT,
            Status.RECEIVED,
            Status.CRIME_CHECK,
            Status.HELPFULNESS_REVIEW,
            Status.CHIEF_DECISION,
            Status.INFO_REQUESTED,
            Status.CERTIFIED,
        ]
    }


def step_url(request, name):
    return reverse("request_transition", args=[request.reference, name])


def assert_refused(response, before):
    assert response.status_code < 500
    message = b'class="errorlist' in response.content or b"usa-alert--error" in response.content
    assert 400 <= response.status_code < 500 or message, response.status_code
    assert snapshot() == before


# (persona, state, step, field, value): every text and date field of every step form.
FIELD_CASES = [
    ("coordinator", Status.CRIME_CHECK, "confirm_qualifying_crime", "note", None),
    ("coordinator", Status.CRIME_CHECK, "refer_not_qualifying", "reason", None),
    ("detective", Status.HELPFULNESS_REVIEW, "attest_helpfulness", "note", None),
    ("chief", Status.CHIEF_DECISION, "return_for_review", "note", None),
    ("chief", Status.CHIEF_DECISION, "certify", "note", None),
    ("chief", Status.CHIEF_DECISION, "decline", "note", None),
    ("coordinator", Status.RECEIVED, "request_information", "text", None),
    ("advocate", Status.INFO_REQUESTED, "answer_information", "text", None),
    ("coordinator", Status.RECEIVED, "issue_delay_notice", "reason", None),
    ("coordinator", Status.RECEIVED, "issue_delay_notice", "process", None),
    ("advocate", Status.DRAFT, "withdraw", "reason", None),
    ("chief", Status.CERTIFIED, "withdraw_certification", "reason", None),
]
VALID = {
    "decline": {"reason": "not_helpful"},
    "issue_delay_notice": {
        "reason": "Lab results",
        "process": "We wait",
        "projected_date": "2099-01-01",
    },
}


@pytest.mark.parametrize("value", [HUGE, NUL], ids=["100k-chars", "nul-byte"])
@pytest.mark.parametrize("persona, state, step, field, _", FIELD_CASES)
def test_oversized_and_nul_text_in_step_forms(
    client, people, world, persona, state, step, field, _, value
):
    sign_in(client, people[persona])
    data = {f"{step}-{k}": v for k, v in VALID.get(step, {}).items()}
    data[f"{step}-{field}"] = value
    before = snapshot()
    assert_refused(client.post(step_url(world[state], step), data), before)


@pytest.mark.parametrize(
    "value",
    ["2025-13-45", "31/12/2099", "tomorrow", "", "2000-01-01", "9999-99-99", SQL, NUL, HUGE],
)
def test_malformed_or_past_dates_in_the_delay_notice(client, people, world, value):
    sign_in(client, people["coordinator"])
    data = {
        "issue_delay_notice-reason": "Lab results",
        "issue_delay_notice-process": "We wait",
        "issue_delay_notice-projected_date": value,
    }
    before = snapshot()
    assert_refused(
        client.post(step_url(world[Status.RECEIVED], "issue_delay_notice"), data), before
    )


@pytest.mark.parametrize("value", ["", "not_a_reason", SQL, SCRIPT, NUL])
def test_a_decline_reason_outside_the_policy(client, people, world, value):
    sign_in(client, people["chief"])
    before = snapshot()
    response = client.post(
        step_url(world[Status.CHIEF_DECISION], "decline"), {"decline-reason": value}
    )
    assert_refused(response, before)


@pytest.mark.parametrize(
    "name", ["delete", "save", "__init__", "certify;DROP", "..", "CERTIFY", "submit%00", HUGE[:300]]
)
def test_transition_names_that_do_not_exist(client, people, world, name):
    sign_in(client, people["chief"])
    before = snapshot()
    url = f"/requests/{world[Status.CHIEF_DECISION].reference}/step/{name}/"
    assert_refused(client.post(url, {"certify-note": "x"}), before)


@pytest.mark.parametrize(
    "method, make_url",
    [
        ("get", lambda r: r.get_absolute_url()),
        ("post", lambda r: step_url(r, "withdraw")),
        ("post", lambda r: step_url(r, "submit")),
        ("get", lambda r: reverse("document_download", args=[r.reference, 1])),
    ],
)
def test_requests_of_another_organisation_are_404(client, people, world, method, make_url):
    sign_in(client, people["other_advocate"])
    before = snapshot()
    response = getattr(client, method)(make_url(world[Status.DRAFT]))
    assert response.status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize(
    "path",
    [
        "/requests/..%2F..%2Fetc%2Fpasswd/",
        "/requests/../../etc/passwd",
        "/requests/MPD-UV-1999-0001/documents/..%2F..%2Fsettings.py/",
        "/requests/MPD-UV-1999-0001/documents/-1/",
        "/requests/MPD-UV-1999-0001/documents/99999999999999999999999/",
        "/requests/%3Cscript%3E/",
        "/requests/' OR 1=1 --/",
        "/requests/abc%00def/",
        "/accounts/sessions/abc/end/",
        "/_never_served/documents/x.pdf",
        "/static/../var/db.sqlite3",
    ],
)
def test_strange_paths_are_4xx(client, people, world, path):
    sign_in(client, people["coordinator"])
    before = snapshot()
    response = client.get(path)
    assert 400 <= response.status_code < 500
    assert snapshot() == before


@pytest.mark.parametrize("query", ["page=-1", "page=abc", f"page={SCRIPT}", "page=99999"])
def test_the_list_page_survives_odd_page_numbers(client, people, world, query):
    sign_in(client, people["coordinator"])
    response = client.get(f"/?{query}")
    assert response.status_code == 200 and SCRIPT.encode() not in response.content


# --- CSRF: every form that writes needs the token ---


def csrf_posts(world, people):
    r = world[Status.CHIEF_DECISION]
    return [
        (reverse("login"), {"username": "advocate", "password": "correct-horse-battery"}),
        (reverse("mfa_verify"), {"code": "123456"}),
        (reverse("mfa_setup"), {"code": "123456"}),
        (reverse("reauth"), {"password": "correct-horse-battery", "code": "123456"}),
        (reverse("end_session", args=[1]), {}),
        (reverse("logout"), {}),
        (step_url(r, "certify"), {"certify-note": "x"}),
        (step_url(r, "decline"), {"decline-reason": "not_helpful"}),
        (step_url(world[Status.DRAFT], "submit"), {}),
    ]


def test_posts_without_a_csrf_token_are_refused(people, world):
    client = Client(enforce_csrf_checks=True)
    sign_in(client, people["chief"])
    for url, data in csrf_posts(world, people):
        before = snapshot()
        response = client.post(url, data)
        assert response.status_code == 403, url
        assert snapshot() == before, url
    assert client.get("/").status_code == 200  # still signed in: logout was refused too


# --- the sign-in, second-factor, re-authentication and access-log forms ---


@pytest.mark.parametrize(
    "username, password",
    [(HUGE, "x"), (NUL, "x"), ("advocate", HUGE), (SQL, SQL), (SCRIPT, "x"), ("", "")],
)
def test_the_sign_in_form(client, people, username, password):
    before = snapshot()
    response = client.post(
        reverse("login"), {"username": username, "password": password, "acknowledge": "on"}
    )
    assert_refused(response, before)
    assert "_auth_user_id" not in client.session
    assert SCRIPT.encode() not in response.content


@pytest.mark.parametrize("code", [HUGE, NUL, SQL, SCRIPT, "", "12345", "1234567"])
@pytest.mark.parametrize("view", ["mfa_verify", "reauth"])
def test_second_factor_forms(client, people, code, view):
    user = people["detective"]
    if view == "mfa_verify":
        client.post(
            reverse("login"),
            {"username": "detective", "password": "correct-horse-battery", "acknowledge": "on"},
        )
    else:
        sign_in(client, user)
    before = snapshot()
    response = client.post(reverse(view), {"code": code, "password": "correct-horse-battery"})
    assert_refused(response, before)
    assert SCRIPT.encode() not in response.content


def test_enrolment_form_refuses_bad_codes(client, agency):
    get_user_model().objects.create_user("newcomer", password="correct-horse-battery")
    client.post(
        reverse("login"),
        {"username": "newcomer", "password": "correct-horse-battery", "acknowledge": "on"},
    )
    client.get(reverse("mfa_setup"))
    for code in [HUGE, NUL, SQL, "000000"]:
        before = snapshot()
        assert_refused(client.post(reverse("mfa_setup"), {"code": code}), before)
    assert not TOTPDevice.objects.filter(confirmed=True, user__username="newcomer").exists()


@pytest.mark.parametrize(
    "params",
    [
        {"since": "2025-02-30"},
        {"until": "yesterday"},
        {"username": HUGE},
        {"reference": NUL},
        {"action": "drop_table"},
        {"username": SQL},
    ],
)
def test_access_log_filters(client, people, params):
    sign_in(client, people["auditor"])
    before = snapshot()
    response = client.get(reverse("access_log"), params)
    assert response.status_code == 200
    assert b"errorlist" in response.content or b"No entries match" in response.content
    assert snapshot() == before


# --- services behind the (coming) request and upload forms ---


@pytest.mark.parametrize(
    "values",
    [
        {"family_name": HUGE},
        {"family_name": NUL},
        {"criminal_activity_description": NUL},
        {"date_of_birth": "1990-02-31"},
        {"date_of_birth": "not a date"},
        {"date_of_birth": timezone.localdate() + timedelta(days=1)},
        {"incident_date": "2025-13-01"},
        {"a_number": "1234567890123"},
        {"gender": "X"},
        {"status": "certified"},
    ],
    ids=lambda v: next(iter(v)) + ":" + repr(next(iter(v.values())))[:20],
)
def test_request_fields_are_validated_by_the_service(people, world, values):
    before = snapshot()
    with pytest.raises(ValidationError):
        services.request_update(
            request=world[Status.DRAFT], actor=people["advocate"], values=values
        )
    assert snapshot() == before


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.mark.parametrize(
    "name, content",
    [
        ("letter.pdf", b"<html><script>alert(1)</script></html>"),  # HTML disguised as PDF
        ("scan.pdf", PNG),  # the name says PDF, the content is PNG
        ("photo.png", PDF),
        ("tool.exe", b"MZ\x90\x00"),
        ("empty.pdf", b""),
        ("nul\x00name.pdf", PDF),
        ("...", PDF),
        ("report.pdf.html", PDF),
    ],
)
def test_bad_uploads_are_refused(people, world, name, content):
    before = snapshot()
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    with pytest.raises(ValidationError):
        services.request_add_document(
            request=world[Status.DRAFT], actor=people["advocate"], upload=upload, kind="other"
        )
    assert snapshot() == before


@pytest.mark.parametrize("name", ["../../../etc/passwd.pdf", "..\\..\\windows\\x.pdf", "/abs.pdf"])
def test_path_traversal_names_never_become_paths(people, world, name, settings):
    doc = services.request_add_document(
        request=world[Status.DRAFT],
        actor=people["advocate"],
        upload=SimpleUploadedFile(name, PDF, content_type="application/pdf"),
        kind="other",
    )
    assert doc.file.name.startswith("documents/") and ".." not in doc.file.name
    assert "/" not in doc.original_name and "\\" not in doc.original_name
    stored = settings.MEDIA_ROOT / doc.file.name
    assert stored.resolve().is_relative_to(settings.MEDIA_ROOT.resolve())


def test_sql_and_script_text_is_stored_as_text(client, people, world):
    r = world[Status.RECEIVED]
    sign_in(client, people["coordinator"])
    text = f"{SQL}\n{SCRIPT}"
    response = client.post(step_url(r, "request_information"), {"request_information-text": text})
    assert response.status_code == 302
    r.refresh_from_db()
    assert r.info_request_text == text and r.status == Status.INFO_REQUESTED
    with connection.cursor() as cursor:  # the table is still there
        cursor.execute("SELECT COUNT(*) FROM cases_caseevent")
        assert cursor.fetchone()[0] == 1
    html = client.get(r.get_absolute_url()).content.decode()
    assert SCRIPT not in html and "&lt;script&gt;" in html
