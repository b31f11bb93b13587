"""Finding 4: the database owner rewrote an event, recomputed the unkeyed SHA-256 chain and
the head, and audit_verify said intact; TRUNCATE passed the row trigger; the access log had
no chain. Now: a keyed chain (C9), a chained access log, signed checkpoints outside the
database, TRUNCATE refused, and an application role that owns nothing (docs/deploy.md)."""

from __future__ import annotations

import hashlib
import json
import os
from io import StringIO
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.utils import DatabaseError

from cases import audit
from cases.models import AccessLog, AuditChainHead, CaseEvent
from tests.cases.test_audit_chain import tamper, trail  # noqa: F401 (fixture)
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def verify(*args: str) -> str:
    out = StringIO()
    call_command("audit_verify", *args, stdout=out)
    return out.getvalue()


def _unkeyed(prev: str, content: dict) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{prev}\n{canonical}".encode()).hexdigest()


def test_rewritten_event_with_recomputed_unkeyed_chain_and_head_is_detected(trail):  # noqa: F811
    """The attack as run: rewrite an event, recompute every later SHA-256 link and the head."""
    target = trail[2]
    tamper("UPDATE cases_caseevent SET to_state = %s WHERE id = %s", ["certified", target.pk])
    prev = trail[1].hash
    for event in CaseEvent.objects.filter(pk__gte=target.pk).order_by("pk"):
        digest = _unkeyed(prev, audit.event_content(event))
        tamper(
            "UPDATE cases_caseevent SET prev_hash = %s, hash = %s WHERE id = %s",
            [prev, digest, event.pk],
        )
        prev = digest
    AuditChainHead.objects.filter(pk=audit.CASE_HEAD).update(last_hash=prev)
    with pytest.raises(CommandError, match=f"event {target.pk} .*does not match its hash"):
        verify()


def test_access_log_is_chained_and_a_deleted_view_is_detected(client, people, make_request):
    r = make_request()
    sign_in(client, people["advocate"])
    for _ in range(3):
        client.get(r.get_absolute_url())
    rows = list(AccessLog.objects.order_by("pk"))
    assert len(rows) == 3 and rows[1].prev_hash == rows[0].hash
    assert "Access log chain intact: 3 rows." in verify()
    tamper("DELETE FROM cases_accesslog WHERE id = %s", [rows[1].pk])
    with pytest.raises(
        CommandError,
        match=r"Access log chain broken at access log \d+: does not follow",
    ):
        verify()


def test_signed_checkpoint_reveals_history_rewritten_with_the_key(trail, tmp_path):  # noqa: F811
    out = StringIO()
    call_command("audit_checkpoint", "--out", str(tmp_path), stdout=out)
    saved = out.getvalue().strip()
    assert (tmp_path / saved.rsplit("/", 1)[-1]).stat().st_mode & 0o777 == 0o600
    assert "1 checkpoint(s) match." in verify("--checkpoint", saved)
    # Someone holding the key rewrites the last event and re-chains it: the chain is
    # consistent again, but the checkpoint kept outside the database still has the old head.
    last = trail[-1]
    tamper("UPDATE cases_caseevent SET to_state = %s WHERE id = %s", ["certified", last.pk])
    fresh = CaseEvent.objects.get(pk=last.pk)
    digest = audit.compute_hash(fresh.prev_hash, fresh)
    tamper("UPDATE cases_caseevent SET hash = %s WHERE id = %s", [digest, last.pk])
    AuditChainHead.objects.filter(pk=audit.CASE_HEAD).update(last_hash=digest)
    with pytest.raises(CommandError, match="no longer has the hash of the checkpoint"):
        verify("--checkpoint", saved)
    forged = json.loads(Path(saved).read_text()) | {"case_events": {"last_id": 1, "last_hash": "x"}}
    (tmp_path / "forged.json").write_text(json.dumps(forged))
    with pytest.raises(CommandError, match="MAC is wrong"):
        verify("--checkpoint", str(tmp_path / "forged.json"))


@pytest.mark.postgres_only
@pytest.mark.parametrize("table", ["cases_caseevent", "cases_accesslog", "cases_auditchainhead"])
def test_postgresql_refuses_truncate_of_audit_tables(trail, table):  # noqa: F811
    if connection.vendor != "postgresql":
        pytest.skip("the triggers exist on PostgreSQL only")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's own inserts are settled
        cursor.execute(f"TRUNCATE {table} CASCADE")
    assert CaseEvent.objects.count() == len(trail)


APP_ROLE = "uvisa_app_test_" + os.environ.get(
    "PYTEST_XDIST_WORKER", "main"
)  # roles are per cluster
FORBIDDEN = [
    "ALTER TABLE cases_caseevent DISABLE TRIGGER cases_caseevent_append_only",
    "ALTER TABLE cases_caseevent DISABLE TRIGGER ALL",
    "DROP TRIGGER cases_caseevent_append_only ON cases_caseevent",
    "ALTER TABLE cases_accesslog DISABLE TRIGGER cases_accesslog_no_truncate",
    "SET session_replication_role = replica",
    "TRUNCATE cases_accesslog",
    "UPDATE cases_caseevent SET note = ''",
    "DELETE FROM cases_accesslog",
    "DROP TABLE cases_caseevent CASCADE",
    "CREATE OR REPLACE FUNCTION uvisa_refuse_audit_change() RETURNS trigger AS "
    "'BEGIN RETURN NEW; END' LANGUAGE plpgsql",
]


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_app_role_owns_nothing_and_cannot_disable_a_trigger(people, make_request, client):
    if connection.vendor != "postgresql":
        pytest.skip("database roles are a PostgreSQL deployment feature")
    r = make_request()
    sign_in(client, people["advocate"])
    client.get(r.get_absolute_url())
    with connection.cursor() as cursor:
        cursor.execute(f"DROP ROLE IF EXISTS {APP_ROLE}")
        cursor.execute(f"CREATE ROLE {APP_ROLE} LOGIN")
    try:
        call_command("grant_app_role", APP_ROLE, stdout=StringIO())
        params = connection.get_connection_params()
        params = {k: v for k, v in params.items() if k in {"host", "port", "dbname"}}
        with psycopg.connect(**params, user=APP_ROLE, autocommit=True) as app:
            for sql in FORBIDDEN:
                with pytest.raises(psycopg.Error):
                    app.execute(sql)
            # What the application does still works: read, append, move the head.
            assert app.execute("SELECT count(*) FROM cases_accesslog").fetchone()[0] == 1
            app.execute("UPDATE cases_auditchainhead SET data_version = data_version + 1")
        assert "intact" in verify()
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP OWNED BY {APP_ROLE}")
            cursor.execute(f"DROP ROLE {APP_ROLE}")
