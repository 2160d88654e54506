"""The signed questionnaire link: /review/<token>/.

The token is `django.core.signing` with the salt "clientela.review", carrying only the
review's public id and stamped with the time the review was sent, so the same review always
has the same link (the email and the copy on the review page agree) and the link expires
`booking_link_days` days after sending. A forged or altered token fails the signature.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "clientela.review"


class _SignerAt(signing.TimestampSigner):
    """A TimestampSigner whose timestamp is a given instant instead of now."""

    def __init__(self, *, at: dt.datetime, **kwargs):
        super().__init__(**kwargs)
        self._at = at

    def timestamp(self):
        return signing.b62_encode(int(self._at.timestamp()))


def review_token(*, public_id: str, sent_at: dt.datetime) -> str:
    return _SignerAt(at=sent_at, salt=SALT).sign_object({"r": public_id}, compress=False)


def review_token_read(*, token: str, max_age_days: int) -> tuple[str | None, bool]:
    """(public id, expired). (None, False) for a token that is not ours; (None, True) for a
    genuine token past its validity (its content is not returned)."""
    signer = signing.TimestampSigner(salt=SALT)
    try:
        data = signer.unsign_object(token, max_age=dt.timedelta(days=max_age_days))
    except signing.SignatureExpired:
        return None, True
    except (signing.BadSignature, ValueError, UnicodeDecodeError):
        return None, False
    if not isinstance(data, dict) or not isinstance(data.get("r"), str):
        return None, False
    return data["r"], False


def review_link(*, public_id: str, sent_at: dt.datetime, absolute: bool = True) -> str:
    path = reverse("reviews:answer", args=[review_token(public_id=public_id, sent_at=sent_at)])
    if not absolute:
        return path
    base = (getattr(settings, "CLIENTELA_BASE_URL", "") or "").rstrip("/")
    return f"{base}{path}"
