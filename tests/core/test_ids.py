"""Public ids: a prefix and 24 base32 characters; a batch of them drawn at once is the
same as drawing them one by one."""

from __future__ import annotations

import re

from clientela.core import ids
from clientela.core.ids import new_public_id, new_public_ids


def test_a_public_id_is_the_prefix_and_24_base32_characters():
    assert re.fullmatch(r"act_[a-z2-7]{24}", new_public_id("act"))


def test_a_batch_of_ids_slices_one_draw_at_15_byte_boundaries(monkeypatch):
    draws = []

    def token_bytes(n):
        draws.append(n)
        return bytes(15) + b"\xff" * 15 + bytes(range(15))

    monkeypatch.setattr(ids.secrets, "token_bytes", token_bytes)

    assert new_public_ids("act", 3) == [
        "act_" + "a" * 24,
        "act_" + "7" * 24,
        # base32 of the bytes 0..14, as RFC 4648 spells it
        "act_aaaqeayeaudaocajbifqydio",
    ]
    assert draws == [45]


def test_ids_of_a_batch_are_distinct():
    batch = new_public_ids("act", 5000)
    assert len(set(batch)) == 5000
    assert all(re.fullmatch(r"act_[a-z2-7]{24}", value) for value in batch)
