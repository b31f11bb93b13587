"""I-918B Part 4 item 3 stored in the form's own direction.

USCIS's file asks "Since the initiation of cooperation, has the victim refused or failed to
provide assistance reasonably requested ...?" (tooltip and printed page of the 02/07/17 edition,
whose field names the 01/20/25 edition keeps). The tracker stored the opposite question ("has
not refused"). The column is renamed and every answer flipped: "yes" (has not refused) becomes
"no" (has not refused or failed), and the reverse; an unanswered item stays unanswered.
"""

from django.db import migrations


def flip(apps, schema_editor):
    Request = apps.get_model("cases", "CertificationRequest")
    # Through a value no answer has ("__y" fits the column), so no row is flipped twice.
    for answer, flipped in (("yes", "__y"), ("no", "yes"), ("__y", "no")):
        Request.objects.filter(refused_or_failed=answer).update(refused_or_failed=flipped)


class Migration(migrations.Migration):
    dependencies = [("cases", "0028_new_requests_index")]

    operations = [
        migrations.RenameField("certificationrequest", "has_not_refused", "refused_or_failed"),
        # Its own inverse: running it twice gives the answers back.
        migrations.RunPython(flip, flip),
    ]
