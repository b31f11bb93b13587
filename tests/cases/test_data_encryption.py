"""Victim data at rest: encrypted fields and files, keyed-hash lookup, key rotation; uploads
served only through the access helper; the access log and its page for auditors."""

from __future__ import annotations

import glob
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from cases import services
from cases.lib import crypto
from cases.models import (
    AccessLog,
    CertificationRequest,
    Document,
    IssuedForm,
    OriginalHandover,
    Status,
)
from cases.selectors import requests_by_number
from tests.conftest import sign_in

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n% Oyelaran statement\n%%EOF\n"


def raw_column(model, pk, column):
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {connection.ops.quote_name(column)} FROM {table} WHERE id = %s", [pk]
        )
        return cursor.fetchone()[0]


def test_victim_fields_are_ciphertext_in_the_database_and_plain_in_python(make_request):
    r = make_request(
        Status.RECEIVED,
        family_name="Oyelaran",
        a_number="A123-456-789"[:9],
        date_of_birth=date(1990, 5, 17),
        criminal_activity_description="Assaulted at 12 Elm Street.",
    )
    for column, plain in [
        ("family_name", "Oyelaran"),
        ("date_of_birth", "1990-05-17"),
        ("criminal_activity_description", "Elm Street"),
    ]:
        stored = raw_column(CertificationRequest, r.pk, column)
        assert stored.startswith("v1:") and plain not in stored
    fresh = CertificationRequest.objects.get(pk=r.pk)
    assert fresh.family_name == "Oyelaran" and fresh.date_of_birth == date(1990, 5, 17)
    assert fresh.victim_name == "María Oyelaran"
    assert raw_column(CertificationRequest, r.pk, "middle_name") == ""  # blank stays blank


def test_lookup_by_a_number_and_report_number_uses_keyed_hashes(make_request, people):
    r = make_request(Status.RECEIVED, a_number="201234567", report_number="MPD-2025-04417")
    make_request(Status.RECEIVED, a_number="209999999")
    coordinator = people["coordinator"]
    assert list(requests_by_number(coordinator, "A-201 234 567")) == [r]
    assert list(requests_by_number(coordinator, "mpd 2025 04417")) == [r]
    assert not requests_by_number(coordinator, "201234568").exists()
    assert not requests_by_number(people["other_advocate"], "201234567").exists()  # scope
    stored = raw_column(CertificationRequest, r.pk, "a_number_digest")
    assert len(stored) == 64 and "201234567" not in stored
    # A partial save keeps the digest in step with the number.
    r.a_number = "305555555"
    r.save(update_fields=["a_number"])
    assert list(requests_by_number(coordinator, "305555555")) == [r]


@pytest.mark.django_db(transaction=True)
def test_the_database_file_or_dump_has_no_victim_name_in_clear(reference_rows, settings):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert CertificationRequest.objects.filter(status=Status.CERTIFIED).exists()
    # Every demo victim's family name the application reads back (7+ characters, so that
    # base64 ciphertext cannot contain one by chance).
    names = {r.family_name for r in CertificationRequest.objects.all()}
    names = {n for n in names if len(n) >= 7}
    assert len(names) >= 5
    if connection.vendor == "sqlite":
        connection.close()  # checkpoint: everything is in the file
        data = Path(settings.DATABASES["default"]["NAME"]).read_bytes()
        data += b"".join(
            Path(p).read_bytes() for p in glob.glob(settings.DATABASES["default"]["NAME"] + "-*")
        )
    else:
        pg_dump = (
            shutil.which("pg_dump") or sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_dump"))[-1]
        )
        params = connection.settings_dict
        result = subprocess.run(
            [
                pg_dump,
                "-h",
                params["HOST"] or "127.0.0.1",
                "-p",
                str(params["PORT"] or 5432),
                "-U",
                params["USER"],
                params["NAME"],
            ],
            capture_output=True,
            check=True,
            env={"PGPASSWORD": params.get("PASSWORD") or ""},
        )
        data = result.stdout
    assert len(data) > 10_000 and b"Medford" in data  # the dump is real
    for name in names:
        assert name.encode() not in data, name


def test_stored_documents_are_encrypted_on_disk(make_request, people, settings):
    r = make_request(Status.DRAFT)
    doc = services.request_add_document(
        request=r,
        actor=people["advocate"],
        upload=SimpleUploadedFile("Oyelaran report.pdf", PDF, content_type="application/pdf"),
        kind="police_report",
    )
    on_disk = Path(settings.MEDIA_ROOT, doc.file.name).read_bytes()
    assert on_disk.startswith(crypto.FILE_MAGIC) and b"Oyelaran" not in on_disk
    assert b"%PDF" not in on_disk
    with doc.file.open("rb") as handle:
        assert handle.read() == PDF
    assert "Oyelaran" not in raw_column(Document, doc.pk, "original_name")


def test_key_rotation_re_encrypts_rows_and_files(make_request, people, settings):
    r = make_request(Status.DRAFT, family_name="Kowalski")
    doc = services.request_add_document(
        request=r,
        actor=people["advocate"],
        upload=SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf"),
        kind="other",
    )
    old_key = settings.UVISA_FIELD_KEYS[0]
    new_key = crypto.new_key()
    settings.UVISA_FIELD_KEYS = [new_key, old_key]
    call_command("rotate_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    new_id = crypto.key_id(crypto._decode_key(new_key))
    assert crypto.key_of(raw_column(CertificationRequest, r.pk, "family_name")) == new_id
    on_disk = Path(settings.MEDIA_ROOT, doc.file.name).read_bytes()
    assert crypto.file_key_id(on_disk) == new_id
    settings.UVISA_FIELD_KEYS = [new_key]  # the old key is gone
    assert CertificationRequest.objects.get(pk=r.pk).family_name == "Kowalski"
    with Document.objects.get(pk=doc.pk).file.open("rb") as handle:
        assert handle.read() == PDF


def test_a_value_altered_in_the_database_is_refused(make_request):
    r = make_request(Status.DRAFT, family_name="Kowalski")
    stored = raw_column(CertificationRequest, r.pk, "family_name")
    forged = stored[:-6] + ("A" if stored[-6] != "A" else "B") + stored[-5:]
    CertificationRequest.objects.filter(pk=r.pk).update(family_name="x")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_certificationrequest SET family_name = %s WHERE id = %s", [forged, r.pk]
        )
    with pytest.raises(crypto.DecryptionError):
        CertificationRequest.objects.get(pk=r.pk)


# --- downloads and the access log ---


@pytest.fixture
def document(make_request, people):
    r = make_request(Status.RECEIVED)
    return services.request_add_document(
        request=r,
        actor=people["coordinator"],
        upload=SimpleUploadedFile("../../etc/Police report.pdf", PDF, content_type="text/html"),
        kind="police_report",
    )


def download_url(doc):
    return reverse("document_download", args=[doc.request.reference, doc.pk])


def test_a_document_downloads_as_an_attachment_and_is_logged(client, people, document):
    sign_in(client, people["detective"])
    response = client.get(download_url(document))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Police report.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    entry = AccessLog.objects.get(action=AccessLog.Action.DOWNLOAD_DOCUMENT)
    assert entry.user == people["detective"] and entry.document == document
    assert entry.reference == document.request.reference and entry.ip_address == "127.0.0.1"


def test_documents_outside_the_scope_are_404_and_not_logged(client, people, document):
    sign_in(client, people["other_advocate"])
    assert client.get(download_url(document)).status_code == 404
    sign_in(client, people["advocate"])
    other = reverse("document_download", args=[document.request.reference, document.pk + 99])
    assert client.get(other).status_code == 404
    assert not AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD_DOCUMENT).exists()


def test_viewing_a_request_is_logged(client, people, make_request):
    r = make_request(Status.RECEIVED)
    sign_in(client, people["coordinator"])
    client.get(r.get_absolute_url(), REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="Firefox")
    entry = AccessLog.objects.get()
    assert (entry.username, entry.action, entry.reference) == (
        "coordinator",
        AccessLog.Action.VIEW_REQUEST,
        r.reference,
    )
    assert entry.ip_address == "10.1.2.3" and entry.user_agent == "Firefox"
    assert entry.at is not None and entry.path == r.get_absolute_url()


def test_auditors_read_and_filter_the_access_log(client, people, make_request):
    r1, r2 = make_request(Status.RECEIVED), make_request(Status.RECEIVED)
    for persona, r in [("coordinator", r1), ("detective", r1), ("coordinator", r2)]:
        sign_in(client, people[persona])
        client.get(r.get_absolute_url())
    sign_in(client, people["auditor"])
    html = client.get(reverse("access_log"), {"username": "coordinator"}).content.decode()
    assert html.count("<td>coordinator</td>") == 2 and "<td>detective</td>" not in html
    html = client.get(reverse("access_log"), {"reference": r1.reference}).content.decode()
    assert html.count(f"<td>{r1.reference}</td>") == 2
    html = client.get(reverse("access_log"), {"since": "not-a-date"}).content.decode()
    assert "Enter a valid date" in html
    # Reading the log is itself logged (AU-2).
    assert AccessLog.objects.filter(action=AccessLog.Action.VIEW_ACCESS_LOG).count() == 3


@pytest.mark.parametrize("persona", ["advocate", "detective", "superuser"])
def test_others_may_not_read_the_access_log(client, people, persona):
    sign_in(client, people[persona])
    assert client.get(reverse("access_log")).status_code == 403


def test_the_access_log_page_runs_a_fixed_number_of_queries(
    client, people, make_request, django_assert_num_queries
):
    r = make_request(Status.RECEIVED)
    sign_in(client, people["coordinator"])
    for _ in range(30):
        client.get(r.get_absolute_url())
    sign_in(client, people["auditor"])
    client.get(reverse("access_log"))
    # session, user, device, permissions (2 + content types), count, page, log insert
    with django_assert_num_queries(9, exact=False) as captured:
        client.get(reverse("access_log"))
    assert len(captured) <= 9


def test_the_access_log_is_append_only(client, people, make_request):
    r = make_request(Status.RECEIVED)
    sign_in(client, people["coordinator"])
    client.get(r.get_absolute_url())
    entry = AccessLog.objects.get()
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()


# --- Finding 9: some free-text and date fields, and the hand-over record, were in clear ---


def _every_row_as_text() -> str:
    """What a dump of every table holds, read around the application."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            chunks.append(repr(cursor.fetchall()))
    return "\n".join(chunks)


def test_remaining_victim_fields_and_the_handover_are_ciphertext(make_request, people):
    r = make_request(
        Status.CERTIFIED,
        case_status_other="Sealed juvenile matter Quixotica",
        extraterritorial_citation="18 U.S.C. 2423(c) Zanzibaria",
        incident_date=date(2024, 2, 29),
        additional_incident_dates=["2024-03-17", "2024-04-23"],
    )
    issued = IssuedForm.objects.create(
        request=r,
        form_edition="04/01/24",
        pdf=b"%PDF-1.7 placeholder",
        sha256="0" * 64,
        size=20,
        verification_code="ABCD-EFGH-JKLM",
        signer_certificate_sha256="1" * 64,
        signed_on=date(2024, 5, 1),
        valid_until=date(2024, 11, 1),
        issued_by=people["chief"],
    )
    handover = OriginalHandover.objects.create(
        issued_form=issued,
        received_by="Wilhelmina Quarrington, victim's attorney",
        received_on=date(2024, 5, 11),
        method=OriginalHandover.Method.IN_PERSON,
        note="Handed over at Kittredgeville courthouse",
        recorded_by=people["chief"],
    )
    dump = _every_row_as_text()
    for secret in [
        "Quixotica",
        "Zanzibaria",
        "2024-02-29",
        "2024-03-17",
        "2024-04-23",
        "Quarrington",
        "2024-05-11",
        "Kittredgeville",
    ]:
        assert secret not in dump, secret
    r.refresh_from_db()
    assert r.case_status_other == "Sealed juvenile matter Quixotica"
    assert r.incident_date == date(2024, 2, 29)
    assert r.additional_incident_dates == ["2024-03-17", "2024-04-23"]
    handover.refresh_from_db()
    assert handover.received_on == date(2024, 5, 11)
    assert handover.received_by.startswith("Wilhelmina")


def _raw_columns(pk: int, *columns: str) -> tuple:
    with connection.cursor() as cursor:
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        cursor.execute(f"SELECT {names} FROM cases_certificationrequest WHERE id = %s", [pk])
        return cursor.fetchone()


def test_the_age_out_date_gender_and_language_columns_hold_no_clear_value(make_request):
    r = make_request(
        Status.RECEIVED,
        expedited=True,
        expedited_reason="age_out",
        age_out_date=date(2027, 6, 13),
        gender="F",
        preferred_language="ht",
    )
    raw = _raw_columns(r.pk, "age_out_date", "gender", "preferred_language")
    assert all(isinstance(v, str) and v.startswith("v1:") for v in raw), raw
    assert "2027-06-13" not in repr(raw) and "2027" not in repr(raw)
    r.refresh_from_db()
    assert (r.age_out_date, r.gender, r.preferred_language) == (date(2027, 6, 13), "F", "ht")
    # The clock still counts from it (expedited track: the age-out margin wins).
    assert CertificationRequest.objects.values_list("age_out_date", flat=True).get(pk=r.pk) == date(
        2027, 6, 13
    )


def test_age_out_dates_written_in_clear_are_encrypted_by_the_migration(make_request):
    import importlib

    from django.apps import apps

    r = make_request(Status.RECEIVED, gender="M")
    with connection.cursor() as cursor:  # a row as written before the migration
        cursor.execute(
            "UPDATE cases_certificationrequest SET age_out_date = %s, gender = %s WHERE id = %s",
            ["2028-01-02", "M", r.pk],
        )
    migration = importlib.import_module("cases.migrations.0021_encrypt_age_out_gender_language")
    migration.encrypt_existing(apps, connection.schema_editor())
    raw = _raw_columns(r.pk, "age_out_date", "gender")
    assert all(v.startswith("v1:") for v in raw), raw
    r.refresh_from_db()
    assert r.age_out_date == date(2028, 1, 2) and r.gender == "M"
