"""Django's permission backend, with each user's permission sets kept per data version.

Every page that is built asks for the user's role permissions: two queries (the user's
own, the user's groups'). Roles change rarely, and every change of a permission, group or
membership raises the data version (cases/page_cache.py), so the sets can be reused until
then, on every server, without ever answering with a revoked permission.

``get_user`` takes the user read together with the session, in the same query, when there
is one (cases/accounts/session_store.py): one query instead of two, still on every request.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache

from cases.accounts.session_store import preloaded_user
from cases.page_cache import CONTENT_SECONDS, versions


class VersionedPermissionsBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        """The session's user as read with the session (cases/accounts/session_store.py),
        or Django's own query when the session did not bring it."""
        user = preloaded_user(user_id)
        if user is None:
            return super().get_user(user_id)
        return user if self.user_can_authenticate(user) else None

    def _get_permissions(self, user_obj: Any, obj: Any, from_name: str) -> set[str]:
        memo = f"_{from_name}_perm_cache"  # ModelBackend's own per-request memo
        if (
            obj is not None
            or not user_obj.is_active
            or user_obj.is_anonymous
            or hasattr(user_obj, memo)
        ):
            return super()._get_permissions(user_obj, obj, from_name)
        # The shared version: a write about one request changes no permission set.
        key = f"perms:{from_name}:{user_obj.pk}:{versions(user_obj).shared}"
        perms = cache.get(key)
        if perms is None:
            perms = super()._get_permissions(user_obj, obj, from_name)
            cache.set(key, perms, CONTENT_SECONDS)
        setattr(user_obj, memo, perms)
        return perms
