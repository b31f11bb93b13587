# Recovery codes stored as keyed hashes (cases/accounts/recovery_codes.py): codes written in
# clear before this migration are replaced by their digest under UVISA_LOOKUP_KEY. One way only:
# the clear codes cannot be brought back, and need not be (the digests still check them).

from django.db import migrations


def hash_codes(apps, schema_editor):
    # The live lookup key (settings), as the application will check codes with it.
    from cases.accounts.recovery_codes import code_digest, is_digest

    StaticToken = apps.get_model("otp_static", "StaticToken")
    for pk, token in StaticToken.objects.values_list("pk", "token"):
        if token and not is_digest(token):
            StaticToken.objects.filter(pk=pk).update(token=code_digest(token))


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0019_t_visa_declaration"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(hash_codes, migrations.RunPython.noop)]
