"""The settings fail closed, and production-style settings pass ``check --deploy``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "x7#kq2!vLr9@pZ4$wN8^bT1&cM6*eH3(jF5)gD0-sA_yU+iO=lK;zX.nB,mQ:vR",
    "DJANGO_ALLOWED_HOSTS": "uvisa.medford.example",
    "DATABASE_URL": "postgres://uvisa:secret@db.internal:5432/uvisa?conn_max_age=600",
    "UVISA_FIELD_KEYS": "SFSEffG/AAmnJCft6IxpvQ2G6TxK8GcWj/dtqLF7t4g=",
    "UVISA_LOOKUP_KEY": "TCottqyZ3TvRqqe6rY+Y4PNHsAMwbqUSrA0gvTE1XJg=",
    "UVISA_AUDIT_KEY": "c2V0dGluZ3MtdGVzdC1hdWRpdC1rZXktMzItYnl0ZXM=",
    "DJANGO_EMAIL_USE_TLS": "1",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_without_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_missing_secret_key_is_an_error_outside_debug():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_debug_is_off_unless_asked_for():
    code = "from django.conf import settings; print(settings.DEBUG, settings.SECURE_SSL_REDIRECT)"
    result = manage("shell", "-c", code, env=PRODUCTION_ENV)
    assert result.stdout.split()[-2:] == ["False", "True"], result.stderr


def test_secrets_can_come_from_files(tmp_path):
    key_file = tmp_path / "key"
    key_file.write_text(PRODUCTION_ENV["DJANGO_SECRET_KEY"] + "\n")
    env = {**PRODUCTION_ENV, "DJANGO_SECRET_KEY": "", "DJANGO_SECRET_KEY_FILE": str(key_file)}
    code = "from django.conf import settings; print(settings.SECRET_KEY[:5])"
    result = manage("shell", "-c", code, env=env)
    assert result.stdout.strip().endswith("x7#kq"), result.stderr


def test_a_malformed_boolean_is_refused():
    result = manage("check", env={**PRODUCTION_ENV, "DJANGO_DEBUG": "maybe"})
    assert result.returncode != 0 and "DJANGO_DEBUG must be a boolean" in result.stderr


def test_production_refuses_smtp_without_tls():
    env = {**PRODUCTION_ENV, "DJANGO_EMAIL_USE_TLS": "0"}
    result = manage("check", env=env)
    assert result.returncode != 0 and "SMTP without TLS" in result.stderr
    assert manage("check", env={**env, "DJANGO_EMAIL_USE_SSL": "1"}).returncode == 0


def test_production_needs_the_audit_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "UVISA_AUDIT_KEY"}
    result = manage("check", env={**env, "UVISA_AUDIT_KEY": ""})
    assert result.returncode != 0 and "UVISA_AUDIT_KEY" in result.stderr


def test_the_sqlite_file_is_created_private(tmp_path):
    path = tmp_path / "fresh.sqlite3"
    env = {**PRODUCTION_ENV, "DATABASE_URL": f"sqlite:///{path}"}
    result = manage("migrate", "--no-input", "-v0", env=env)
    assert result.returncode == 0, result.stderr
    assert path.stat().st_mode & 0o777 == 0o600


def test_postgresql_prepares_repeated_queries_unless_switched_off():
    code = (
        "from django.conf import settings; o = settings.DATABASES['default'].get('OPTIONS', {}); "
        "print(o.get('server_side_binding'), o.get('prepare_threshold'))"
    )
    on = manage("shell", "-c", code, env=PRODUCTION_ENV)
    assert on.stdout.split()[-2:] == ["True", "2"], on.stderr
    off = manage("shell", "-c", code, env={**PRODUCTION_ENV, "DJANGO_DB_PREPARED": "0"})
    assert off.stdout.split()[-2:] == ["None", "None"], off.stderr
