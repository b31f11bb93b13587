"""The cache invalidation model: one data version, raised only when something a page shows changes.

What is cached, and on what it is keyed:
- rendered list, queue and home pages (``cached_page``): user, path, day and data version;
- each user's permission sets (cases/accounts/backends.py): user and data version;
- aggregates too costly to rebuild on every write (``cached_value``): the home page's clock
  tile and the annual report. The tile is keyed on the data version like the rest, and one
  stated exception applies: after a change it may be reused for up to one minute before it
  is rebuilt, so constant writes do not rebuild it on every request. When nothing changed it
  is exact. The annual report is always exact: it is keyed on the shared version and its own
  ``report`` scope (below), which only a write that can change one of its figures raises.

The data version lives in the one ``AuditChainHead`` row. The signals below raise it in the
same transaction as every save or delete of a row of ``cases``, ``auth`` or ``guardian`` that a
page may show: a grant, group membership, user, organisation, statute and so on. They
do not raise it for rows no page shows (access log, tracked sessions, reminders sent,
rate-limit windows, re-authentication grants, the
chain head itself) nor for a save that changes only ``last_login``: signing in changes
nothing any page shows, and must not throw away every worker's pages and permission sets. A
reader that sees the new version can never find content built before the write, so no stale
page is served, on one server or several. Every writer already locks that row to append its
audit event, so raising the version adds no new lock order.

Writes about one request are scoped, so that a write does not rebuild the pages of the users
who cannot see that request: a save or delete of a request, or of a row that belongs to one
request (``request`` foreign key: events, documents, family members, issued forms and
letters...), or a change of its categories or statutes, does not raise the shared version. It
raises ``PageScopeVersion`` rows instead: ``requests`` (every request), and ``group:<id>`` /
``user:<id>`` for every group and user holding a grant on that request, read in the same
statement. A page is keyed on the versions of what it can show:
- users who see every request (``view_all_requests``) or the department's clock tile
  (review, decide): the shared version, the newest audit event and ``requests``;
- everyone else sees only requests granted to them or to one of their groups
  (cases/selectors.py), so their pages are keyed on the shared version and the versions of
  their own user and groups. A write about a request of another organisation keeps them.
A grant given or taken away is a guardian row, which raises the shared version: a change of
who sees a request is never scoped. Permission sets and the detective list depend on users,
groups and grants only: they are keyed on the shared version, and survive transitions.
The scoped bump locks the same chain head row first, so the lock order is unchanged.

The ``report`` scope keeps the built annual report in use until a figure of it may have
changed. It is raised, in the same statement, by the writes that can change a figure of the
c. 258F s. 4 annual report: a new request (unless a draft that was never received), a request
deleted, a save that changes one of ``REPORT_FIELDS`` or moves the status into, out of or
between ``REPORT_STATES``, any save or delete of a delay notice, a change of a request's crime
categories; everything that raises the shared version (the categories themselves, the
agency...) changes the report's key too. A workflow step that only moves a request between
open states (received -> crime check) leaves the report as it is.
Whether a save changes a report column is decided by reading the row's stored values with
``SELECT ... FOR UPDATE`` just before the write (the services hold that lock already), so a
concurrent writer cannot slip a change in between; a save outside a transaction, where the
row cannot be held, always raises it.

Only content without victim data is cached (lists, queues, home, counts): victim details are
not kept in memory beyond the request that shows them.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_migrate,
    post_save,
    pre_migrate,
    pre_save,
)
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html

from cases.models import (
    REPORT_FIELDS,
    REPORT_STATES,
    AuditChainHead,
    CertificationRequest,
    DelayNotice,
    PageScopeVersion,
    RequestGroupObjectPermission,
    RequestUserObjectPermission,
)
from cases.roles import DECIDE, REVIEW, VIEW_ALL, has_capability

WATCHED_APPS = {"auth", "guardian", "cases"}
# Written on every sign-in or page view, and shown on no cached page.
NOT_SHOWN = {
    "cases.accesslog",
    "cases.usersession",
    "cases.remindersent",
    "cases.auditchainhead",
    "cases.ratelimitwindow",
    "cases.reauthgrant",
    "cases.pagescopeversion",
}
# Fields whose change alone no page shows.
NOT_SHOWN_FIELDS = frozenset({"last_login"})
# Keys change with every write; the timeout only returns memory sooner.
CONTENT_SECONDS = 3600


REQUESTS_SCOPE = "requests"
REPORT_SCOPE = "report"


@dataclass(frozen=True)
class Versions:
    """What one read of the versions found (see the module's docstring)."""

    last_event_id: int | None
    shared: int
    scopes: tuple[tuple[str, int], ...]  # requests, and the user's own and groups' scopes

    def scope(self, name: str) -> int:
        return dict(self.scopes).get(name, 0)


def versions(user: Any = None) -> Versions:
    """The shared version, the newest audit event and the scope versions that concern
    ``user``: one query, once per request when the request's ``user`` is given (kept on
    that user object)."""
    found = getattr(user, "_uvisa_versions", None)
    if found is None:
        found = _read_versions(getattr(user, "pk", None))
        if user is not None:
            user._uvisa_versions = found
    return found


def _read_versions(user_id: int | None) -> Versions:
    head = AuditChainHead._meta.db_table
    scopes = PageScopeVersion._meta.db_table
    memberships = get_user_model().groups.through._meta.db_table
    # Table and column names come from the models; values are parameters.
    sql = (
        f"SELECT 'event', last_event_id FROM {head} WHERE id = 1 "  # noqa: S608  # nosec B608
        f"UNION ALL SELECT 'shared', data_version FROM {head} WHERE id = 1 "
        f"UNION ALL SELECT scope, version FROM {scopes} WHERE scope IN (%s, %s, %s) "
        f"OR scope IN (SELECT 'group:' || CAST(group_id AS VARCHAR(20)) FROM {memberships} "
        "WHERE user_id = %s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [REQUESTS_SCOPE, REPORT_SCOPE, f"user:{user_id}", user_id])
        rows = cursor.fetchall()
    named = dict(rows)
    return Versions(
        last_event_id=named.pop("event", None),
        shared=named.pop("shared", None) or 0,
        scopes=tuple(sorted(named.items())),
    )


def data_version(user: Any = None) -> tuple[Any, ...]:
    """(newest audit event id, shared data version)."""
    found = versions(user)
    return (found.last_event_id, found.shared)


def page_versions(user: Any) -> tuple[Any, ...]:
    """The versions ``user``'s cached pages are keyed on (see the module's docstring)."""
    found = versions(user)
    if any(has_capability(user, c) for c in (VIEW_ALL, REVIEW, DECIDE)):
        return ("all", found.shared, found.last_event_id, found.scope(REQUESTS_SCOPE))
    own = tuple((k, v) for k, v in found.scopes if k not in (REQUESTS_SCOPE, REPORT_SCOPE))
    return ("granted", found.shared, own)


def raise_data_version() -> None:
    """Mark that something a page may show has changed (inside the writer's transaction).

    The new version is at least the time in microseconds, so versions never repeat, even
    after a database is restored from an older backup while servers keep their caches.
    """

    now_us = time.time_ns() // 1000
    bumped = Greatest(F("data_version") + 1, Value(now_us))
    if not AuditChainHead.objects.filter(pk=1).update(data_version=bumped):
        AuditChainHead.objects.get_or_create(pk=1, defaults={"data_version": now_us})


def raise_request_version(request_id: int, *, report: bool = False) -> None:
    """Mark that one request changed: the ``requests`` scope and the scopes of every group
    and user holding a grant on it, and with ``report`` the annual report's scope (inside
    the writer's transaction)."""
    scopes = PageScopeVersion._meta.db_table
    greatest = "GREATEST" if connection.vendor == "postgresql" else "MAX"
    also = [REPORT_SCOPE] if report else []
    also_sql = "UNION SELECT %s " * len(also)
    # Table and column names come from the models; values are parameters.
    sql = (
        f"INSERT INTO {scopes} (scope, version) SELECT s, %s FROM ("  # noqa: S608  # nosec B608
        f"SELECT %s AS s {also_sql}"
        "UNION SELECT 'group:' || CAST(group_id AS VARCHAR(20)) "
        f"FROM {RequestGroupObjectPermission._meta.db_table} WHERE content_object_id = %s "
        "UNION SELECT 'user:' || CAST(user_id AS VARCHAR(20)) "
        f"FROM {RequestUserObjectPermission._meta.db_table} WHERE content_object_id = %s"
        ") AS granted WHERE 1 = 1 "
        f"ON CONFLICT (scope) DO UPDATE SET version = {greatest}({scopes}.version + 1, "
        "excluded.version)"
    )
    now_us = time.time_ns() // 1000
    with transaction.atomic(savepoint=False):  # the writer's own transaction, if any
        # The lock every writer takes first (the chain head): no new lock order.
        list(AuditChainHead.objects.select_for_update().filter(pk=1).values_list("pk"))
        with connection.cursor() as cursor:
            cursor.execute(sql, [now_us, REQUESTS_SCOPE, *also, request_id, request_id])


T = TypeVar("T")


def cached_value(
    name: str,
    build: Callable[[], T],
    *,
    now: datetime,
    max_stale_seconds: int = 0,
    scope: str = REQUESTS_SCOPE,
) -> T:
    """``build()``, reused while the shared version and ``scope``'s are unchanged (for the
    ``requests`` scope also the newest audit event); after a change, reused for up to
    ``max_stale_seconds`` more (the bounded exception for the clock tile, above)."""
    found = versions()
    version: tuple[Any, ...] = (found.shared, scope, found.scope(scope))
    if scope == REQUESTS_SCOPE:
        version += (found.last_event_id,)
    key = "value:v1:" + hashlib.sha256(name.encode()).hexdigest()
    cached = cache.get(key)
    if cached is not None:
        cached_version, built_at, value = cached
        if cached_version == version or 0 <= (now - built_at).total_seconds() < max_stale_seconds:
            return value
    value = build()
    cache.set(key, (version, now, value), CONTENT_SECONDS * 24)
    return value


def shared_value(name: str, build: Callable[[], T], *, user: Any = None) -> T:
    """``build()``, reused while the shared version is unchanged: for what no write about
    one request can change (reference data such as statutes and categories, users, roles).
    Exact: every other write raises the shared version."""
    key = f"shared:v1:{hashlib.sha256(name.encode()).hexdigest()}:{versions(user).shared}"
    cached = cache.get(key)
    if cached is None:
        cached = (build(),)
        cache.set(key, cached, CONTENT_SECONDS)
    return cached[0]


# Escaped user data cannot contain the quotes, so only Django's own field matches.
_CSRF_FIELD = '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
_CSRF_HOLE = format_html(_CSRF_FIELD, "csrf-hole")


def cached_page(
    request: HttpRequest, build: Callable[[], tuple[str, str]], *, version: Any = None
) -> HttpResponse:
    """``cases/cached_page.html`` around ``build()``'s (title, HTML), once per version:
    ``page_versions`` of the user unless the page names its own ``version``.

    ``build`` runs the view's checks too (404, permission): what it refuses is not cached,
    and a cached page exists only for a user who was allowed it at this data version.
    """
    if len(get_messages(request)):  # shown once, so never cached
        return _render(request, build, csrf_token=get_token(request))
    if version is None:
        version = page_versions(request.user)
    parts = (request.user.pk, request.get_full_path(), timezone.localdate(), version)
    key = "page:v1:" + hashlib.sha256(repr(parts).encode()).hexdigest()
    html = cache.get(key)
    if html is None:
        html = _render(request, build, csrf_token="csrf-hole").content.decode()
        cache.set(key, html, CONTENT_SECONDS)
    return HttpResponse(html.replace(_CSRF_HOLE, format_html(_CSRF_FIELD, get_token(request))))


def _render(
    request: HttpRequest, build: Callable[[], tuple[str, str]], *, csrf_token: str
) -> HttpResponse:
    title, content = build()
    context = {"title": title, "content": content, "csrf_token": csrf_token}
    return HttpResponse(render_to_string("cases/cached_page.html", context, request))


_migrating = False  # the version's table may not exist yet


def _watched(model: type) -> bool:
    meta = model._meta
    return not _migrating and meta.app_label in WATCHED_APPS and meta.label_lower not in NOT_SHOWN


def _before_migrate(**kwargs: Any) -> None:
    global _migrating
    _migrating = True


def _after_migrate(**kwargs: Any) -> None:
    global _migrating
    _migrating = False
    raise_data_version()  # data migrations may have changed what pages show


_REQUEST_FIELDS: dict[type, str | None] = {}


def _request_field(model: type) -> str | None:
    """The attribute holding the one request a row of ``model`` belongs to, if any."""
    if model not in _REQUEST_FIELDS:
        found = None
        for field in model._meta.concrete_fields:  # type: ignore[attr-defined]
            if field.name == "request" and field.related_model is CertificationRequest:
                found = field.attname
        _REQUEST_FIELDS[model] = found
    return _REQUEST_FIELDS[model]


# Column name -> attribute of the report's columns (``recertification_of`` is the foreign key).
_REPORT_ATTNAMES = {
    name: CertificationRequest._meta.get_field(name).attname
    for name in REPORT_FIELDS
    if name != "pk"
}
_REPORT_ATTNAMES.update({attname: attname for attname in list(_REPORT_ATTNAMES.values())})


def _report_state(status: str) -> str:
    """What the report sees of a status: one of ``REPORT_STATES``, or just "open"."""
    return status if status in REPORT_STATES else "open"


def _changes_report(instance: CertificationRequest, update_fields: Any) -> bool:
    """Whether saving ``instance`` can change a figure of the annual report: a new received
    request, or a report column whose stored value differs from the one about to be written."""
    if instance.pk is None:
        return instance.received_at is not None  # a draft never received is in no count
    if update_fields is not None:
        written = {_REPORT_ATTNAMES[f] for f in update_fields if f in _REPORT_ATTNAMES}
    else:  # a save writes every column loaded (Django skips deferred ones)
        written = set(_REPORT_ATTNAMES.values()) - instance.get_deferred_fields()
    if not written:
        return False
    if not connection.in_atomic_block:
        return True  # the row cannot be held until the write: assume a change
    columns = sorted(written | {"received_at"})
    stored = (
        CertificationRequest.objects.select_for_update()
        .filter(pk=instance.pk)
        .values(*columns)
        .first()
    )
    if stored is None:
        return True  # inserted with a chosen primary key
    new = {c: getattr(instance, c) if c in written else stored[c] for c in columns}
    if stored["received_at"] is None and new["received_at"] is None:
        return False  # a draft before and after: in no count
    if "status" in written:
        stored["status"] = _report_state(stored["status"])
        new["status"] = _report_state(new["status"])
    return new != stored


def _before_save(sender: type, instance: Any = None, **kwargs: Any) -> None:
    if sender is CertificationRequest and _watched(sender) and not kwargs.get("raw"):
        instance._changes_report = _changes_report(instance, kwargs.get("update_fields"))


def _on_save_or_delete(sender: type, instance: Any = None, **kwargs: Any) -> None:
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and set(update_fields) <= NOT_SHOWN_FIELDS:
        return
    if not _watched(sender) or kwargs.get("raw"):
        return
    report = sender is DelayNotice
    if sender is CertificationRequest:
        request_id = instance.pk
        # A delete, or a save _before_save found to change a report column.
        report = "created" not in kwargs or getattr(instance, "_changes_report", True)
    else:
        attname = _request_field(sender)
        request_id = getattr(instance, attname) if attname else None
    if request_id:
        raise_request_version(request_id, report=report)
    else:
        raise_data_version()


def _on_m2m(sender: type, action: str, instance: Any = None, **kwargs: Any) -> None:
    if action in {"post_add", "post_remove", "post_clear"} and _watched(sender):
        if isinstance(instance, CertificationRequest) and instance.pk:
            # Its categories (counted by the report) or statutes (not).
            categories = sender is CertificationRequest.crime_categories.through
            raise_request_version(instance.pk, report=categories)
        else:
            raise_data_version()


def connect() -> None:
    pre_save.connect(_before_save, dispatch_uid="page_cache_before_save")
    post_save.connect(_on_save_or_delete, dispatch_uid="page_cache_save")
    post_delete.connect(_on_save_or_delete, dispatch_uid="page_cache_delete")
    m2m_changed.connect(_on_m2m, dispatch_uid="page_cache_m2m")
    pre_migrate.connect(_before_migrate, dispatch_uid="page_cache_pre_migrate")
    post_migrate.connect(_after_migrate, dispatch_uid="page_cache_post_migrate")
