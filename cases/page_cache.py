"""Rendered pages, reused while nothing they show has changed.

Building a list of 25 requests costs 10-40 ms at a million requests; showing the same
list again costs one small query and a lookup in the worker's memory. The key holds
everything the page depends on: the user (scope, roles, name, navigation), the path with
its query string, today's date (the clocks count days) and the **data version**. The
CSRF token is left as a hole and filled per view; a view with messages to show (after a
redirect) is built afresh.

The data version lives in the one ``AuditChainHead`` row: the newest audit event's id,
and ``data_version``, which the signals below raise in the same transaction as every
save or delete of a request, grant, group membership, user, organisation, statute or any
other row of ``cases``, ``auth`` or ``guardian`` (except logs no page shows). A reader
that sees the new version can never find content built before the write, so no stale
page is served, on one server or several. Every writer already locks that row to append
its audit event, so raising the version adds no new lock order.

Only content without victim data is cached (lists, queues, home): victim details are
not kept in memory beyond the request that shows them.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_migrate,
    post_save,
    pre_migrate,
)
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html

from cases.models import AuditChainHead

WATCHED_APPS = {"auth", "guardian", "cases"}
# Written on every sign-in or page view, and shown on no cached page.
NOT_SHOWN = {
    "cases.accesslog",
    "cases.usersession",
    "cases.remindersent",
    "cases.auditchainhead",
}
# Keys change with every write; the timeout only returns memory sooner.
CONTENT_SECONDS = 3600


def data_version(user: Any = None) -> tuple[Any, ...]:
    """(newest audit event id, data version): one primary-key read, once per request when
    the request's ``user`` is given (kept on that user object)."""

    found = getattr(user, "_uvisa_data_version", None)
    if found is None:
        found = AuditChainHead.objects.filter(pk=1).values_list(
            "last_event_id", "data_version"
        ).first() or (None, 0)
        if user is not None:
            user._uvisa_data_version = found
    return found


def raise_data_version() -> None:
    """Mark that something a page may show has changed (inside the writer's transaction).

    The new version is at least the time in microseconds, so versions never repeat, even
    after a database is restored from an older backup while servers keep their caches.
    """

    now_us = time.time_ns() // 1000
    bumped = Greatest(F("data_version") + 1, Value(now_us))
    if not AuditChainHead.objects.filter(pk=1).update(data_version=bumped):
        AuditChainHead.objects.get_or_create(pk=1, defaults={"data_version": now_us})


# Escaped user data cannot contain the quotes, so only Django's own field matches.
_CSRF_FIELD = '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
_CSRF_HOLE = format_html(_CSRF_FIELD, "csrf-hole")


def cached_page(request: HttpRequest, build: Callable[[], tuple[str, str]]) -> HttpResponse:
    """``cases/cached_page.html`` around ``build()``'s (title, HTML), once per version.

    ``build`` runs the view's checks too (404, permission): what it refuses is not cached,
    and a cached page exists only for a user who was allowed it at this data version.
    """
    if len(get_messages(request)):  # shown once, so never cached
        return _render(request, build, csrf_token=get_token(request))
    version = data_version(request.user)
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


def _on_save_or_delete(sender: type, **kwargs: Any) -> None:
    if _watched(sender) and not kwargs.get("raw"):
        raise_data_version()


def _on_m2m(sender: type, action: str, **kwargs: Any) -> None:
    if action in {"post_add", "post_remove", "post_clear"} and _watched(sender):
        raise_data_version()


def connect() -> None:
    post_save.connect(_on_save_or_delete, dispatch_uid="page_cache_save")
    post_delete.connect(_on_save_or_delete, dispatch_uid="page_cache_delete")
    m2m_changed.connect(_on_m2m, dispatch_uid="page_cache_m2m")
    pre_migrate.connect(_before_migrate, dispatch_uid="page_cache_pre_migrate")
    post_migrate.connect(_after_migrate, dispatch_uid="page_cache_post_migrate")
