"""Finding 6: TOTP secrets were stored in clear (a dump was every account's second factor) and
the admin showed keys and QR codes. Now encrypted at rest; the admin shows neither."""

from __future__ import annotations

import base64
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.accounts.otp_keys import plain_key
from cases.lib.crypto import key_of, keyring, new_key
from tests.conftest import totp_code, totp_device

pytestmark = pytest.mark.django_db


def raw_keys() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM otp_totp_totpdevice")
        return [row[0] for row in cursor.fetchall()]


def test_a_dump_of_the_device_table_holds_no_totp_secret(people):
    device = totp_device(people["chief"])
    secret = plain_key(device)
    assert len(secret) == 40 and int(secret, 16) >= 0
    stored = raw_keys()
    assert stored and all(k.startswith("v1:") for k in stored)
    assert all(secret not in k for k in stored)
    b32 = base64.b32encode(bytes.fromhex(secret)).decode()
    assert all(b32 not in k for k in stored)
    # ...and the device still verifies codes from the authenticator.
    assert TOTPDevice.objects.get(pk=device.pk).verify_token(totp_code(device))


def test_enrolment_stores_the_new_secret_encrypted(client, people):
    user = people["auditor"]
    TOTPDevice.objects.filter(user=user).delete()
    client.force_login(user)
    page = client.get(reverse("mfa_setup"))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user)
    assert raw_keys() and all(k.startswith("v1:") for k in raw_keys())
    response = client.post(reverse("mfa_setup"), {"code": totp_code(device)})
    assert response.status_code == 200 and TOTPDevice.objects.get(pk=device.pk).confirmed


def test_rotation_re_encrypts_totp_secrets(people, settings):
    device = totp_device(people["chief"])
    before = plain_key(device)
    settings.UVISA_FIELD_KEYS = [new_key(), *settings.UVISA_FIELD_KEYS]
    call_command("rotate_keys", stdout=StringIO())
    primary, _ = keyring()
    assert all(key_of(k) == primary for k in raw_keys())
    assert plain_key(TOTPDevice.objects.get(pk=device.pk)) == before


def test_the_admin_shows_no_key_qr_code_or_recovery_code(admin_client, people):
    device = totp_device(people["chief"])
    secret = plain_key(device)
    b32 = base64.b32encode(bytes.fromhex(secret)).decode()
    recovery = StaticDevice.objects.create(user=people["chief"], name="recovery", confirmed=True)
    StaticToken.objects.create(device=recovery, token="abcd2345efgh")
    pages = [
        reverse("admin:otp_totp_totpdevice_changelist"),
        reverse("admin:otp_totp_totpdevice_change", args=[device.pk]),
        reverse("admin:otp_static_staticdevice_changelist"),
        reverse("admin:otp_static_staticdevice_change", args=[recovery.pk]),
    ]
    for url in pages:
        html = admin_client.get(url).content.decode()
        assert secret not in html and b32 not in html and "abcd2345efgh" not in html
        assert "qrcode" not in html.lower() and "otpauth://" not in html
    assert admin_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/").status_code != 200
