"""Name pools per locale, drawn once from faker with the demo's seed.

Faker is far too slow to call per row at a million parties, so each locale contributes a few
hundred given names, family names, company names and streets once; rows combine them with
the seeded random generator. Emails and phones are built from the pools plus a running
number, which keeps every email unique however many parties are generated.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from clientela.parties.text import fold

# locale -> (party language, phone country prefix, share of parties)
LOCALES: dict[str, tuple[str, str, float]] = {
    "en_US": ("en", "+1", 0.35),
    "es_ES": ("es", "+34", 0.25),
    "ro_RO": ("ro", "+40", 0.2),
    "pl_PL": ("pl", "+48", 0.2),
}
EMAIL_DOMAINS = ("example.com", "example.org", "example.net")
_NOT_EMAIL = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Pool:
    locale: str
    language: str
    phone_prefix: str
    given: tuple[str, ...]
    family: tuple[str, ...]
    companies: tuple[str, ...]
    streets: tuple[str, ...]


def pools_build(*, seed: int, size: int = 300) -> list[Pool]:
    """One pool per locale, identical for the same seed (and faker version)."""
    from faker import Faker

    pools = []
    for index, (locale, (language, prefix, _share)) in enumerate(LOCALES.items()):
        fake = Faker(locale)
        fake.seed_instance(seed * 31 + index)
        pools.append(
            Pool(
                locale=locale,
                language=language,
                phone_prefix=prefix,
                given=_unique(fake.first_name, size),
                family=_unique(fake.last_name, size),
                companies=_unique(fake.company, size // 2),
                streets=_unique(fake.street_address, size // 3),
            )
        )
    return pools


def pool_weights() -> list[float]:
    return [share for _language, _prefix, share in LOCALES.values()]


def email_local(*parts: str) -> str:
    """An ASCII local part from names: 'Łukasz', 'Żółć' -> 'lukasz.zolc'."""
    words = [_NOT_EMAIL.sub("", fold(part)) for part in parts]
    return ".".join(word for word in words if word)[:40] or "contact"


def _unique(draw, size: int) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for _ in range(size * 4):
        value = draw().strip()
        if value:
            seen.setdefault(value, None)
        if len(seen) >= size:
            break
    return tuple(seen)


def phone(rng: random.Random, pool: Pool) -> str:
    digits = "".join(str(rng.randrange(10)) for _ in range(9))
    return f"{pool.phone_prefix} {digits[:3]} {digits[3:6]} {digits[6:]}"
