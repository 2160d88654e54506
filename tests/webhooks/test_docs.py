"""The ten-line verification in docs/webhooks.md works on a real delivery: the snippet is
taken from the document and run as a receiver would run it."""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from pathlib import Path

import pytest

from tests.factories import make_party

DOC = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"


@pytest.fixture(scope="module")
def verify():
    text = DOC.read_text(encoding="utf-8")
    section = text.split("### Verifying in ten lines of Python", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    assert len(code.strip().splitlines()) <= 11  # ten lines and the import
    namespace: dict = {}
    exec(compile(code, str(DOC), "exec"), namespace)
    return namespace["verify"]


def test_the_documented_check_accepts_a_real_delivery_and_refuses_forgeries(
    staff, subscribe, receiver, run_worker, verify
):
    # given a real delivery received by a real receiver
    subscription = subscribe(["party.created"])
    make_party(actor=staff["admin"])
    run_worker()
    (request,) = receiver.requests
    header, body = request.headers["Clientela-Signature"], request.body

    # then the documented function accepts it, and refuses every forgery
    assert verify(subscription.secret, header, body) is True
    assert verify("whsec_someone-else", header, body) is False
    assert verify(subscription.secret, header, body.replace(b"Ana", b"Eve")) is False
    assert verify(subscription.secret, "", body) is False
    # a correctly signed but old request (a replay) is refused
    old = int(time.time()) - 600
    signed = hmac.new(
        subscription.secret.encode(), f"{old}.".encode() + body, hashlib.sha256
    ).hexdigest()
    assert verify(subscription.secret, f"t={old},v1={signed}", body) is False
    assert verify(subscription.secret, f"t={old},v1={signed}", body, tolerance=900) is True
