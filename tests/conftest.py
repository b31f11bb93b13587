"""Fixed personas and a request factory shared by the tests.

Personas: ``advocate`` (organisation A), ``other_advocate`` (organisation B), ``coordinator``,
``detective`` (assigned to requests made here), ``other_detective``, ``chief`` (designated
certifying official), ``undesignated_chief`` (chief group, no designation), ``auditor``,
``superuser`` (IT staff).
"""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.backends.postgresql.operations import DatabaseOperations as PostgresOperations
from django.utils import timezone
from guardian.shortcuts import assign_perm

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright + live_server

# Under pytest-xdist each worker has a temporary directory of its own: the /verify/ and render
# slots are flock files there, shared by every process of a machine by design.
if worker := os.environ.get("PYTEST_XDIST_WORKER"):
    import tempfile

    _worker_tmp = Path(tempfile.gettempdir()) / f"uvisa-test-{worker}"
    _worker_tmp.mkdir(mode=0o700, exist_ok=True)
    os.environ["TMPDIR"] = str(_worker_tmp)
    tempfile.tempdir = None

from cases.clocks import due_date
from cases.models import (
    AdvocateOrganization,
    Agency,
    CertificationRequest,
    CertifyingOfficial,
    QualifyingCrimeCategory,
    Status,
    Statute,
)
from cases.reference_data import MEDFORD_AGENCY, load_reference_data
from cases.roles import ADVOCATE, AUDITOR, CHIEF, COORDINATOR, DETECTIVE, sync_roles


def _flush_past_truncate_triggers(self: Any, sql_list: list[str]) -> None:
    """Django empties the tables after a transactional test with TRUNCATE, which the audit
    tables' statement-level triggers refuse (C9). The test cluster's superuser suspends
    triggers for that one transaction; production has no such path (docs/deploy.md)."""
    with transaction.atomic(using=self.connection.alias), self.connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        for sql in sql_list:
            cursor.execute(sql)


PostgresOperations.execute_sql_flush = _flush_past_truncate_triggers

PERSONAS = [
    "advocate",
    "other_advocate",
    "coordinator",
    "detective",
    "other_detective",
    "chief",
    "undesignated_chief",
    "auditor",
    "superuser",
]


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # The live server serves static files from the finders, by their plain names.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache (the annual report is cached)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    # Each test counts /verify/ requests in a window of its own (cases/lib/rate_window.py).
    settings.UVISA_RATE_WINDOW_PATH = str(tmp_path / "rate-window")


@pytest.fixture(scope="session")
def signing_p12(tmp_path_factory: Any) -> Path:
    """A throwaway agency signing identity (certify signs the final form)."""
    from cases.documents.signing import create_identity

    path = tmp_path_factory.mktemp("signing") / "test-agency.p12"
    path.write_bytes(
        create_identity(common_name="Test Agency Signing", organization="Test PD", password=b"test")
    )
    return path


@pytest.fixture(autouse=True)
def _signing_key(settings: Any, signing_p12: Path) -> None:
    settings.UVISA_SIGNING_P12 = signing_p12
    settings.UVISA_SIGNING_P12_PASSWORD = "test"


@pytest.fixture(autouse=True)
def _reference_rows_after_a_flush(request: Any) -> None:
    """A transactional test empties every table when it ends (TRUNCATE on PostgreSQL), and
    the test order depends on the plugins: give every database test its reference rows."""
    if {"db", "transactional_db"} & set(request.fixturenames):
        request.getfixturevalue("reference_rows")


@pytest.fixture(scope="session")
def synthetic_form_template() -> Any:
    """The synthetic Supplement B ("TEST TEMPLATE - NOT THE USCIS FORM"), checked once."""
    import csv

    from cases.documents import official
    from cases.reference_data import DATA
    from cases.uscis import synthetic
    from cases.uscis.i918b_fields import EDITION, FIELDS_CSV

    with open(DATA / "qualifying_crime_categories.csv", encoding="utf-8") as f:
        names = {row["code"]: row["name"] for row in csv.DictReader(f)}
    data = synthetic.synthetic_template(FIELDS_CSV, category_tooltips=list(names.values()))
    return official.prepare_template(data, form_type="I-918B", edition=EDITION, categories=names)


@pytest.fixture(scope="session")
def synthetic_i914b_template() -> Any:
    """The synthetic Form I-914 Supplement B (T visa), checked once."""
    from cases.documents import official
    from cases.uscis import i914b_fields, synthetic_i914b

    return official.prepare_template(
        synthetic_i914b.synthetic_template(),
        form_type="I-914B",
        edition=i914b_fields.EDITION,
        categories=synthetic_i914b.trafficking_forms(),
    )


@pytest.fixture
def t_template(reference_rows: None, synthetic_i914b_template: Any) -> Any:
    """The synthetic Form I-914 Supplement B loaded too (T-visa tests ask for it)."""
    from cases.documents.official import active_template, store_template

    return active_template("I-914B", "01/20/25") or store_template(
        synthetic_i914b_template, actor=None
    )


@pytest.fixture
def reference_rows(db: None, synthetic_form_template: Any) -> None:
    """Roles, reference data and the loaded Supplement B template (the department loads the
    official one; tests use the synthetic one); reloaded when a transactional test flushed them."""
    from cases.documents.official import store_template
    from cases.models import FormTemplate

    if not QualifyingCrimeCategory.objects.exists():
        load_reference_data(QualifyingCrimeCategory, Statute)
        sync_roles()
    if not FormTemplate.objects.filter(active=True).exists():
        store_template(synthetic_form_template, actor=None)


@pytest.fixture
def agency(reference_rows: None) -> Agency:
    return Agency.objects.create(code="MPD", **MEDFORD_AGENCY)


def _organization(name: str) -> AdvocateOrganization:
    group = Group.objects.create(name=f"org: {name}")
    return AdvocateOrganization.objects.create(name=name, group=group)


@pytest.fixture
def org_a(db: None) -> AdvocateOrganization:
    return _organization("Organisation A")


@pytest.fixture
def org_b(db: None) -> AdvocateOrganization:
    return _organization("Organisation B")


def _user(username: str, role: str | None, *extra_groups: Group, **fields: Any) -> Any:
    user = get_user_model().objects.create_user(
        username=username,
        password="correct-horse-battery",
        email=f"{username}@example.org",
        first_name=username.title(),
        **fields,
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    for group in extra_groups:
        user.groups.add(group)
    return user


@pytest.fixture
def people(agency: Agency, org_a: AdvocateOrganization, org_b: AdvocateOrganization) -> dict:
    users = {
        "advocate": _user("advocate", ADVOCATE, org_a.group),
        "other_advocate": _user("other_advocate", ADVOCATE, org_b.group),
        "coordinator": _user("coordinator", COORDINATOR),
        "detective": _user("detective", DETECTIVE),
        "other_detective": _user("other_detective", DETECTIVE),
        "chief": _user("chief", CHIEF),
        "undesignated_chief": _user("undesignated_chief", CHIEF),
        "auditor": _user("auditor", AUDITOR),
        "superuser": _user("superuser", None, is_superuser=True, is_staff=True),
    }
    for user in users.values():
        totp_device(user)  # every account has a second factor (C1)
    CertifyingOfficial.objects.create(
        agency=agency,
        user=users["chief"],
        family_name="Delaney",
        given_name="Frank",
        title="Chief of Police",
        is_agency_head=True,
        designated_on=date(2024, 1, 2),
    )
    return users


@pytest.fixture
def make_request(agency: Agency, org_a: AdvocateOrganization, people: dict):
    """A request of organisation A in ``status``, with every transition's conditions met."""

    def make(
        status: str = Status.DRAFT, *, department_text: bool | None = None, **fields: Any
    ) -> CertificationRequest:
        defaults: dict[str, Any] = dict(
            agency=agency,
            organization=org_a,
            advocate=people["advocate"],
            # 1999: a year the reference counters never reach
            reference=f"MPD-UV-1999-{CertificationRequest.objects.count() + 1:04d}",
            status=status,
            family_name="García",
            given_name="María",
            incident_date=date(2025, 3, 14),
            received_at=None if status == Status.DRAFT else timezone.now(),
            possesses_information="yes",
            has_been_helpful="yes",
            refused_or_failed="no",
            helpfulness_explanation="Gave a statement and identified the suspect.",
            assigned_detective=people["detective"],
            # Every other required Supplement B item (cases/uscis/formmap.py), so certify can pass.
            date_of_birth=date(1990, 5, 1),
            gender="F",
            report_number="25-001234",
            case_status="ongoing",
            occurred_in_us="yes",
            incident_location="Medford, MA",
            extraterritorial="no",
            other_statute_citations="M.G.L. c. 265 s. 13M",
            criminal_activity_description="Assaulted by her partner at home.",
            injury_description="Bruises to the arms, documented in the report.",
            family_members_implicated="no",
            requester_capacity="advocate",
            victim_sharing_consent="given",
        )
        if status == Status.INFO_REQUESTED:
            defaults["info_return_state"] = Status.CRIME_CHECK
        defaults.update(fields)
        request = CertificationRequest(**defaults)
        if request.received_at is not None and "due_on" not in fields:
            request.due_on = due_date(request)
        request.save()
        request.crime_categories.add(QualifyingCrimeCategory.objects.get(code="domestic_violence"))
        assign_perm("view_certificationrequest", org_a.group, request)
        if request.assigned_detective:
            assign_perm("view_certificationrequest", request.assigned_detective, request)
        if department_text if department_text is not None else status != Status.DRAFT:
            adopt_all(request, people["chief"])
        return request

    return make


def adoptable(
    request: CertificationRequest, parts: tuple[int, ...] = (2, 3, 4, 5)
) -> list[tuple[int, str]]:
    """(Part, Item number) of the attested items of ``parts`` (the form map's)."""
    from cases.services.department_text import attested_in

    return attested_in(request, parts)


def adopt_all(request: CertificationRequest, actor: Any) -> None:
    """The department's text of every attested item is the requester's proposal (as the
    coordinator's "adopt all" would leave it), written directly: any state, no event."""
    from cases.models import DepartmentText
    from cases.uscis import formmap

    edition = formmap.edition_of(request)
    for part, item in formmap.attested_items(edition) if edition else []:
        DepartmentText.objects.update_or_create(
            request=request,
            part=part.number,
            number=item.number,
            defaults={
                "content": {"value": formmap.read_value(request, item)},
                "how": DepartmentText.How.ADOPTED,
                "changed_by": actor,
            },
        )


def at(text: str) -> datetime:
    """An aware datetime in the agency's time zone, e.g. at("2026-03-08 01:30")."""
    return timezone.make_aware(datetime.fromisoformat(text))


# --- browser tests (Playwright driving Debian's Chromium; no browser download) ---

ARTIFACTS = Path(
    os.environ.get(
        "UVISA_TEST_ARTIFACTS", Path(__file__).resolve().parent.parent / "test-artifacts"
    )
)
CHROMIUM = os.environ.get("UVISA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.exit(
            f"No Chromium at {CHROMIUM}: install it (sudo apt-get install chromium), set "
            "UVISA_CHROMIUM=/path/to/chromium, or run make test-fast (no browser tests).",
            returncode=2,
        )
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def artifacts() -> Path:
    """Where tests save screenshots and rendered files (kept as CI artifacts)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


# --- signing in (the one place that knows how a test session is made) ---


def totp_device(user: Any) -> Any:
    """The user's confirmed TOTP device (created on first use, as enrolment would)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def totp_code(device: Any, *, offset: int = 0) -> str:
    """The code an authenticator app shows now for ``device`` (django_otp's own TOTP)."""
    import time

    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset * device.step
    return f"{totp.token():0{device.digits}d}"


def sign_in(client: Any, user: Any) -> None:
    """Sign ``user`` in on a Django test client, password and second factor both passed.

    The session is what the real sign-in leaves behind: Django's login, then django-otp's
    verified device for a real confirmed TOTP device, and the fresh-authentication time.
    """
    import django_otp
    from django.http import HttpRequest

    from cases.accounts.sessions import mark_fresh_auth

    client.force_login(user)
    device = totp_device(user)
    request = HttpRequest()
    request.session = client.session
    request.user = user
    django_otp.login(request, device)
    mark_fresh_auth(request)
    request.session.save()


def browser_sign_in(page: Any, live_server: Any, user: Any) -> None:
    """Give the Playwright page a signed-in session for ``user`` without the login form."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    sign_in(client, user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


@pytest.fixture
def admin_client(client: Any, admin_user: Any) -> Any:
    """pytest-django's admin client, signed in with the second factor like everyone."""
    sign_in(client, admin_user)
    return client


# --- the ink lifecycle: certify, then the ink signature recorded with a scan ---


def scan_png(width: int = 170, height: int = 220) -> bytes:
    """A real (decodable) PNG standing in for the scan of the ink-signed pages."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("L", (width, height), 235)
    ImageDraw.Draw(image).line((20, height - 40, width - 20, height - 50), fill=0, width=3)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def record_ink(request: Any, actor: Any, *, signed_on: date | None = None, **kwargs: Any) -> Any:
    """Record the ink signature of a request awaiting it: the deciding official, today."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cases.documents import issuing

    request.refresh_from_db()
    return issuing.request_record_ink_signature(
        request=request,
        actor=actor,
        signed_on=signed_on or timezone.localdate(),
        signer=kwargs.pop("signer", request.certifying_official),
        scan=kwargs.pop("scan", SimpleUploadedFile("signed.png", scan_png(), "image/png")),
        **kwargs,
    )


@pytest.fixture
def certify_and_ink(make_request: Any, people: dict) -> Any:
    """A request certified by the Chief and signed in ink (recorded by the coordinator)."""
    from cases.documents import issuing

    def make(**fields: Any) -> CertificationRequest:
        request = make_request(Status.CHIEF_DECISION, **fields)
        request = issuing.request_certify(request=request, actor=people["chief"])
        return record_ink(request, people["coordinator"])

    return make
