# On PostgreSQL, the log's audit trail and access log refuse UPDATE and DELETE.

from django.db import migrations

TABLES = ["federal_requests_auditevent", "federal_requests_accesslog"]

CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION federal_requests_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'federal_requests: % rows are append-only (% refused)', TG_TABLE_NAME, TG_OP;
END
$$ LANGUAGE plpgsql;
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE_FUNCTION, params=None)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION federal_requests_refuse_change()"
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS federal_requests_refuse_change()")


class Migration(migrations.Migration):
    dependencies = [("federal_requests", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
