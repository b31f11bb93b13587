from django.db import migrations

# 8 CFR 214.14(a)(3): the history of designations answers who could sign on the day of any
# past certification, so on PostgreSQL its rows are refused UPDATE, DELETE and TRUNCATE like
# the audit tables (the function uvisa_refuse_audit_change comes from 0005_security).

TABLE = "cases_designationevent"


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION uvisa_refuse_audit_change()"
    )
    schema_editor.execute(
        f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
        "FOR EACH STATEMENT EXECUTE FUNCTION uvisa_refuse_audit_change()"
    )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}")
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0022_audit_key_ring"),
    ]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers),
    ]
