# Indexes for the lists, so they stay fast at a million requests (docs/performance.md).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_merge_forms_and_security")]

    operations = [
        migrations.AddIndex(
            model_name="certificationrequest",
            index=models.Index(fields=["created_at", "id"], name="request_created_idx"),
        ),
        migrations.AddIndex(
            model_name="certificationrequest",
            index=models.Index(
                fields=["status", "created_at", "id"], name="request_status_created_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="certificationrequest",
            index=models.Index(
                condition=models.Q(
                    (
                        "status__in",
                        [
                            "received",
                            "crime_check",
                            "helpfulness_review",
                            "chief_decision",
                            "info_requested",
                        ],
                    )
                ),
                fields=["due_on", "id"],
                name="request_pending_due_idx",
            ),
        ),
    ]
