"""Normalisation for sorting and searching names in four languages."""

from __future__ import annotations

import unicodedata

# Letters that do not decompose into a base letter plus a combining mark.
_FOLD = str.maketrans({"ł": "l", "Ł": "l", "ß": "ss", "æ": "ae", "ø": "o", "đ": "d"})


def fold(text: str) -> str:
    """Lower-case, accent-free, single-spaced: 'Łukasz Żółć' -> 'lukasz zolc'."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD).casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.split())


def prefix_upper_bound(prefix: str) -> str:
    """The smallest string greater than every string starting with `prefix`, so a prefix
    search is the index range [prefix, bound) on both SQLite and PostgreSQL."""
    return prefix + "\uffff"
