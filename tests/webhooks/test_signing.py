"""The Clientela-Signature header: a fixed vector computed independently with the stdlib,
verification, tolerance (replay refusal) and malformed headers."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from clientela.webhooks.signing import (
    WebhookSignatureError,
    webhook_signature_header,
    webhook_signature_verify,
)

SECRET = "whsec_fixed-test-secret"
BODY = b'{"data":{"party":{"id":"pty_abc"}},"id":"e1","type":"party.created"}'
T = 1_700_000_000


def _stdlib_hmac(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def test_the_header_is_t_and_the_hex_hmac_of_timestamp_dot_body():
    # given the HMAC-SHA256 computed here with the stdlib over "1700000000.<body>"
    expected = _stdlib_hmac(SECRET, b"1700000000." + BODY)

    # when Clientela signs the same body at the same time
    header = webhook_signature_header(secrets=[SECRET], timestamp=T, body=BODY)

    # then the header carries exactly that signature
    assert header == f"t=1700000000,v1={expected}"
    assert len(expected) == 64


def test_a_known_vector_stays_the_same():
    # a frozen value: changing the scheme breaks every receiver, so it must fail here first
    header = webhook_signature_header(secrets=["whsec_test"], timestamp=1, body=b"{}")

    assert header == "t=1,v1=7500d5d4be4b3ef07af1fe56f7d522d135cdaa7530de557e67cc1049c52de094"
    assert header == f"t=1,v1={_stdlib_hmac('whsec_test', b'1.{}')}"


def test_after_a_rotation_both_secrets_sign_and_either_verifies():
    header = webhook_signature_header(secrets=["whsec_new", "whsec_old"], timestamp=T, body=BODY)

    assert header == (
        f"t={T},v1={_stdlib_hmac('whsec_new', f'{T}.'.encode() + BODY)}"
        f",v1={_stdlib_hmac('whsec_old', f'{T}.'.encode() + BODY)}"
    )
    for secret in ("whsec_new", "whsec_old"):
        assert webhook_signature_verify(secret=secret, header=header, body=BODY, now=T) == T
    with pytest.raises(WebhookSignatureError, match="no signature matches"):
        webhook_signature_verify(secret="whsec_other", header=header, body=BODY, now=T)


def test_verify_accepts_the_body_as_bytes_or_text_and_returns_the_timestamp():
    header = webhook_signature_header(secrets=[SECRET], timestamp=T, body=BODY)

    assert webhook_signature_verify(secret=SECRET, header=header, body=BODY, now=T + 10) == T
    assert webhook_signature_verify(secret=SECRET, header=header, body=BODY.decode(), now=T) == T


@pytest.mark.parametrize(
    ("secret", "body"),
    [
        ("whsec_wrong", BODY),
        (SECRET, BODY.replace(b"pty_abc", b"pty_xyz")),
        (SECRET, BODY + b" "),
    ],
    ids=["wrong secret", "tampered body", "one byte more"],
)
def test_a_wrong_secret_or_a_changed_body_is_refused(secret, body):
    header = webhook_signature_header(secrets=[SECRET], timestamp=T, body=BODY)

    with pytest.raises(WebhookSignatureError) as refused:
        webhook_signature_verify(secret=secret, header=header, body=body, now=T)
    assert str(refused.value) == "no signature matches this secret and body"


@pytest.mark.parametrize(
    ("now", "accepted"),
    [(T + 300, True), (T - 300, True), (T + 301, False), (T - 301, False), (T + 86400, False)],
)
def test_a_timestamp_outside_the_tolerance_is_refused_as_a_replay(now, accepted):
    # given a correctly signed request, replayed (or received) at `now`
    header = webhook_signature_header(secrets=[SECRET], timestamp=T, body=BODY)

    # then within 300 s either way it verifies, beyond it is refused as a possible replay
    if accepted:
        assert webhook_signature_verify(secret=SECRET, header=header, body=BODY, now=now) == T
    else:
        with pytest.raises(WebhookSignatureError) as refused:
            webhook_signature_verify(secret=SECRET, header=header, body=BODY, now=now)
        assert str(refused.value) == (
            f"the timestamp is {abs(now - T)} s away from now (tolerance 300 s): "
            "refused as a possible replay"
        )


def test_a_re_signed_timestamp_does_not_revive_an_old_signature():
    # an attacker moving t forward cannot reuse the v1 made for the old t
    old = webhook_signature_header(secrets=[SECRET], timestamp=T, body=BODY)
    forged = old.replace(f"t={T}", f"t={T + 1000}")

    with pytest.raises(WebhookSignatureError, match="no signature matches"):
        webhook_signature_verify(secret=SECRET, header=forged, body=BODY, now=T + 1000)


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("", "the signature header is missing"),
        ("v1=abc", "the header has no timestamp (t=...)"),
        (f"t={T}", "the header has no v1 signature"),
        ("t=yesterday,v1=abc", "the timestamp 'yesterday' is not a number"),
        (f"t={T},garbage", "malformed header element 'garbage'"),
    ],
)
def test_a_malformed_header_says_what_is_wrong(header, message):
    with pytest.raises(WebhookSignatureError) as refused:
        webhook_signature_verify(secret=SECRET, header=header, body=BODY, now=T)
    assert str(refused.value) == message
