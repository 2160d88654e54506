"""Signed links: the booking link a client receives and the cancel link of one booking.

Both are `django.core.signing` tokens (TimestampSigner, salt "clientela.booking" and
"clientela.booking.cancel"): nothing is stored, a changed character breaks the signature,
and the booking link carries its creation time, so it stops working `booking_link_days`
(desk settings) after it was made. A cancel link works while the booking lies ahead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

from clientela.core.errors import ApplicationError, ErrorCode

LINK_SALT = "clientela.booking"
CANCEL_SALT = "clientela.booking.cancel"


@dataclass(frozen=True)
class LinkGrant:
    """What a valid booking link grants: booking for this party, these services (empty:
    every active service)."""

    party_public_id: str
    service_ids: tuple[str, ...]
    expires_at: datetime


def link_days() -> int:
    from clientela.clientdesk.settings import desk_setting

    return int(desk_setting("booking_link_days"))


def link_token_make(*, party_public_id: str, service_ids: list[str]) -> str:
    payload = {"p": party_public_id, "s": list(service_ids)}
    return signing.TimestampSigner(salt=LINK_SALT).sign_object(payload, compress=True)


def link_token_read(token: str) -> LinkGrant:
    """The grant of a booking link; NOT_FOUND (with extra reason "invalid" or "expired")
    for a tampered, foreign or expired token."""
    signer = signing.TimestampSigner(salt=LINK_SALT)
    max_age = timedelta(days=link_days())
    try:
        payload = signer.unsign_object(token, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise ApplicationError(
            ErrorCode.NOT_FOUND,
            _("This booking link has expired. Ask us for a new one."),
            {"reason": "expired"},
        ) from exc
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise _invalid() from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("p"), str):
        raise _invalid()
    services = payload.get("s") or []
    if not isinstance(services, list) or not all(isinstance(s, str) for s in services):
        raise _invalid()
    return LinkGrant(
        party_public_id=payload["p"],
        service_ids=tuple(services),
        expires_at=_signed_at(token) + max_age,
    )


def _signed_at(token: str) -> datetime:
    stamp = token.rsplit(":", 2)[-2]
    return datetime.fromtimestamp(signing.b62_decode(stamp), tz=UTC)


def _invalid() -> ApplicationError:
    return ApplicationError(
        ErrorCode.NOT_FOUND, _("This booking link is not valid."), {"reason": "invalid"}
    )


def cancel_token_make(*, booking_public_id: str) -> str:
    return signing.Signer(salt=CANCEL_SALT).sign(booking_public_id)


def cancel_token_read(token: str) -> str:
    """The booking public id a cancel token names; NOT_FOUND when it was tampered with."""
    try:
        return signing.Signer(salt=CANCEL_SALT).unsign(token)
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise ApplicationError(
            ErrorCode.NOT_FOUND, _("This link is not valid."), {"reason": "invalid"}
        ) from exc


def absolute(path: str) -> str:
    return settings.CLIENTELA_BASE_URL + path


def public_url(token: str) -> str:
    return absolute(reverse("booking:public", args=[token]))


def cancel_url(booking_public_id: str) -> str:
    token = cancel_token_make(booking_public_id=booking_public_id)
    return absolute(reverse("booking:cancel", args=[token]))


def done_url(booking_public_id: str) -> str:
    token = cancel_token_make(booking_public_id=booking_public_id)
    return reverse("booking:done", args=[token])


def ics_url(booking_public_id: str) -> str:
    token = cancel_token_make(booking_public_id=booking_public_id)
    return reverse("booking:ics", args=[token])
