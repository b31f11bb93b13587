"""The hash chain verifies and catches tampering; the reminder goes once; the role sync keeps
each app's permissions; the demo is idempotent; the import contracts hold."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from cases.roles import sync_roles as sync_case_roles
from federal_requests import audit, services
from federal_requests.models import AuditEvent, Entry, ReminderSent, TaskForce
from federal_requests.periods import Period
from federal_requests.reminders import send_report_reminders
from federal_requests.roles import sync_roles

ROOT = Path(__file__).resolve().parents[2]


def _tamper(sql: str, params: list) -> None:
    """What a database superuser could do: switch the trigger off and rewrite a row."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)


def test_the_audit_chain_verifies_and_catches_a_change(log_entry, fr_people):
    entry = log_entry()
    services.entry_update(entry=entry, actor=fr_people["records_officer"], data={"agency": "hsi"})
    log_entry(kind="information")
    checked, broken = audit.verify_chain()
    assert (checked, broken) == (3, None)
    out = StringIO()
    call_command("federal_audit_verify", stdout=out)
    assert "intact: 3 events" in out.getvalue()
    second = AuditEvent.objects.order_by("pk")[1]
    _tamper(
        "UPDATE federal_requests_auditevent SET changes = %s WHERE id = %s",
        ['{"agency": ["ice", "cbp"]}', second.pk],
    )
    checked, broken = audit.verify_chain()
    assert broken is not None and broken.event_id == second.pk
    with pytest.raises(CommandError):
        call_command("federal_audit_verify", stdout=StringIO())


def test_a_missing_last_event_is_a_break(log_entry):
    log_entry()
    last = log_entry()
    _tamper("DELETE FROM federal_requests_auditevent WHERE entry_id = %s", [last.pk])
    assert audit.verify_chain()[1] is not None


def test_audit_rows_are_append_only_on_postgresql(log_entry):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only")
    log_entry()
    with pytest.raises(Exception), transaction.atomic():
        AuditEvent.objects.update(subject="changed")


def test_a_failed_write_leaves_no_event(log_entry, fr_people):
    entry = log_entry()
    with pytest.raises(Exception):
        services.entry_update(
            entry=entry, actor=fr_people["records_officer"], data={"kind": "other"}
        )  # no kind_other: refused
    assert AuditEvent.objects.count() == 1 and Entry.objects.get().kind == "detainer"


class RefusingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("mail server refused")


def test_the_chief_is_reminded_once_14_days_before_the_period_ends(fr_people, settings):
    period = Period(date(2026, 1, 1), date(2026, 7, 1))
    assert send_report_reminders(today=date(2026, 6, 16))["due"] == 0
    assert mail.outbox == []
    counts = send_report_reminders(today=date(2026, 6, 17))
    assert counts["sent"] == 2  # both users in the chief group
    assert "06/30/2026" in mail.outbox[0].subject
    assert "/federal-requests/reports/2026-01-01/" in mail.outbox[0].body
    assert send_report_reminders(today=date(2026, 6, 20))["skipped"] == 2
    assert len(mail.outbox) == 2
    assert ReminderSent.objects.filter(period_start=period.start).count() == 2
    settings.EMAIL_BACKEND = "tests.federal_requests.test_audit_and_commands.RefusingBackend"
    assert send_report_reminders(today=date(2026, 12, 20))["failed"] == 2
    assert not ReminderSent.objects.filter(period_start=date(2026, 7, 1)).exists()


def test_the_reminder_command_runs(fr_people):
    out = StringIO()
    call_command("federal_report_reminder", stdout=out)
    assert out.getvalue().startswith("Report reminders:")


def test_each_apps_role_sync_keeps_the_others_permissions(fr_people):
    sync_roles()
    sync_case_roles()
    sync_roles()
    chief = Group.objects.get(name="chief")
    perms = {f"{p.content_type.app_label}.{p.codename}" for p in chief.permissions.all()}
    assert {"cases.decide_request", "federal_requests.submit_federal_report"} <= perms
    auditor = set(Group.objects.get(name="auditor").permissions.values_list("codename", flat=True))
    assert {"view_audit", "view_federal_log", "view_federal_audit"} <= auditor
    assert "record_federal_request" not in auditor
    assert fr_people["chief"].has_perm("federal_requests.submit_federal_report")


def test_the_demo_is_idempotent_and_reportable(fr_people, tmp_path):
    out = StringIO()
    call_command("seed_federal_demo", stdout=out)
    first = Entry.objects.count()
    assert first >= 20 and TaskForce.objects.count() == 3
    call_command("seed_federal_demo", stdout=StringIO())
    assert Entry.objects.count() == first
    assert audit.verify_chain()[1] is None
    call_command("federal_report", out=str(tmp_path), stdout=StringIO())
    written = sorted(p.name for p in tmp_path.iterdir())
    assert [n.rsplit(".", 1)[1] for n in written] == ["csv", "pdf"]


def test_the_import_contracts_hold():
    lint = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " 0 broken" in result.stdout
    assert "federal_requests imports no case-workflow module (only cases.lib) KEPT" in result.stdout
    assert "the case workflow does not import federal_requests KEPT" in result.stdout


def test_the_access_log_is_chained_and_a_deleted_or_rewritten_view_is_found(
    log_entry, fr_people, client
):
    """The access log had no chain: a deleted view left no trace. Now it is chained too."""
    from federal_requests.models import AccessLog
    from tests.conftest import sign_in

    entry = log_entry()
    sign_in(client, fr_people["auditor"])
    for _ in range(3):
        assert client.get(entry.get_absolute_url()).status_code == 200
    rows = list(AccessLog.objects.order_by("pk"))
    assert len(rows) == 3 and rows[0].prev_hash == audit.GENESIS
    assert rows[1].prev_hash == rows[0].hash and rows[2].prev_hash == rows[1].hash
    out = StringIO()
    call_command("federal_audit_verify", stdout=out)
    assert "Access log chain intact: 3 rows." in out.getvalue()
    _tamper(
        "UPDATE federal_requests_accesslog SET username = %s WHERE id = %s",
        ["records_officer", rows[0].pk],
    )
    checked, broken = audit.verify_access_chain()
    assert broken is not None and broken.event_id == rows[0].pk
    assert "content does not match" in str(broken)
    _tamper(
        "UPDATE federal_requests_accesslog SET username = %s WHERE id = %s",
        ["auditor", rows[0].pk],
    )
    assert audit.verify_access_chain()[1] is None
    _tamper("DELETE FROM federal_requests_accesslog WHERE id = %s", [rows[1].pk])
    with pytest.raises(CommandError, match=f"access log {rows[2].pk}: does not follow"):
        call_command("federal_audit_verify", stdout=StringIO())
    _tamper("DELETE FROM federal_requests_accesslog WHERE id = %s", [rows[2].pk])
    assert "missing" in str(audit.verify_access_chain()[1])


def test_the_logs_chains_verify_across_a_key_rotation(log_entry, fr_people, settings):
    from cases.lib.crypto import new_key

    log_entry()
    old = settings.UVISA_AUDIT_KEY
    settings.UVISA_AUDIT_KEY, settings.UVISA_AUDIT_OLD_KEYS = new_key(), [old]
    out = StringIO()
    call_command("audit_rotate_key", stdout=out)
    assert "federal_events: federal_events: key" in out.getvalue()
    second = log_entry()
    assert audit.verify_chain() == (2, None)
    _tamper(
        "UPDATE federal_requests_auditevent SET subject = %s WHERE entry_id = %s",
        ["FR-2026-9999", second.pk],
    )
    assert "content does not match" in str(audit.verify_chain()[1])
