"""One settings module, read from the environment, failing closed.

Every knob is an environment variable documented in README.md ("Configuration").
DEBUG is off unless DJANGO_DEBUG says otherwise; without DEBUG a missing
DJANGO_SECRET_KEY is an error, and the secure-transport settings are on.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

# The release this checkout is, written once in pyproject.toml and read here at startup: the
# staff pages' footer and `manage.py version` show it, and CHANGELOG.md says what each release
# changed and what to run after upgrading to it.
with (BASE_DIR / "pyproject.toml").open("rb") as _pyproject:
    UVISA_VERSION: str = tomllib.load(_pyproject)["project"]["version"]


def env(name: str, default: str = "") -> str:
    """A variable's value, or the content of the file named by NAME_FILE (for secrets)."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text().strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name, "")
    if value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_int(name: str, default: int) -> int:
    value = env(name, "")
    try:
        return int(value) if value else default
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it (or DJANGO_SECRET_KEY_FILE), "
            "or set DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "guardian",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "cases",
    "federal_requests",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside everything that can answer on its own (the /verify/ guard's refusals, a 400 for a
    # bad Host from CommonMiddleware, the error pages): the same headers on every response
    # (OWASP Secure Headers; ASVS V14.4).
    "cases.accounts.middleware.SecurityHeadersMiddleware",
    # Before anything reads a request body (docs/security.md, finding 5).
    "cases.documents.guard.PublicUploadGuardMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Django's sessions, reading the session's user and device in the same query.
    "cases.accounts.session_store.PreloadingSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "cases.lib.base_url.BaseUrlMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Security (docs/security.md): second factor, session limits; axes last.
    "cases.accounts.session_store.PreloadingOTPMiddleware",
    "cases.accounts.middleware.SessionLimitsMiddleware",
    "cases.accounts.middleware.SecondFactorRequiredMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "uvisa.urls"
WSGI_APPLICATION = "uvisa.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "uvisa.context_processors.release",
            ],
        },
    },
]

# SQLite file when DATABASE_URL is unset; PostgreSQL in production
# (e.g. postgres://user:pass@host:5432/uvisa?conn_max_age=600).
_DATABASE_URL = env("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        _DATABASE_URL,
        # Persistent connections on PostgreSQL: a worker keeps its connection
        # for ten minutes, checked before reuse, instead of connecting per request.
        conn_max_age=env_int(
            "DJANGO_CONN_MAX_AGE", 0 if _DATABASE_URL.startswith("sqlite") else 600
        ),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DJANGO_DB_PREPARED", True
):
    # Server-side parameter binding and prepared statements (psycopg 3): PostgreSQL parses and
    # plans each of a page's queries once per connection, not on every view; the case page's
    # database time halves (docs/performance.md). Off (DJANGO_DB_PREPARED=0) behind a
    # transaction-mode PgBouncer without max_prepared_statements (docs/deploy.md).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": 2}
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    (BASE_DIR / "var").mkdir(mode=0o700, exist_ok=True)
    # The database file holds everything: created readable by its owner only (C12); the
    # test database and any existing file are set to 0600 on connection (cases/apps.py).
    _sqlite = Path(DATABASES["default"]["NAME"])
    if _sqlite.parent.is_dir() and not _sqlite.exists():
        os.close(os.open(_sqlite, os.O_CREAT | os.O_WRONLY, 0o600))
    # Wait for the write lock instead of failing at once; IMMEDIATE makes every
    # write transaction take the lock up front, so two writers queue cleanly.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
    # A file, not shared-cache memory, so that threads in tests take real locks.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test-db.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Each worker's own memory: rendered list pages and permission sets, keyed by the data
# version so that several servers never serve what changed (cases/page_cache.py), and the
# annual report and clock tile (cases/reports.py). At most 2,000 entries (pages are about
# 15 KB) per worker; when full, a third is dropped.
# Django's form renderer with the plain widgets written in Python: the same markup without the
# template lookups that cost a quarter of the crime-check page (cases/lib/form_renderer.py).
FORM_RENDERER = "cases.lib.form_renderer.FastWidgetRenderer"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": env_int("UVISA_CACHE_ENTRIES", 2000)},
    }
}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # lockout first (C5)
    # ModelBackend, with permission sets reused per data version
    "cases.accounts.backends.VersionedPermissionsBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# Login-only application: no guardian "AnonymousUser" row, no anonymous checks.
ANONYMOUS_USER_NAME = None

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
# The interface is English today; page strings are wrapped ({% translate %}, gettext) so the
# catalogues under locale/ can follow. Letters use their own per-language wording
# (cases/documents/letters.py), never a run-time translation.
LANGUAGES = [
    ("en", "English"),
    ("es", "Español"),
    ("pt", "Português"),
    ("ht", "Kreyòl ayisyen"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("DJANGO_TIME_ZONE", "America/New_York")
# Translation machinery only once a catalogue is compiled (docs/translation.md): until then
# every string is the English one anyway, and each {% translate %} through the machinery
# costs a thread-local lookup (about 250 per case page, 8% of its time: docs/performance.md).
USE_I18N = any((BASE_DIR / "locale").glob("*/LC_MESSAGES/*.mo"))
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # Stored documents are encrypted at rest (cases/crypto.py, docs/security.md).
    "default": {"BACKEND": "cases.lib.crypto.EncryptedFileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploaded documents live outside the static root and are never served directly.
MEDIA_ROOT = Path(env("UVISA_MEDIA_ROOT", str(BASE_DIR / "var" / "uploads")))
MEDIA_URL = "/_never_served/"  # no URL route: documents go through the access helper
UVISA_MAX_UPLOAD_BYTES = env_int("UVISA_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
# The folders of MEDIA_ROOT the models upload to (the orphan sweep looks only there).
UVISA_UPLOAD_FOLDERS = ["documents", "designations", "federal_requests"]
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_PERMISSIONS = 0o600

# The statutory clock profile (c. 258F s. 3 for Massachusetts).
UVISA_JURISDICTION = env("UVISA_JURISDICTION", "MA")

# Reminders (cases/reminders.py): days after receipt at which the coordinator and whoever holds
# the request are reminded (standard track); "overdue" and "due soon" reminders come on top.
try:
    UVISA_REMINDER_DAYS = sorted({int(d) for d in env_list("UVISA_REMINDER_DAYS", "30,60,75")})
except ValueError as exc:
    raise ImproperlyConfigured("UVISA_REMINDER_DAYS must be whole numbers, e.g. 30,60,75") from exc

# The Sec. 50-105 six-monthly report (federal_requests): periods start on this month and day
# ("MM-DD", day 1-28) and six months later.
UVISA_FEDERAL_REPORT_ANCHOR = env("UVISA_FEDERAL_REPORT_ANCHOR", "01-01")

# E-mail: the console in development, SMTP in production.
EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = env("DJANGO_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("DJANGO_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("DJANGO_EMAIL_USE_SSL", False)
if (
    not DEBUG
    and EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"
    and not (EMAIL_USE_TLS or EMAIL_USE_SSL)
):
    # Mail names requests and people: never over plain SMTP in production (C11).
    raise ImproperlyConfigured(
        "SMTP without TLS: set DJANGO_EMAIL_USE_TLS=1 (STARTTLS) or DJANGO_EMAIL_USE_SSL=1."
    )
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", "uvisa-tracker@localhost")
# The outbox (cases/notifications.py, manage.py send_outbox): tries per notice, the first retry
# delay (doubled after each failure, up to the cap), the SMTP timeout of one try, and how long a
# notice may stay "being sent" before it counts as interrupted.
UVISA_OUTBOX_MAX_ATTEMPTS = env_int("UVISA_OUTBOX_MAX_ATTEMPTS", 8)
UVISA_OUTBOX_RETRY_SECONDS = env_int("UVISA_OUTBOX_RETRY_SECONDS", 60)
UVISA_OUTBOX_MAX_DELAY = env_int("UVISA_OUTBOX_MAX_DELAY", 3600)
UVISA_OUTBOX_SMTP_TIMEOUT = env_int("UVISA_OUTBOX_SMTP_TIMEOUT", 20)
UVISA_OUTBOX_LEASE_SECONDS = env_int("UVISA_OUTBOX_LEASE_SECONDS", 600)
UVISA_OUTBOX_MESSAGE_DOMAIN = DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
# Base of links in e-mails and PDFs (cases/lib/base_url.py); unset: the request's own address.
# UVISA_SITE_URL is its earlier name, still read.
UVISA_BASE_URL = env("UVISA_BASE_URL") or env("UVISA_SITE_URL") or ""

# Transport security. TLS ends at the reverse proxy (docs); it must set X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Logs go to stderr; one JSON object per line unless DJANGO_LOG_FORMAT=text
# (uvisa/logs.py). Text is the default with DEBUG on.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "uvisa.logs.JsonFormatter"}, "text": {}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env("DJANGO_LOG_FORMAT", "text" if DEBUG else "json"),
        }
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "INFO")},
}
# The load balancer's health check may come over plain HTTP (docs/deploy.md).
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Signed forms and letters (docs/forms.md) ---
# The agency's signing key and certificate, one PKCS#12 file; its password from
# UVISA_SIGNING_P12_PASSWORD or a file named by UVISA_SIGNING_P12_PASSWORD_FILE.
# `python manage.py make_signing_key` writes a development one to the default path.
UVISA_SIGNING_P12 = Path(env("UVISA_SIGNING_P12", str(BASE_DIR / "var" / "signing" / "agency.p12")))
UVISA_SIGNING_P12_PASSWORD = env("UVISA_SIGNING_P12_PASSWORD")
# Earlier agency certificates (PEM files, comma-separated) still accepted when verifying.
UVISA_SIGNING_EXTRA_CERTS = env_list("UVISA_SIGNING_EXTRA_CERTS")
UVISA_FONT_DIR = env("UVISA_FONT_DIR", "/usr/share/fonts/truetype/dejavu")
UVISA_MAX_VERIFY_BYTES = env_int("UVISA_MAX_VERIFY_BYTES", 10 * 1024 * 1024)
# The public verification page (cases/documents/pdf_sandbox.py, cases/documents/guard.py):
# uploads parsed in a child process with these limits, at most this many at once per machine,
# and at most UVISA_VERIFY_PER_MINUTE requests (the page and its checks) per address and minute.
UVISA_VERIFY_CPU_SECONDS = env_int("UVISA_VERIFY_CPU_SECONDS", 5)
UVISA_VERIFY_MEMORY_MB = env_int("UVISA_VERIFY_MEMORY_MB", 768)
UVISA_VERIFY_CONCURRENCY = env_int("UVISA_VERIFY_CONCURRENCY", 1)
# Official form templates and ink-signature scans are cleaned of active content in a child
# process with these limits (cases/lib/pdf_clean.py); a larger template is refused.
UVISA_CLEAN_CPU_SECONDS = env_int("UVISA_CLEAN_CPU_SECONDS", 10)
UVISA_CLEAN_MEMORY_MB = env_int("UVISA_CLEAN_MEMORY_MB", 768)
UVISA_MAX_TEMPLATE_BYTES = env_int("UVISA_MAX_TEMPLATE_BYTES", 20 * 1024 * 1024)
# The /verify/ rate limit's shared-memory window (cases/lib/rate_window.py): one file per
# machine; empty: a file in the temporary directory, one per database.
UVISA_RATE_WINDOW_PATH = env("UVISA_RATE_WINDOW_PATH")
UVISA_VERIFY_PER_MINUTE = env_int("UVISA_VERIFY_PER_MINUTE", 20)
# The public status page (/status/, cases/views/status.py), in the same window: requests per
# client address and minute, and look-ups of one reference (from any address) per minute.
UVISA_STATUS_PER_MINUTE = env_int("UVISA_STATUS_PER_MINUTE", 20)
UVISA_STATUS_PER_REFERENCE = env_int("UVISA_STATUS_PER_REFERENCE", 5)
# The review copy's page images (cases/documents/page_images.py): the draft form rendered by
# PDFium in a child process with these limits, at most this many at once per machine.
UVISA_REVIEW_PAGE_DPI = env_int("UVISA_REVIEW_PAGE_DPI", 120)
UVISA_RENDER_CPU_SECONDS = env_int("UVISA_RENDER_CPU_SECONDS", 10)
UVISA_RENDER_MEMORY_MB = env_int("UVISA_RENDER_MEMORY_MB", 768)
UVISA_RENDER_CONCURRENCY = env_int("UVISA_RENDER_CONCURRENCY", 2)


# --- Security (docs/security.md maps each line to CJIS / ASVS C1-C24) ---

# Sessions: 30 minutes idle, 12 hours in all (C2, C3, C19), enforced by
# cases.accounts.middleware.SessionLimitsMiddleware (last activity recorded to the minute); the
# server-side session and the cookie also expire 30 minutes after that record.
UVISA_SESSION_IDLE_SECONDS = env_int("UVISA_SESSION_IDLE_SECONDS", 30 * 60)
UVISA_SESSION_ABSOLUTE_SECONDS = env_int("UVISA_SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60)
UVISA_REAUTH_SECONDS = env_int("UVISA_REAUTH_SECONDS", 5 * 60)  # certify/decline window
SESSION_COOKIE_AGE = UVISA_SESSION_IDLE_SECONDS
# Database sessions whose read brings the user and the device (cases/accounts/session_store.py).
SESSION_ENGINE = "cases.accounts.session_store"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True

# Lockout (C5): 5 failures within 15 minutes lock the account until an administrator
# releases it (admin "Access attempts", or `manage.py axes_reset_username NAME`).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = None
UVISA_FAILURE_WINDOW_SECONDS = 15 * 60
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 asks for the IP address as a lock key too. CJIS AC-7 locks the *account*; an IP
# lock would shut out a whole station behind one address. Rotating user agents or cookies
# cannot get around a lock by user name, which is what W006 warns about.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# The password step alone resets nothing: the counter is reset when the second factor is
# passed (cases/accounts/lockout.py), so wrong codes lock an account whose password is known.
AXES_RESET_ON_SUCCESS = False
# Password spraying: this many failures from one address within 15 minutes refuse further
# sign-in attempts from it until the window has passed (C20: at most 100 failures an hour).
UVISA_ADDRESS_FAILURE_LIMIT = env_int("UVISA_ADDRESS_FAILURE_LIMIT", 20)
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # every failure kept (C9, C21), not only the counter
UVISA_INACTIVE_DAYS = env_int("UVISA_INACTIVE_DAYS", 90)  # C8: `disable_inactive_accounts`
# A reconsideration of a denial is answered within this many business days (Monday to
# Friday), 30 as Illinois' VOICES Act has it (5 ILCS 825/11(a): the agency "must respond to
# the appeals within 30 business days"). Public holidays are not taken out: a department
# whose law excludes them sets a number that allows for them.
UVISA_RECONSIDERATION_BUSINESS_DAYS = env_int("UVISA_RECONSIDERATION_BUSINESS_DAYS", 30)
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_HTTP_RESPONSE_CODE = 403
AXES_SENSITIVE_PARAMETERS = ["password", "code"]
AXES_IPWARE_PROXY_COUNT = env_int("UVISA_PROXY_COUNT", 1 if not DEBUG else 0)

# Second factor (C1, C7): TOTP, 6 digits, 30 s steps; django-otp throttles wrong codes.
OTP_TOTP_ISSUER = env("UVISA_OTP_ISSUER", "U-visa tracker")
UVISA_RECOVERY_CODES = 10

# Victim data encrypted at rest (C12): AES-256-GCM keys, base64, comma-separated, the
# first encrypts and all decrypt (rotation: put a new key first, run `rotate_keys`).
# The lookup key makes keyed hashes (HMAC-SHA256) for A-Number / report-number search.
# The audit key (HMAC-SHA256 of the audit chains and their checkpoints, C9) lives outside the
# database, so that the database owner cannot recompute a rewritten chain.
UVISA_FIELD_KEYS = env_list("UVISA_FIELD_KEYS")
UVISA_LOOKUP_KEY = env("UVISA_LOOKUP_KEY")
UVISA_AUDIT_KEY = env("UVISA_AUDIT_KEY")
# Audit keys retired by a rotation (`audit_rotate_key`): they only verify the older segments.
UVISA_AUDIT_OLD_KEYS = env_list("UVISA_AUDIT_OLD_KEYS")
if not UVISA_FIELD_KEYS or not UVISA_LOOKUP_KEY or not UVISA_AUDIT_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "UVISA_FIELD_KEYS, UVISA_LOOKUP_KEY and UVISA_AUDIT_KEY are not set. Generate them "
            "with `python manage.py generate_keys` (see docs/security.md)."
        )
    # DEBUG only: keys derived from the development secret key, never for real data.
    import base64
    import hashlib

    _dev = hashlib.sha256(("uvisa-dev-keys:" + SECRET_KEY).encode()).digest()
    UVISA_FIELD_KEYS = UVISA_FIELD_KEYS or [base64.b64encode(_dev).decode()]
    UVISA_LOOKUP_KEY = UVISA_LOOKUP_KEY or base64.b64encode(_dev[::-1]).decode()
    UVISA_AUDIT_KEY = (
        UVISA_AUDIT_KEY
        or base64.b64encode(hashlib.sha256(b"uvisa-dev-audit:" + _dev).digest()).decode()
    )

# Content-Security-Policy (C22): no inline script, no framing (cases.security).
UVISA_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

# Letters (c. 258F s. 3(ii); 8 CFR 214.14(h)(2)): whom a denial names as the contact, which
# other certifying entities it points to (c. 258F s. 1), and where a withdrawal notice goes.
_LETTER_CONTACT_NAME = env("UVISA_LETTER_CONTACT_NAME", "U-visa certification coordinator")
UVISA_LETTER_CONTACT = {
    "name": _LETTER_CONTACT_NAME,
    # The contact a T request's letters name (Form I-914 Supplement B is no U-visa form).
    "t_name": env("UVISA_LETTER_CONTACT_T_NAME", _LETTER_CONTACT_NAME.replace("U-visa ", "")),
    "title": env("UVISA_LETTER_CONTACT_TITLE", "Medford Police Department"),
    "phone": env("UVISA_LETTER_CONTACT_PHONE", ""),  # empty: the agency's phone
    "email": env("UVISA_LETTER_CONTACT_EMAIL", ""),
}
UVISA_OTHER_CERTIFIERS = env_list(
    "UVISA_OTHER_CERTIFIERS",
    "Middlesex District Attorney's Office,Massachusetts Attorney General's Office,"
    "the Massachusetts trial courts (judges),Massachusetts Department of Children and Families",
)
# Where the certifying official sends the written statement withdrawing or disavowing a
# Form I-918 Supplement B: the address printed in the instructions' Part 6 note ("you must
# notify USCIS by sending a written statement to: ..."). Default: the 02/07/17 instructions
# (tests/fixtures/uscis/SOURCE.md); confirm it against the edition in use (docs/forms.md).
# One line per item, separated by "|".
UVISA_USCIS_WITHDRAWAL_ADDRESS = env(
    "UVISA_USCIS_WITHDRAWAL_ADDRESS",
    "USCIS - Vermont Service Center|75 Lower Welden Street|St. Albans, VT 05479-0001",
).split("|")
# The notice withdrawing a T declaration (Form I-914 Supplement B) goes to the office handling
# the T application; the department confirms it with USCIS before the first such notice.
UVISA_USCIS_T_WITHDRAWAL_ADDRESS = env(
    "UVISA_USCIS_T_WITHDRAWAL_ADDRESS",
    "U.S. Citizenship and Immigration Services|Vermont Service Center|"
    "Attn: T Visa Unit|38 River Road|Essex Junction, VT 05479-0001",
).split("|")
