"""Deterministic demo businesses: an agency, a café and a bank, with two years of history.

`demo_load` fills an empty, migrated database: staff users (one per role plus several
account managers, passwords derived from the seed), the business settings, the catalogue,
and parties with their relationships, journeys, orders and timelines, all generated from the
seed so that two loads with the same seed hold the same data (see `demo_digest`). The history
ends on a fixed date (2026-10-31 UTC), never on "now", for the same reason. Large demos
(a million parties) go through the bulk path in chunks, one transaction per chunk.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from clientela.demo.load import demo_digest, demo_truth
from clientela.demo.plan import BUSINESSES, SIZES, plan_check
from clientela.demo.rows import END

__all__ = ["BUSINESSES", "END", "SIZES", "DemoSummary", "demo_digest", "demo_load", "demo_truth"]


@dataclass
class DemoSummary:
    business: str
    size: str
    counts: dict[str, int]  # rows written per table, plus "users" and "catalog_items"
    users: list[tuple[str, str, str]]  # (username, role, password)
    desk: dict[str, int] = field(default_factory=dict)  # client desk rows written per app


def demo_load(
    *,
    business: str,
    size: str,
    seed: int = 42,
    progress: Callable[[str, int, int], None] | None = None,
    parties: int | None = None,
    desk: bool = True,
) -> DemoSummary:
    """Load the `business` demo (agency | cafe | bank) at `size` (small | medium | large).

    Guarantees: bad names raise a validation error before anything is written; the database
    must hold no parties yet (CONFLICT otherwise); `progress(step, done, total)` is called as
    users are created and after every committed chunk of parties. `parties` overrides the
    size's party count (benchmarks use it for quicker runs). `desk=False` leaves the client
    desk's tables empty (their own tests load them at a fixed moment)."""
    from django.utils import timezone

    from clientela.clientdesk.demo import desk_demo_load
    from clientela.core.errors import validation_error
    from clientela.demo.load import demo_write

    plan_check(business=business, size=size)
    if parties is not None and parties < 1:
        raise validation_error("parties", "must be at least 1")
    counts, users = demo_write(
        business=business,
        size=size,
        seed=seed,
        parties=parties,
        progress=progress or _quiet,
    )
    # The client desk's contracts, plans, cadences, reviews and bookings are placed around
    # the moment of loading (renewals ahead, check-ins due this week), not the history's end.
    loaded = (
        desk_demo_load(
            business=business, seed=seed, now=timezone.now(), progress=progress or _quiet
        )
        if desk
        else {}
    )
    return DemoSummary(business=business, size=size, counts=counts, users=users, desk=loaded)


def _quiet(step: str, done: int, total: int) -> None:
    return None
