"""Writes on API tokens: create (the secret is returned once), revoke, and mark as used.

Users manage their own tokens; admins (and the system, `actor=None`) manage anyone's.
"""

from __future__ import annotations

import base64
import secrets
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.accounts.permissions import Action, authorize
from clientela.api.models import SECRET_PREFIX, ApiToken, TokenScope, secret_hash
from clientela.core.errors import ApplicationError, ErrorCode, validation_error
from clientela.core.services import audit_record

# last_used_at is written at most once per this interval per token, so a busy integration
# does not turn every read into a write.
TOUCH_INTERVAL = timedelta(minutes=1)


def _new_secret() -> tuple[str, str]:
    prefix = base64.b32encode(secrets.token_bytes(5)).decode("ascii").lower()  # 8 characters
    key = base64.b32encode(secrets.token_bytes(25)).decode("ascii").lower()  # 40 characters
    return prefix, f"{SECRET_PREFIX}{prefix}_{key}"


def _authorize_for(actor, user) -> None:
    """Anyone active manages their own tokens; only admins (or the system) anyone's."""
    if actor is not None and getattr(actor, "pk", None) == user.pk and actor.is_active:
        return
    authorize(actor, Action.USER_MANAGE)


def token_create(
    *, actor, user, name: str, scope: str, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a token for `user`; returns (token, secret). The secret is not stored anywhere
    (only its SHA-256 hash), so this is the one moment it can be shown."""
    _authorize_for(actor, user)
    name = (name or "").strip()
    if not name:
        raise validation_error("name", _("is required"))
    if len(name) > 100:
        raise validation_error("name", _("is longer than 100 characters"))
    if scope not in TokenScope.values:
        raise validation_error(
            "scope", _("must be one of %(choices)s") % {"choices": ", ".join(TokenScope.values)}
        )
    if expires_at is not None:
        if not isinstance(expires_at, datetime) or timezone.is_naive(expires_at):
            raise validation_error("expires_at", _("needs a time zone"))
        if expires_at <= timezone.now():
            raise validation_error("expires_at", _("must be in the future"))
    if not user.is_active:
        raise validation_error("user", _("%(user)s is inactive") % {"user": user.username})
    for _attempt in range(5):  # a prefix collision (1 in 2^40 per pair) just draws again
        prefix, secret = _new_secret()
        token = ApiToken(
            user=user,
            name=name,
            scope=scope,
            key_prefix=prefix,
            key_hash=secret_hash(secret),
            expires_at=expires_at,
        )
        try:
            with transaction.atomic():
                token.save()
                audit_record(
                    actor=actor,
                    action="token.created",
                    target=token,
                    data={"user": user.username, "name": name, "scope": scope},
                )
        except IntegrityError:
            continue
        return token, secret
    raise ApplicationError(ErrorCode.CONFLICT, _("Could not draw a unique token prefix."))


def token_revoke(*, actor, token: ApiToken) -> ApiToken:
    """Revoke the token: from now on it authenticates nothing. Revoking twice is a conflict."""
    _authorize_for(actor, token.user)
    with transaction.atomic():
        updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if not updated:
            raise ApplicationError(
                ErrorCode.CONFLICT,
                _("The token %(token)s is already revoked.") % {"token": token.public_id},
            )
        token.refresh_from_db(fields=["revoked_at"])
        audit_record(
            actor=actor, action="token.revoked", target=token, data={"user": token.user.username}
        )
    return token


def token_mark_used(*, token: ApiToken, at: datetime | None = None) -> bool:
    """Record that the token was used, unless that was recorded less than TOUCH_INTERVAL
    ago. The condition is in the UPDATE, so concurrent requests (and processes) write it at
    most once per interval. Returns True when a row was written. Not audited: it is a
    usage statistic, not a change."""
    at = at or timezone.now()
    if token.last_used_at is not None and at - token.last_used_at < TOUCH_INTERVAL:
        return False
    written = (
        ApiToken.objects.filter(pk=token.pk)
        .filter(Q(last_used_at__isnull=True) | Q(last_used_at__lte=at - TOUCH_INTERVAL))
        .update(last_used_at=at)
    )
    if written:
        token.last_used_at = at
    return bool(written)
