from django.db import migrations, models


def first_denials(apps, schema_editor):
    """A request already reconsidered was answered by the denial its first reconsideration
    reconsidered (c. 258F s. 3(ii))."""
    Request = apps.get_model("cases", "CertificationRequest")
    Reconsideration = apps.get_model("cases", "Reconsideration")
    firsts: dict[int, object] = {}
    for request_id, denied_at, requested_at in Reconsideration.objects.order_by(
        "requested_at", "pk"
    ).values_list("request_id", "denied_at", "requested_at"):
        firsts.setdefault(request_id, denied_at or requested_at)
    for request_id, moment in firsts.items():
        Request.objects.filter(pk=request_id, first_answered_at__isnull=True).update(
            first_answered_at=moment
        )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0044_status_lookup_code"),
    ]

    operations = [
        migrations.AddField(
            model_name="certificationrequest",
            name="first_answered_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(first_denials, migrations.RunPython.noop),
        # The requester may withdraw her request for reconsideration; the denial stands.
        migrations.AlterField(
            model_name="reconsideration",
            name="outcome",
            field=models.CharField(
                blank=True,
                choices=[
                    ("granted", "Granted: certified"),
                    ("denied", "Denied again"),
                    ("withdrawn", "Withdrawn by the requester"),
                ],
                max_length=10,
            ),
        ),
        # The annual report reads the column from its covering index (index-only scan).
        migrations.RemoveIndex(model_name="certificationrequest", name="request_report_idx"),
        migrations.AddIndex(
            model_name="certificationrequest",
            index=models.Index(
                fields=["received_at"],
                include=(
                    "id",
                    "status",
                    "decided_at",
                    "first_answered_at",
                    "signed_on",
                    "withdrawn_at",
                    "delay_issued_at",
                    "expedited",
                    "expedited_reason",
                    "decline_reason",
                    "form_type",
                    "person_digest",
                    "a_number_digest",
                    "recertification_of",
                ),
                name="request_report_idx",
            ),
        ),
    ]
