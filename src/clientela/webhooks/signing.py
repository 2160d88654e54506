"""The `Clientela-Signature` header (Stripe's scheme) and its verification.

`Clientela-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, f"{t}.{body}")>`: the
secret is the subscription's whole secret string (`whsec_...`) as UTF-8, the body the exact
bytes of the request body. Right after a secret rotation the header carries a second `v1`
made with the previous secret. The timestamp is signed with the body, so a receiver that
refuses old timestamps (`tolerance`) refuses replays of a captured request.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Sequence

SIGNATURE_HEADER = "Clientela-Signature"
EVENT_HEADER = "Clientela-Event"
DELIVERY_HEADER = "Clientela-Delivery"
SCHEME = "v1"


class WebhookSignatureError(ValueError):
    """The signature header is missing, malformed, too old (or new), or matches no secret."""


def webhook_signature(*, secret: str, timestamp: int, body: bytes | str) -> str:
    """The hex HMAC-SHA256 of `f"{timestamp}.{body}"` keyed with `secret`."""
    raw = body.encode() if isinstance(body, str) else bytes(body)
    signed = str(int(timestamp)).encode() + b"." + raw
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def webhook_signature_header(*, secrets: Sequence[str], timestamp: int, body: bytes) -> str:
    """The header value: one `v1` per secret (the current one first)."""
    if not secrets:
        raise ValueError("at least one secret is needed to sign")
    parts = [f"t={int(timestamp)}"]
    parts += [
        f"{SCHEME}={webhook_signature(secret=s, timestamp=timestamp, body=body)}" for s in secrets
    ]
    return ",".join(parts)


def webhook_signature_verify(
    *,
    secret: str,
    header: str,
    body: bytes | str,
    tolerance: int = 300,
    now: float | None = None,
) -> int:
    """Check a received `Clientela-Signature` header against the raw body; return the signed
    timestamp. Raises WebhookSignatureError, saying why, when the header is malformed, its
    timestamp is more than `tolerance` seconds from `now` (either way), or no `v1` matches.
    The comparison takes constant time."""
    if not header:
        raise WebhookSignatureError("the signature header is missing")
    timestamp = None
    candidates = []
    for item in header.split(","):
        key, sep, value = item.strip().partition("=")
        if not sep:
            raise WebhookSignatureError(f"malformed header element {item.strip()!r}")
        if key == "t":
            try:
                timestamp = int(value)
            except ValueError:
                raise WebhookSignatureError(f"the timestamp {value!r} is not a number") from None
        elif key == SCHEME:
            candidates.append(value)
    if timestamp is None:
        raise WebhookSignatureError("the header has no timestamp (t=...)")
    if not candidates:
        raise WebhookSignatureError(f"the header has no {SCHEME} signature")
    current = time.time() if now is None else now
    if tolerance is not None and abs(current - timestamp) > tolerance:
        raise WebhookSignatureError(
            f"the timestamp is {int(abs(current - timestamp))} s away from now "
            f"(tolerance {tolerance} s): refused as a possible replay"
        )
    expected = webhook_signature(secret=secret, timestamp=timestamp, body=body)
    if not any(hmac.compare_digest(expected, candidate) for candidate in candidates):
        raise WebhookSignatureError("no signature matches this secret and body")
    return timestamp
