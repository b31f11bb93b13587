"""The requester's status code and the public status page (/status/): the code is issued with
the acknowledgement and kept only as a keyed hash; the page answers the stage, the dates and
what comes next, never a name; a wrong reference and a wrong code look the same; rate-limited
like /verify/; every look-up in the access log, never the code."""

from __future__ import annotations

import re
import subprocess
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from cases import services
from cases.issued_letters import letter_bytes
from cases.lib import status_codes as codes
from cases.models import (
    AccessLog,
    CaseEvent,
    DeclineReason,
    FormType,
    IssuedLetter,
    Status,
    StatusLookupCode,
)
from cases.public_status import STAGE_OF_STATE, STAGE_WORDS
from cases.services.reconsideration import request_ask_reconsideration
from cases.services.status_codes import acknowledge_with_code, request_new_status_code
from tests.cases.test_intake import record
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

CODE_SHAPE = re.compile(r"\b([2-9A-HJKMNP-TW-Z]{4}-[2-9A-HJKMNP-TW-Z]{4}-[2-9A-HJKMNP-TW-Z]{4})\b")


def pdf_text(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def code_in_letter(letter: IssuedLetter) -> str:
    """The code as the requester reads it in the issued letter (the only place it exists)."""
    found = set(CODE_SHAPE.findall(pdf_text(letter_bytes(letter))))
    assert len(found) == 1, found
    return found.pop()


def look_up(
    client: Client, reference: str, code: str, *, ip: str = "192.0.2.10", language: str = "en"
):
    data = {"reference": reference, "code": code, "language": language}
    return client.post("/status/", data, REMOTE_ADDR=ip)


def without_token(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


# --- the code ---


def test_a_code_is_12_unambiguous_characters_in_three_groups_and_never_repeats():
    drawn = {codes.new_code() for _ in range(2000)}
    assert len(drawn) == 2000
    for code in drawn:
        assert CODE_SHAPE.fullmatch(code)
        assert not set(code) & set("01ILOUV")
    assert len(codes.ALPHABET) ** codes.LENGTH > 2**58
    # typed without dashes, in lower case, with spaces: the same code
    code = next(iter(drawn))
    assert codes.code_digest("mpd-uv-2026-0001 ", code.lower().replace("-", " ")) == (
        codes.code_digest("MPD-UV-2026-0001", code)
    )
    # bound to its reference
    assert codes.code_digest("MPD-UV-2026-0002", code) != codes.code_digest(
        "MPD-UV-2026-0001", code
    )


def test_a_recorded_request_gets_a_code_printed_in_its_acknowledgement_and_stored_hashed_only(
    agency, people
):
    r = record(people, agency)
    letter = r.issued_letters.get()
    code = code_in_letter(letter)
    row = StatusLookupCode.objects.get(request=r)
    assert row.digest == codes.code_digest(r.reference, code) and row.generation == 1
    assert row.issued_by == people["coordinator"]
    # No column of any table holds the code, with or without its dashes.
    plain = {code, code.replace("-", "")}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            for values in cursor.fetchall():
                text = " ".join(
                    bytes(v).decode("latin-1") if isinstance(v, bytes | memoryview) else str(v)
                    for v in values
                )
                assert not any(p in text for p in plain), table


@pytest.mark.parametrize("form_type", [FormType.U_VISA, FormType.T_VISA])
@pytest.mark.parametrize(
    "language, heading",
    [
        ("en", "Where your request stands"),
        ("es", "Cómo saber en qué estado está su solicitud"),
        ("pt", "Como saber em que pé está o seu pedido"),
        ("ht", "Ki kote demann ou an ye"),
    ],
)
def test_the_acknowledgement_prints_reference_code_and_address_in_each_language(
    agency, people, t_template, settings, form_type, language, heading
):
    from tests.cases.test_intake import VICTIM

    settings.UVISA_BASE_URL = "https://uvisa.example.gov/"  # as /verify/ links are printed
    values = {**VICTIM, "form_type": form_type, "preferred_language": language}
    r = record(people, agency, values=values)
    letter = r.issued_letters.get()
    assert letter.language == language
    text = pdf_text(letter_bytes(letter))
    flat = " ".join(text.split())
    assert heading in flat
    code = code_in_letter(letter)
    # printed in the translation and in the English attached (one copy in English only)
    assert flat.count(code) == (1 if language == "en" else 2)
    assert flat.count(r.reference) >= 2
    assert "https://uvisa.example.gov/status/" in flat


# --- the page: what it shows for each stage ---


def _with_code(r, people):
    _letter, code = acknowledge_with_code(r, actor=people["coordinator"], at=timezone.now())
    return code


STAGES = [
    (Status.RECEIVED, "received", "Received"),
    (Status.CRIME_CHECK, "under_review", "Under review"),
    (Status.HELPFULNESS_REVIEW, "under_review", "Under review"),
    (Status.CHIEF_DECISION, "under_review", "Under review"),
    (Status.INFO_REQUESTED, "info_requested", "Information requested"),
    (Status.AWAITING_INK, "signing", "Decided: certified, awaiting signature"),
    (Status.CERTIFIED, "certified", "Decided: certified"),
    (Status.DECLINED, "denied", "Decided: denied"),
    (Status.REFERRED, "referred", "Answered: referred to another agency"),
    (Status.WITHDRAWN, "withdrawn", "Withdrawn"),
    (Status.CERTIFICATION_WITHDRAWN, "certification_withdrawn", "Decided: certification withdrawn"),
]


def test_every_state_a_requester_can_look_up_has_its_own_stage():
    """A new state falls to "under review" unless it is mapped: every state after the draft is
    mapped, and each stage has its words in the four letter languages."""
    assert set(STAGE_OF_STATE) == set(Status) - {Status.DRAFT}
    for stage in set(STAGE_OF_STATE.values()):
        assert set(STAGE_WORDS[stage]) == {"en", "es", "pt", "ht"}, stage


@pytest.mark.parametrize("status, stage, words", STAGES)
def test_each_state_is_shown_in_plain_words_with_its_dates_and_no_names(
    client, make_request, people, status, stage, words
):
    received = timezone.now() - timedelta(days=30)
    decided = timezone.now() - timedelta(days=2)
    fields = {"received_at": received}
    if status in (Status.CERTIFIED, Status.CERTIFICATION_WITHDRAWN):
        fields["signed_on"] = timezone.localdate(decided)
    if status in (
        Status.DECLINED,
        Status.REFERRED,
        Status.CERTIFIED,
        Status.CERTIFICATION_WITHDRAWN,
    ):
        fields["decided_at"] = decided
    r = make_request(status, **fields)
    page = look_up(client, r.reference, _with_code(r, people))
    assert page.status_code == 200
    html = page.content.decode()
    assert f'id="status-stage" lang="en">{words}</p>' in html
    assert STAGE_WORDS[stage]["en"][1].replace("'", "&#x27;") in html
    received_on = timezone.localdate(received)
    assert f"{received_on:%B} {received_on.day}, {received_on.year}" in html
    due = received_on + timedelta(days=90)  # c. 258F s. 3
    assert re.search(rf'id="status-due">{due:%B} {due.day}, {due.year}<', html)
    if "decided_at" in fields:
        answered = timezone.localdate(decided)
        assert f'id="status-answered">{answered:%B} {answered.day}, {answered.year}<' in html
    else:
        assert 'id="status-answered"' not in html
    for private in (
        "García",
        "Garc&#x27;",
        "María",
        "25-001234",
        "Assaulted",
        "Bruises",
        "advocate",
    ):
        assert private not in html
    assert page["Cache-Control"].count("no-store") == 1
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert page["Content-Security-Policy"] and page["X-Frame-Options"]


def test_a_recorded_request_shows_neither_victim_nor_requester(client, agency, people):
    r = record(people, agency)
    html = look_up(client, r.reference, code_in_letter(r.issued_letters.get())).content.decode()
    assert "Received" in html and r.reference in html
    for private in ("Silva", "Rosa", "Joana", "Pereira", "Malden", "joana@example.org"):
        assert private not in html


def test_the_answer_words_come_in_the_four_letter_languages(client, make_request, people):
    r = make_request(Status.CRIME_CHECK)
    code = _with_code(r, people)
    for language, words in [
        ("es", "En revisión"),
        ("pt", "Em análise"),
        ("ht", "Ap egzaminen"),
    ]:
        html = look_up(client, r.reference, code, language=language).content.decode()
        assert f'id="status-stage" lang="{language}">{words}</p>' in html


def test_a_delay_notice_and_a_reconsideration_show_their_dates(client, make_request, people):
    r = make_request(Status.CRIME_CHECK, received_at=timezone.now() - timedelta(days=10))
    code = _with_code(r, people)
    projected = timezone.localdate() + timedelta(days=120)
    services.request_issue_delay_notice(
        request=r,
        actor=people["coordinator"],
        reason="The detective is on leave.",
        process="Another detective reviews the report.",
        projected_date=projected,
    )
    html = look_up(client, r.reference, code).content.decode()
    assert "Under review, answer delayed" in html
    assert f'id="status-deadline">{projected:%B} {projected.day}, {projected.year}<' in html
    assert "detective is on leave" not in html  # the reason stays in the letter

    denied = services.request_decline(
        request=make_request(Status.CHIEF_DECISION),
        actor=people["chief"],
        reason=DeclineReason.NOT_HELPFUL,
    )
    code = _with_code(denied, people)
    asked = request_ask_reconsideration(
        request=denied, actor=people["advocate"], reasons="She testified at the trial."
    )
    due = asked.reconsiderations.get().due_on
    html = look_up(client, denied.reference, code).content.decode()
    assert "Reconsideration requested" in html
    assert f'id="status-reconsideration">{due:%B} {due.day}, {due.year}<' in html
    assert "testified" not in html


# --- no oracle ---


def test_a_wrong_reference_and_a_wrong_code_get_the_same_page(client, make_request, people):
    r = make_request(Status.CRIME_CHECK)
    code = _with_code(r, people)
    without_code = make_request(Status.CRIME_CHECK)  # a request from before the codes
    wrong_code = codes.new_code()
    answers = [
        look_up(client, "MPD-UV-2099-9999", code),  # no such reference
        look_up(client, r.reference, wrong_code),  # right reference, wrong code
        look_up(client, without_code.reference, code),  # a request that has no code
        look_up(client, r.reference, ""),  # no code typed: refused before any look-up
    ]
    first, second, third, empty = answers
    assert first.status_code == second.status_code == third.status_code == 200
    assert without_token(first.content.decode()) == without_token(second.content.decode())
    assert without_token(first.content.decode()) == without_token(third.content.decode())
    assert "No request matches this reference and status code" in first.content.decode()
    assert r.reference not in second.content.decode()  # nothing typed is shown back
    assert empty.status_code == 400
    # the right code still works, and a code is not used up by looking
    for _ in range(2):
        assert "Under review" in look_up(client, r.reference, code).content.decode()


def test_the_code_travels_in_the_post_body_only_and_csrf_is_checked(make_request, people):
    r = make_request(Status.CRIME_CHECK)
    code = _with_code(r, people)
    strict = Client(enforce_csrf_checks=True)
    page = strict.get("/status/", {"reference": r.reference, "code": code})
    assert page.status_code == 200 and "Under review" not in page.content.decode()
    assert 'method="post"' in page.content.decode()
    refused = strict.post("/status/", {"reference": r.reference, "code": code, "language": "en"})
    assert refused.status_code == 403
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    answered = strict.post(
        "/status/",
        {"reference": r.reference, "code": code, "language": "en", "csrfmiddlewaretoken": token},
    )
    assert answered.status_code == 200 and "Under review" in answered.content.decode()


# --- rate limit and access log ---


def test_beyond_the_limit_per_address_a_429_with_retry_after(
    client, settings, make_request, people
):
    settings.UVISA_STATUS_PER_MINUTE = 3
    r = make_request(Status.CRIME_CHECK)
    code = _with_code(r, people)
    for _ in range(3):
        assert look_up(client, "MPD-UV-2099-0001", "AAAA-BBBB-CCCC").status_code == 200
    for _ in range(2):
        over = look_up(client, r.reference, code)  # even the right code: not looked up
        assert over.status_code == 429
        assert over["Retry-After"] == "60"
        assert "Too many look-ups" in over.content.decode()
        assert "Under review" not in over.content.decode()
    assert client.get("/status/", REMOTE_ADDR="192.0.2.10").status_code == 429
    # another address is not held back
    assert "Under review" in look_up(client, r.reference, code, ip="192.0.2.11").content.decode()
    rows = list(AccessLog.objects.filter(action=AccessLog.Action.STATUS_LOOKUP).order_by("pk"))
    # three misses, one "limited" row for the address's minute (not one per refusal), one find
    assert [(row.reference, row.detail) for row in rows] == [
        ("MPD-UV-2099-0001", "not found"),
        ("MPD-UV-2099-0001", "not found"),
        ("MPD-UV-2099-0001", "not found"),
        (r.reference, "limited"),
        (r.reference, "found"),
    ]
    assert rows[-1].request == r and rows[0].request is None
    assert rows[0].ip_address == "192.0.2.10" and rows[-1].ip_address == "192.0.2.11"
    assert rows[-1].user is None and rows[-1].path == "/status/"
    for row in rows:
        assert code not in f"{row.reference} {row.detail} {row.path} {row.user_agent}"


def test_beyond_the_limit_per_reference_from_many_addresses(client, settings, make_request, people):
    settings.UVISA_STATUS_PER_REFERENCE = 2
    r = make_request(Status.CRIME_CHECK)
    code = _with_code(r, people)
    for n in range(2):
        look_up(client, r.reference, codes.new_code(), ip=f"198.51.100.{n}")
    over = look_up(client, r.reference.lower(), code, ip="198.51.100.9")
    assert over.status_code == 429 and over["Retry-After"] == "60"
    # other references are still answered
    other = make_request(Status.CRIME_CHECK)
    assert look_up(client, other.reference, _with_code(other, people)).status_code == 200


# --- a new code ---


def test_the_coordinator_issues_a_new_code_and_the_old_one_stops_working(client, agency, people):
    r = record(people, agency)
    old = code_in_letter(r.issued_letters.get())
    sign_in(client, people["coordinator"])
    answer = client.post(f"/requests/{r.reference}/status-code/")
    assert answer.status_code == 302
    new_letter = r.issued_letters.order_by("-pk").first()
    assert new_letter.kind == "acknowledgement" and r.issued_letters.count() == 2
    new = code_in_letter(new_letter)
    assert new != old
    row = StatusLookupCode.objects.get(request=r)
    assert row.generation == 2 and row.digest == codes.code_digest(r.reference, new)
    event = r.events.get(kind=CaseEvent.Kind.STATUS_CODE)
    assert event.actor == people["coordinator"] and event.internal
    assert event.data["replaced"] is True and event.data["letter"] == new_letter.pk
    assert old not in str(event.data) and new not in str(event.data)
    client.logout()
    assert "No request matches" in look_up(client, r.reference, old).content.decode()
    assert "Received" in look_up(client, r.reference, new).content.decode()


def test_a_request_from_before_the_codes_gets_its_first_one(make_request, people):
    r = make_request(Status.HELPFULNESS_REVIEW)
    assert not StatusLookupCode.objects.filter(request=r).exists()
    letter, code = request_new_status_code(request=r, actor=people["coordinator"])
    assert code_in_letter(letter) == code
    assert StatusLookupCode.objects.get(request=r).generation == 1
    assert r.events.get(kind=CaseEvent.Kind.STATUS_CODE).data["replaced"] is False


@pytest.mark.parametrize("who", ["advocate", "detective", "chief", "auditor"])
def test_only_the_coordinator_issues_a_new_code(client, make_request, people, who):
    r = make_request(Status.CRIME_CHECK)
    _with_code(r, people)
    before = StatusLookupCode.objects.get(request=r).digest
    sign_in(client, people[who])
    assert client.post(f"/requests/{r.reference}/status-code/").status_code == 403
    assert StatusLookupCode.objects.get(request=r).digest == before


def test_another_organisations_case_is_not_found(client, make_request, people):
    r = make_request(Status.CRIME_CHECK)
    sign_in(client, people["other_advocate"])
    assert client.post(f"/requests/{r.reference}/status-code/").status_code == 404
    assert client.get(f"/requests/{r.reference}/status-code/").status_code == 405


def test_the_case_page_offers_a_new_code_to_the_coordinator_only(client, agency, people):
    r = record(people, agency)
    sign_in(client, people["coordinator"])
    assert "Issue a new status code" in client.get(r.get_absolute_url()).content.decode()
    sign_in(client, people["auditor"])
    assert "Issue a new status code" not in client.get(r.get_absolute_url()).content.decode()


def test_the_status_page_needs_no_sign_in(client, db):
    page = client.get("/status/")
    assert page.status_code == 200
    assert "Where does my request stand?" in page.content.decode()
    assert "no-store" in page["Cache-Control"]


@pytest.mark.parametrize(
    "reference, code, status",
    [
        ("X" * 41, "AAAA-BBBB-CCCC", 400),  # longer than any reference
        ("MPD-UV-2026-0001", "A" * 41, 400),
        ("MPD\x00UV", "AAAA", 400),  # a NUL byte
        ("' OR 1=1 --", "<script>alert(1)</script>", 200),
        ("ÀÉÎ-ŨV-٢٠٢٦", "ＡＢＣＤ-１２３４", 200),
    ],
)
def test_hostile_input_is_a_clear_answer_never_a_500(client, db, reference, code, status):
    page = look_up(client, reference, code)
    assert page.status_code == status
    html = page.content.decode()
    assert "<script>alert(1)</script>" not in html
    if status == 200:
        assert "No request matches this reference and status code" in html
    else:
        assert "usa-error-message" in html and "Where does my request stand?" in html
    assert AccessLog.objects.filter(action=AccessLog.Action.STATUS_LOOKUP).count() == (
        1 if status == 200 else 0
    )


def test_the_code_is_in_no_log_line(client, agency, people, caplog):
    caplog.set_level("DEBUG")
    r = record(people, agency)
    code = code_in_letter(r.issued_letters.get())
    look_up(client, r.reference, code)
    look_up(client, r.reference, code.replace("-", ""))
    sign_in(client, people["coordinator"])
    client.post(f"/requests/{r.reference}/status-code/")
    new = code_in_letter(r.issued_letters.order_by("-pk").first())
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for plain in (code, code.replace("-", ""), new, new.replace("-", "")):
        assert plain not in logged


def test_the_auditor_reads_the_look_ups_in_the_access_log(client, make_request, people):
    r = make_request(Status.CRIME_CHECK)
    code = _with_code(r, people)
    look_up(client, r.reference, code)
    look_up(client, "MPD-UV-2099-0042", code)
    sign_in(client, people["auditor"])
    page = client.get("/audit/access/", {"action": AccessLog.Action.STATUS_LOOKUP})
    assert page.status_code == 200
    html = page.content.decode()
    rows = re.findall(r"<tr>.*?</tr>", re.search(r"<tbody>.*?</tbody>", html, re.S)[0], re.S)
    assert len(rows) == 2 and all("Looked up a request&#x27;s status" in row for row in rows)
    assert r.reference in html and "MPD-UV-2099-0042" in html and code not in html
