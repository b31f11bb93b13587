"""Recovery codes were stored in clear (a dump of ``otp_static_statictoken`` was a second factor
for every account). Now only keyed hashes are stored; each code works once."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from cases.accounts.recovery_codes import code_digest
from cases.accounts.views import _new_recovery_codes
from tests.accounts.test_signin import password_step
from tests.conftest import totp_device

pytestmark = pytest.mark.django_db


def dumped_tokens() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT token FROM otp_static_statictoken")
        return [row[0] for row in cursor.fetchall()]


def test_a_dump_of_the_code_table_reveals_no_usable_code(client, people):
    user = people["coordinator"]
    totp_device(user)
    codes = _new_recovery_codes(user)
    dump = dumped_tokens()
    assert len(dump) == len(codes) == 10
    assert not any(code in row or code.upper() in row for code in codes for row in dump)
    # The attacker types each dumped value as a code: every one is refused...
    password_step(client, "coordinator")
    for row in dump[:3]:  # (five failures would lock the account)
        assert client.post(reverse("mfa_verify"), {"code": row}).status_code == 400
    # (django-otp slows further guesses at the device; the owner comes back after the delay.)
    StaticDevice.objects.filter(user=user).update(throttling_failure_timestamp=None)
    # ...while the real code still works (typed in capitals with a space, as people do).
    typed = f"{codes[5][:4].upper()} {codes[5][4:].upper()}"
    assert client.post(reverse("mfa_verify"), {"code": typed}).status_code == 302
    assert client.get("/").status_code == 200


def test_a_code_is_claimed_exactly_once_by_two_racing_checks(people):
    user = people["chief"]
    codes = _new_recovery_codes(user)
    first = StaticDevice.objects.get(user=user)
    second = StaticDevice.objects.get(user=user)  # a second sign-in, loaded at the same moment
    assert first.verify_token(codes[0]) is True
    assert second.verify_token(codes[0]) is False
    assert StaticToken.objects.filter(device=first).count() == 9
    second.throttling_failure_timestamp = None  # after django-otp's delay for the failure
    assert second.verify_token(codes[1]) is True


def test_a_wrong_code_is_refused_and_counted_by_the_throttle(people):
    user = people["detective"]
    _new_recovery_codes(user)
    device = StaticDevice.objects.get(user=user)
    assert device.verify_token("aaaaaaaa") is False
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    assert StaticToken.objects.filter(device=device).count() == 10


def test_codes_stored_in_clear_before_the_change_are_migrated(people):
    user = people["auditor"]
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    StaticToken.objects.create(device=device, token="placeholder")
    StaticToken.objects.filter(device=device).update(token="abcd2345")  # as written before
    assert dumped_tokens() == ["abcd2345"]
    migration = importlib.import_module("cases.migrations.0020_hash_recovery_codes")
    migration.hash_codes(apps, connection.schema_editor())
    assert dumped_tokens() == [code_digest("abcd2345")]
    assert StaticDevice.objects.get(pk=device.pk).verify_token("abcd2345") is True
    assert dumped_tokens() == []
