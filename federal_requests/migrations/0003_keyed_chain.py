# The log's audit chain becomes keyed (HMAC-SHA256 under UVISA_AUDIT_KEY, a key outside the
# database), and on PostgreSQL statement-level triggers refuse TRUNCATE of its audit tables.

import hashlib
import json

from django.db import migrations

TABLES = ["federal_requests_auditevent", "federal_requests_accesslog"]


def _unkeyed(prev, content):
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{prev}\n{canonical}".encode()).hexdigest()


def rechain(apps, schema_editor):
    """Check the old unkeyed chain (a broken one stops the migration: re-keying it would
    launder the tampering), then chain every event again under the audit key."""
    # The live chain code: the migrated chain must be what the application verifies.
    from federal_requests.audit import GENESIS, compute_hash, event_content

    AuditEvent = apps.get_model("federal_requests", "AuditEvent")
    Head = apps.get_model("federal_requests", "AuditChainHead")
    events = list(AuditEvent.objects.order_by("pk"))
    if not events:
        return
    prev = GENESIS
    for event in events:
        if event.prev_hash != prev or event.hash != _unkeyed(prev, event_content(event)):
            raise RuntimeError(f"The federal-request audit chain is broken at event {event.pk}.")
        prev = event.hash
    postgres = schema_editor.connection.vendor == "postgresql"
    trigger = "federal_requests_auditevent_append_only"
    if postgres:
        schema_editor.execute(f"ALTER TABLE federal_requests_auditevent DISABLE TRIGGER {trigger}")
    prev = GENESIS
    for event in events:
        digest = compute_hash(prev, event)
        AuditEvent.objects.filter(pk=event.pk).update(prev_hash=prev, hash=digest)
        prev = digest
    if postgres:
        schema_editor.execute(f"ALTER TABLE federal_requests_auditevent ENABLE TRIGGER {trigger}")
    Head.objects.update_or_create(pk=1, defaults={"last_hash": prev, "last_event_id": events[-1].pk})


def create_truncate_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in [*TABLES, "federal_requests_auditchainhead"]:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION federal_requests_refuse_change()"
        )


def drop_truncate_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in [*TABLES, "federal_requests_auditchainhead"]:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")


class Migration(migrations.Migration):
    dependencies = [("federal_requests", "0002_append_only")]

    operations = [
        migrations.RunPython(rechain, migrations.RunPython.noop),
        migrations.RunPython(create_truncate_triggers, drop_truncate_triggers),
    ]
