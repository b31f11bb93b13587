"""Bulk data, constant query counts at any size, caches that follow changes,
the production pieces (healthz, JSON logs, gunicorn config, the benchmark's baseline)."""

from __future__ import annotations

import json
import logging
import runpy
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from cases import clocks, services
from cases.lib.pagination import CappedPaginator
from cases.models import (
    PENDING_STATES,
    AdvocateOrganization,
    CaseEvent,
    CertificationRequest,
    RequestGroupObjectPermission,
    Status,
)
from cases.reporting import annual, open_clocks
from cases.selectors import requests_visible_to
from tests.conftest import sign_in

ROOT = Path(__file__).resolve().parents[2]

# The session with its user and second-factor device (one query), the role's permissions
# (user + groups), then per queue one capped COUNT and one SELECT of the page (the scope is
# a subquery), and the versions of the page cache (cases/page_cache.py).
BULK_PAGES = [
    ("advocate", "/", 6),
    ("advocate", "/requests/", 6),
    ("advocate", "/queues/organisation/", 6),
    # two queues, new requests and intake (no counts), and the clock tile (newest event, count)
    ("coordinator", "/", 8),
    ("coordinator", "/requests/", 6),
    ("coordinator", "/requests/?status=received", 6),
    ("coordinator", "/queues/intake/", 6),
    ("chief", "/queues/decisions/", 6),
    ("detective", "/queues/assignments/", 6),
]


def bulk_users() -> dict:
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    detective = (
        CertificationRequest.objects.filter(status=Status.HELPFULNESS_REVIEW)
        .values_list("assigned_detective__username", flat=True)
        .first()
    )
    return {
        "advocate": users.get(username="bulk-advocate-001-1"),
        "coordinator": users.get(username="bulk-coordinator"),
        "chief": users.get(username="bulk-chief"),
        "detective": users.get(username=detective),
    }


def query_counts(client, django_assert_num_queries) -> dict[tuple[str, str], int]:
    counts = {}
    users = bulk_users()
    for persona, url, expected in BULK_PAGES:
        sign_in(client, users[persona])
        client.get(url)  # warm process-wide caches, as in a running server
        cache.clear()  # count the queries that build the page (cases/page_cache.py)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, url
        assert "-UV-" in response.content.decode(), url  # rows are listed
        counts[(persona, url)] = len(ctx.captured_queries)
        cache.clear()
        with django_assert_num_queries(expected):
            client.get(url)
    return counts


# The case page (not cached: victim data, one access-log row per view) for the coordinator,
# by state, and statute search in the crime check. Each count: the session with
# user and device, the versions, the request with its organisation, advocate, detective and
# intake record, the access log (lock the chain head, insert, move the head: with BEGIN and
# COMMIT), then what the state shows: categories, statutes, family members, the department's
# text of the attested items, letters, documents, timeline; an open request adds the
# Supplement B check (agency and its head designations, once) and the duplicate check.
# Statute search: session, versions, request, cited statutes with their categories; the
# search results and the category list are reused until a statute or category changes.
# Before these pages were tuned (docs/performance.md; 100,000 bulk requests): case page 18-29
# by state, statute search 10.
# The review copy adds one: the loaded template of the request's form (its file not read), for
# the draft form's pages before the decision and for the download's label after it.
DETAIL_QUERIES = {
    ("case page", Status.RECEIVED): 19,
    ("case page", Status.CRIME_CHECK): 19,
    ("case page", Status.HELPFULNESS_REVIEW): 19,
    ("case page", Status.CHIEF_DECISION): 20,
    # An issued request also reads its open form corrections (the notice of a wrong form).
    ("case page", Status.CERTIFIED): 19,
    ("case page", Status.DECLINED): 16,
    ("statute search", Status.CRIME_CHECK): 5,
}


def detail_counts(client) -> dict[tuple[str, str], int]:
    coordinator = bulk_users()["coordinator"]
    if not CertificationRequest.objects.filter(status=Status.CRIME_CHECK).exists():
        received = CertificationRequest.objects.filter(status=Status.RECEIVED).order_by("pk")
        services.request_begin_crime_check(request=received.first(), actor=coordinator)
    sign_in(client, coordinator)
    counts = {}
    for page, status in DETAIL_QUERIES:
        reference = (
            # With the victim's digests, so the open states' duplicate check runs (one query)
            CertificationRequest.objects.filter(status=status)
            .exclude(person_digest="")
            .order_by("pk")
            .values_list("reference", flat=True)
            .first()
        )
        assert reference, status
        url = f"/requests/{reference}/"
        if page == "statute search":
            url += "crime-check/?q=assault"
        client.get(url)  # warm process-wide caches, as in a running server
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, url
        assert reference in response.content.decode()
        counts[(page, status)] = len(ctx.captured_queries)
    return counts


@pytest.mark.django_db(transaction=True)
def test_list_queries_are_the_same_with_100_and_with_2000_requests(
    client, reference_rows, django_assert_num_queries
):
    call_command("seed_bulk", requests=100, organizations=3, detectives=2, verbosity=0)
    small = query_counts(client, django_assert_num_queries)
    small_detail = detail_counts(client)
    assert small_detail == DETAIL_QUERIES
    call_command("seed_bulk", requests=1900, organizations=3, detectives=2, seed=8, verbosity=0)
    assert CertificationRequest.objects.count() == 2000
    assert query_counts(client, django_assert_num_queries) == small
    assert detail_counts(client) == small_detail


@pytest.mark.django_db(transaction=True)
def test_seed_bulk_spreads_requests_like_real_ones(reference_rows):
    call_command("seed_bulk", requests=600, organizations=4, detectives=3, verbosity=0)
    rows = CertificationRequest.objects.all()
    statuses = Counter(rows.values_list("status", flat=True))
    assert set(statuses) == set(Status.values)  # every state occurs
    assert statuses[Status.CERTIFIED] > sum(statuses[s] for s in PENDING_STATES)
    years = {r.created_at.year for r in rows.only("created_at")}
    assert len(years) >= 5  # ten years of history
    # Received requests carry their due date; every request its creation event and steps.
    assert not rows.exclude(status=Status.DRAFT).filter(due_on__isnull=True).exists()
    for r in rows.filter(status=Status.CERTIFIED)[:20]:
        steps = list(r.events.values_list("transition", flat=True))
        assert steps[0] == "" and steps[-2:] == ["certify", "record_ink_signature"], steps
        assert r.events.last().to_state == Status.CERTIFIED
    assert CaseEvent.objects.filter(kind=CaseEvent.Kind.CREATED).count() == 600
    # The audit events are chained like the services chain them.
    from cases.audit import verify_chain

    checked, broken = verify_chain()
    assert checked == CaseEvent.objects.count() and broken is None, broken
    # Victim fields went through their own encryption; the lookup digests are filled.
    with connection.cursor() as cursor:
        cursor.execute("SELECT family_name FROM cases_certificationrequest LIMIT 1")
        stored = cursor.fetchone()[0]
    assert stored.startswith("v1:") and rows.first().family_name in {
        "García",
        "Nguyen",
        "Silva",
        "Pierre",
        "Hernández",
        "Zhang",
        "Castillo",
        "Haile",
    }
    from cases.selectors import requests_by_number

    sample = rows.exclude(report_number="").first()
    assert sample in requests_by_number(bulk_users()["coordinator"], sample.report_number)
    # Scope: one organisation's advocate sees exactly that organisation's requests.
    org = AdvocateOrganization.objects.get(name="Bulk advocacy organisation 001")
    advocate = org.group.user_set.first()
    assert requests_visible_to(advocate).count() == rows.filter(organization=org).count() > 0
    assert RequestGroupObjectPermission.objects.count() == 600
    # The reference counters moved on: a request made through the service gets a new one.
    from cases.services import request_create

    new = request_create(
        actor=advocate,
        agency=rows.first().agency,
        values={"family_name": "Test", "given_name": "Ana"},
    )
    assert CertificationRequest.objects.filter(reference=new.reference).count() == 1


def test_seed_bulk_refuses_nonsense(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="must be positive"):
        call_command("seed_bulk", requests=0)


def test_list_rows_never_load_victim_data(client, make_request, people):
    make_request(Status.RECEIVED)
    sign_in(client, people["coordinator"])
    with CaptureQueriesContext(connection) as ctx:
        client.get("/requests/")
    page_select = [
        q["sql"]
        for q in ctx.captured_queries
        if '"reference"' in q["sql"] and "COUNT(" not in q["sql"].upper()
    ]
    assert page_select and '"family_name"' not in page_select[0]
    assert '"date_of_birth"' not in page_select[0] and '"a_number"' not in page_select[0]


# --- caches follow changes ---


def test_clock_tile_counts_in_sql_what_the_clocks_say(make_request):
    now = timezone.now()
    for days, expedited in [(1, False), (80, False), (100, False), (28, True), (40, True)]:
        make_request(
            Status.RECEIVED,
            received_at=now - timedelta(days=days),
            expedited=expedited,
            expedited_reason="removal" if expedited else "",
        )
    make_request(Status.DECLINED, decided_at=now)  # answered: not on the tile
    # Denied on day 20, reconsidered and granted: its form awaits the ink on day 100, yet the
    # request was answered by the denial (clocks.answered_on), so it is not overdue.
    make_request(
        Status.AWAITING_INK,
        received_at=now - timedelta(days=100),
        first_answered_at=now - timedelta(days=80),
        decided_at=now,
    )
    pending = CertificationRequest.objects.filter(status__in=PENDING_STATES)
    assert pending.count() == 6
    expected = Counter(clocks.clock(r, now=now).state for r in pending)
    counted = {state: n for state, _, n in open_clocks.count_open_requests_by_clock(now=now)}
    assert counted == {s.value: expected.get(s, 0) for s in clocks.OPEN_CLOCK_STATES}
    assert sum(counted.values()) == 5 and all(counted.values())


def test_clock_tile_is_recounted_after_a_change(make_request, people):
    now = timezone.now()
    r = make_request(Status.RECEIVED, received_at=now - timedelta(days=1))
    before = {s: n for s, _, n in open_clocks.open_requests_by_clock(now=now)}
    assert before["on_time"] == 1
    services.request_withdraw(request=r, actor=people["advocate"], reason="Moved away.")
    # Under writes the counts may be up to a minute old, then they follow the change.
    later = now + timedelta(seconds=open_clocks.TILE_MAX_AGE_SECONDS + 1)
    after = {s: n for s, _, n in open_clocks.open_requests_by_clock(now=later)}
    assert after["on_time"] == 0


def test_annual_report_cache_follows_the_audit_trail(make_request, people):
    now = timezone.now()
    r = make_request(Status.CHIEF_DECISION, received_at=now - timedelta(days=10))
    year = timezone.localdate(now).year
    first = annual.cached_annual_report(year, now=now)
    assert annual.cached_annual_report(year, now=now + timedelta(seconds=5)).generated_at == now
    services.request_decline(request=r, actor=people["chief"], reason="not_helpful")
    # Exact under writes: the next read follows the change, however soon after it comes.
    fresh = annual.cached_annual_report(year, now=now + timedelta(seconds=10))
    assert (first.denied, fresh.denied) == (0, 1)
    # Without a change it is reused however old it is (within the day).
    reused = annual.cached_annual_report(year, now=now + timedelta(seconds=900))
    assert reused.generated_at == fresh.generated_at == now + timedelta(seconds=10)


def test_capped_paginator_stops_counting_at_the_cap(make_request):
    for _ in range(12):
        make_request(Status.RECEIVED)
    rows = CertificationRequest.objects.order_by("-created_at", "-pk")
    capped = CappedPaginator(rows, per_page=5, cap=10)
    assert (capped.count, capped.capped, capped.page_label, capped.num_pages) == (
        11,
        True,
        "more than 2",
        3,
    )
    full = CappedPaginator(rows, per_page=5, cap=100)
    assert (full.count, full.capped, full.page_label) == (12, False, "3")
    assert len(capped.get_page(99).object_list) == 1  # the last counted page


# --- production pieces ---


def test_healthz_answers_503_when_the_database_is_down(client, db, monkeypatch):
    from cases.views import health

    class Unreachable:
        def cursor(self) -> None:
            raise OperationalError("connection refused")

    monkeypatch.setattr(health, "connection", Unreachable())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}


def test_healthz_is_exempt_from_the_https_redirect(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301


def test_json_logs_carry_request_fields_but_no_query_string():
    from uvisa.logs import JsonFormatter

    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, "%(h)s", None, None)
    record.args = {"h": "10.0.0.5", "m": "GET", "U": "/requests/", "s": "200", "M": "12"}
    record.args["q"] = "q=A123456789"  # gunicorn's query atom: never written
    line = json.loads(JsonFormatter().format(record))
    assert line["path"] == "/requests/" and line["status"] == 200 and line["duration_ms"] == 12
    assert "A123456789" not in json.dumps(line)
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        error = logging.LogRecord(
            "django", logging.ERROR, __file__, 1, "failed", (), sys.exc_info()
        )
    line = json.loads(JsonFormatter().format(error))
    assert line["level"] == "ERROR" and "ValueError: boom" in line["exception"]


def test_gunicorn_config_loads(monkeypatch):
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["workers"] == 3 and config["bind"] == "127.0.0.1:8000"
    assert config["preload_app"] is True and config["max_requests"] == 0
    formatter = config["logconfig_dict"]["formatters"]["json"]["()"]
    assert formatter == "uvisa.logs.JsonFormatter"


def test_baseline_view_exists_only_in_the_benchmark_urlconf(client, db):
    assert client.get("/bench/baseline").status_code == 404
    with override_settings(ROOT_URLCONF="bench.urls"):
        response = client.get("/bench/baseline")
    assert response.status_code == 200 and response.content == b"ok"


@pytest.mark.django_db
def test_postgresql_plans_a_repeated_query_once(make_request):
    """DJANGO_DB_PREPARED (uvisa/settings.py): the third run of the same query on a connection
    uses a statement PostgreSQL prepared, whatever its parameters."""
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are a PostgreSQL setting")
    references = [make_request(Status.RECEIVED).reference for _ in range(3)]
    for reference in references:
        assert CertificationRequest.objects.filter(reference=reference).exists()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%FROM "cases_certificationrequest" WHERE "cases_certificationrequest"."reference"%'],
        )
        assert cursor.fetchone()[0] >= 1
