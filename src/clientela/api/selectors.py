"""Reads on API tokens: a user's list, one by prefix, and the check of a presented secret."""

from __future__ import annotations

import hmac

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.api.models import SECRET_PREFIX, ApiToken, secret_hash
from clientela.core.errors import ApplicationError, ErrorCode


class TokenRefused(Exception):
    """The presented secret authenticates nobody; `reason` says why, for the 401 body."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def token_list_for_user(*, user) -> QuerySet[ApiToken]:
    """The user's tokens, newest first (revoked and expired ones included)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def token_get(*, prefix: str) -> ApiToken:
    """The token with this prefix (`cla_abcd1234` or `abcd1234`); NOT_FOUND otherwise."""
    key = (prefix or "").strip().lower().removeprefix(SECRET_PREFIX)
    found = ApiToken.objects.select_related("user").filter(key_prefix=key).first()
    if found is None or not key:
        raise ApplicationError(
            ErrorCode.NOT_FOUND, _("No token with prefix %(prefix)s.") % {"prefix": prefix}
        )
    return found


def token_authenticate(*, secret: str) -> ApiToken:
    """The live token whose secret this is (user loaded); TokenRefused otherwise.

    The hash is compared in constant time; whether a token was revoked or expired is said
    only to a caller that presented its full, correct secret."""
    secret = (secret or "").strip()
    if not secret.startswith(SECRET_PREFIX):
        raise TokenRefused(_("The token is not a Clientela API token."))
    prefix, _sep, key = secret.removeprefix(SECRET_PREFIX).partition("_")
    token = ApiToken.objects.select_related("user").filter(key_prefix=prefix).first()
    if token is None or not key or not hmac.compare_digest(token.key_hash, secret_hash(secret)):
        raise TokenRefused(_("The token is unknown."))
    if token.revoked_at is not None:
        raise TokenRefused(_("The token was revoked."))
    if token.is_expired(timezone.now()):
        raise TokenRefused(_("The token has expired."))
    if not token.user.is_active:
        raise TokenRefused(_("The token's user is deactivated."))
    return token
