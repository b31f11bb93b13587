# TOTP secrets encrypted at rest (cases/accounts/otp_keys.py): keys written in clear before
# this migration are encrypted under the first UVISA_FIELD_KEYS key.

from django.db import migrations


def encrypt_keys(apps, schema_editor):
    # The live key ring (settings), as the application will decrypt with it.
    from cases.lib.crypto import encrypt_hex_key, is_encrypted

    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    for pk, key in TOTPDevice.objects.values_list("pk", "key"):
        if key and not is_encrypted(key):
            TOTPDevice.objects.filter(pk=pk).update(key=encrypt_hex_key(key))


def decrypt_keys(apps, schema_editor):
    # The live key ring (settings), as the application encrypted with it.
    from cases.lib.crypto import decrypt_hex_key, is_encrypted

    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    for pk, key in TOTPDevice.objects.values_list("pk", "key"):
        if key and is_encrypted(key):
            TOTPDevice.objects.filter(pk=pk).update(key=decrypt_hex_key(key))


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0014_reauth_grant"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(encrypt_keys, decrypt_keys)]
