"""Normalisation for sorting and searching names in four languages."""

from __future__ import annotations

import unicodedata

# Letters that do not decompose into a base letter plus a combining mark.
_FOLD = str.maketrans({"ł": "l", "Ł": "l", "ß": "ss", "æ": "ae", "ø": "o", "đ": "d"})

_MAX_CODE_POINT = 0x10FFFF
_SURROGATES = range(0xD800, 0xE000)


def fold(text: str) -> str:
    """Lower-case, accent-free, single-spaced: 'Łukasz Żółć' -> 'lukasz zolc'."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD).casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.split())


def prefix_upper_bound(prefix: str) -> str:
    """The smallest string greater than every string starting with `prefix` in code-point
    order (SQLite's BINARY collation, PostgreSQL's "C" collation of the key columns), so a
    prefix search is the index range [prefix, bound).

    The last character is incremented rather than followed by a sentinel such as U+FFFF:
    a sentinel misses keys holding characters above it (emoji, CJK extension B)."""
    chars = list(prefix)
    while chars:
        code = ord(chars.pop()) + 1
        if code in _SURROGATES:
            code = _SURROGATES.stop
        if code <= _MAX_CODE_POINT:
            return "".join(chars) + chr(code)
    # Empty prefix (or only U+10FFFF): every string matches; the caller must not range-scan.
    return chr(_MAX_CODE_POINT) * 2
