"""Small helpers shared by the web views."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from clientela.accounts.models import Role

OWNER_ROLES = {Role.ACCOUNT_MANAGER, Role.MANAGER, Role.ADMIN}


def safe_next(request: HttpRequest, default: str) -> str:
    """The `next` field of the POST when it points at this site, else `default`."""
    candidate = request.POST.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def htmx_target(request: HttpRequest) -> str:
    """The id of the element an htmx request will swap, or "" for a full page load."""
    if not getattr(request, "htmx", False):
        return ""
    return request.htmx.target or ""


def may_own(user) -> bool:
    return getattr(user, "role", None) in OWNER_ROLES
