"""The requester's language of a recorded request becomes the request's preferred_language (a
letter language); free text that names none of them is kept as a note and the letters go in
English. Letters labelled with a language they were not written in (T letters before their
translations) are labelled English, the language of their bytes."""

from django.db import migrations, models

from cases.lib.languages import language_code


def language_to_choice(apps, schema_editor):
    IntakeRecord = apps.get_model("cases", "IntakeRecord")
    for record in IntakeRecord.objects.select_related("request").exclude(requester_language=""):
        text = record.requester_language.strip()
        code = language_code(text)
        request = record.request
        request.preferred_language = code or "en"
        request.save(update_fields=["preferred_language"])
        if code is None:
            record.language_note = (
                f'Language given at intake: "{text[:100]}", not a letter language; '
                "letters go in English."
            )
            record.save(update_fields=["language_note"])
    IssuedLetter = apps.get_model("cases", "IssuedLetter")
    IssuedLetter.objects.filter(request__form_type="I-914B").exclude(language="en").update(
        language="en", translation_reviewed=True
    )


def choice_to_language(apps, schema_editor):
    IntakeRecord = apps.get_model("cases", "IntakeRecord")
    names = {"en": "English", "es": "Spanish", "pt": "Portuguese", "ht": "Haitian Creole"}
    for record in IntakeRecord.objects.select_related("request"):
        record.requester_language = names.get(record.request.preferred_language, "")
        record.save(update_fields=["requester_language"])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0032_outbound_mail"),
    ]

    operations = [
        migrations.AddField(
            model_name="intakerecord",
            name="language_note",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.RunPython(language_to_choice, choice_to_language),
        migrations.RemoveField(
            model_name="intakerecord",
            name="requester_language",
        ),
    ]
