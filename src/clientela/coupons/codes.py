"""Coupon codes: random, unambiguous when read aloud or typed, unique.

A code is `PREFIX-XXXX-XXXX` (or `XXXX-XXXX` without a prefix) over an upper-case alphabet
without the look-alikes 0/O, 1/I/L and 5/S: 2^38 combinations per prefix, drawn with
`secrets`. Uniqueness is checked against the database in chunks before the bulk insert
(and the unique index is the final guard).
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "ABCDEFGHJKMNPQRTUVWXYZ2346789"
GROUPS = 2
GROUP_SIZE = 4
PREFIX_PATTERN = re.compile(r"^[A-Z0-9]{0,12}$")
_CHUNK = 2000


def code_normalise(text: str) -> str:
    """What a person typed, as stored: upper case, no spaces around or inside."""
    return re.sub(r"\s+", "", str(text or "")).upper()[:40]


def prefix_normalise(text: str) -> str:
    return code_normalise(text).strip("-")


def _one(prefix: str) -> str:
    groups = ["".join(secrets.choice(ALPHABET) for _ in range(GROUP_SIZE)) for _ in range(GROUPS)]
    return "-".join([prefix, *groups] if prefix else groups)


def codes_generate(*, prefix: str, count: int) -> list[str]:
    """`count` new codes, distinct from each other and from every stored code."""
    from clientela.coupons.models import Coupon

    chosen: set[str] = set()
    while len(chosen) < count:
        fresh = set()
        while len(fresh) < count - len(chosen):
            code = _one(prefix)
            if code not in chosen:
                fresh.add(code)
        batch = sorted(fresh)
        for start in range(0, len(batch), _CHUNK):
            taken = set(
                Coupon.objects.filter(code__in=batch[start : start + _CHUNK]).values_list(
                    "code", flat=True
                )
            )
            chosen.update(set(batch[start : start + _CHUNK]) - taken)
    return sorted(chosen)
