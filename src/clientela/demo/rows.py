"""Row building for the demo: plain tuples with caller-chosen ids, one chunk at a time.

The builder is pure (no database): given the same id bases, catalogue and seed it yields the
same rows, which is what makes the demo reproducible and lets a digest be computed without
writing. Every helper keeps the cross-row invariants the product relies on: a relationship's
stage is its last transition's `to_stage` and `stage_entered_at` that transition's time; an
order's total is the sum of its lines; public ids and name keys are filled.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from clientela.parties.text import fold

END = datetime(2026, 10, 31)  # naive UTC: the demo's "today"
SPAN_DAYS = 730
START = END - timedelta(days=SPAN_DAYS)
SPAN = SPAN_DAYS * 86400
DAY = 86400
CENT = Decimal("0.01")

TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "parties": (
        "id", "public_id", "created_at", "updated_at", "kind", "given_name", "family_name",
        "organisation_name", "display_name", "sort_key", "family_key", "language",
        "marketing_consent", "consent_at", "consent_source", "notes",
    ),
    "contact_points": (
        "id", "party_id", "kind", "value", "normalized", "label", "is_primary",
    ),
    "memberships": ("id", "person_id", "organisation_id", "role", "title"),
    "relationships": (
        "id", "public_id", "created_at", "updated_at", "party_id", "kind",
        "acquisition_channel", "owner_id", "status", "is_current", "stage",
        "stage_entered_at", "started_at", "ended_at", "end_reason", "converted_from_id",
    ),
    "transitions": ("id", "relationship_id", "from_stage", "to_stage", "at", "actor_id", "reason"),
    "orders": (
        "id", "public_id", "created_at", "updated_at", "payer_id", "relationship_id",
        "placed_at", "currency", "channel", "status", "total",
    ),
    "order_lines": (
        "id", "order_id", "item_id", "description", "offering", "quantity", "unit_price",
        "amount", "payer_id", "consumer_id",
    ),
    "activities": (
        "id", "public_id", "created_at", "updated_at", "party_id", "relationship_id", "kind",
        "channel", "direction", "staff_id", "occurred_at", "subject", "body", "properties",
    ),
}  # fmt: skip
TABLES = tuple(TABLE_COLUMNS)
_B32 = "abcdefghijklmnopqrstuvwxyz234567"
_PAIRS = [a + b for a in _B32 for b in _B32]  # 10 bits -> two base32 characters
_SHIFTS = range(110, -1, -10)


@dataclass(frozen=True)
class Item:
    id: int
    sku: str
    name: str
    offering: str
    price: Decimal


def at(seconds: int) -> datetime:
    """Seconds since the start of the demo's two years, as a naive UTC datetime."""
    return START + timedelta(seconds=int(seconds))


@dataclass
class Builder:
    """Accumulates the rows of one chunk; `take()` hands them over and starts the next."""

    seed: int
    next_id: dict[str, int]
    currency: str
    rows: dict[str, list[tuple]] = field(default_factory=lambda: {t: [] for t in TABLES})

    def __post_init__(self) -> None:
        self._ids = random.Random(f"public-ids:{self.seed}")
        self._fold: dict[str, str] = {}

    def take(self) -> dict[str, list[tuple]]:
        taken, self.rows = self.rows, {t: [] for t in TABLES}
        return taken

    def _id(self, table: str) -> int:
        value = self.next_id[table]
        self.next_id[table] = value + 1
        return value

    def _public_id(self, prefix: str) -> str:
        """Same shape as core.ids.new_public_id (24 base32 characters), drawn from the seed."""
        bits = self._ids.getrandbits(120)
        return prefix + "_" + "".join([_PAIRS[(bits >> shift) & 1023] for shift in _SHIFTS])

    def folded(self, text: str) -> str:
        value = self._fold.get(text)
        if value is None:
            value = self._fold[text] = fold(text)
        return value

    def person(self, *, given: str, family: str, language: str, t: int, consent: bool) -> int:
        display = f"{given} {family}"
        fam = self.folded(family)
        return self._party("person", given, family, "", display, f"{self.folded(given)} {fam}",
                           fam, language, t, consent)  # fmt: skip

    def organisation(self, *, name: str, language: str, t: int) -> int:
        key = self.folded(name)
        return self._party("organisation", "", "", name, name, key, key, language, t, False)

    def _party(self, kind, given, family, org, display, sort_key, family_key, language, t,
               consent) -> int:  # fmt: skip
        pid = self._id("parties")
        when = at(t)
        self.rows["parties"].append((
            pid, self._public_id("pty"), when, when, kind, given, family, org, display,
            sort_key[:220], family_key[:200], language, consent, when if consent else None,
            "demo signup form" if consent else "", "",
        ))  # fmt: skip
        return pid

    def contact(self, party: int, kind: str, value: str, normalized: str, primary: bool) -> None:
        label = "work" if kind != "address" else "home"
        self.rows["contact_points"].append(
            (self._id("contact_points"), party, kind, value, normalized, label, primary)
        )

    def member(self, person: int, organisation: int, role: str, title: str) -> None:
        self.rows["memberships"].append(
            (self._id("memberships"), person, organisation, role, title)
        )

    def relationship(
        self,
        *,
        party: int,
        kind: str,
        channel: str,
        owner: int | None,
        path: list[tuple[str, int]],
        actor: int | None,
        status: str = "active",
        is_current: bool = True,
        ended: int | None = None,
        end_reason: str = "",
        converted_from: int | None = None,
        entry_reason: str = "",
    ) -> int:
        """A relationship with its whole transition history; `path` is [(stage, t), ...] in
        journey order with increasing times, the first being the journey entry."""
        rid = self._id("relationships")
        start, last = at(path[0][1]), path[-1]
        updated = at(max(last[1], ended or 0))
        self.rows["relationships"].append((
            rid, self._public_id("rel"), start, updated, party, kind, channel, owner, status,
            is_current, last[0], at(last[1]), start, at(ended) if ended is not None else None,
            end_reason, converted_from,
        ))  # fmt: skip
        previous = ""
        for index, (stage, t) in enumerate(path):
            reason = entry_reason if index == 0 else ""
            self.rows["transitions"].append(
                (self._id("transitions"), rid, previous, stage, at(t), actor, reason)
            )
            previous = stage
        return rid

    def order(
        self,
        *,
        payer: int,
        relationship: int,
        t: int,
        channel: str,
        lines: list[tuple[Item, Decimal, int | None]],
        status: str = "paid",
    ) -> None:
        """`lines` are (item, quantity, consumer or None for the payer)."""
        oid = self._id("orders")
        total = Decimal("0")
        for item, quantity, consumer in lines:
            amount = (item.price * quantity).quantize(CENT, ROUND_HALF_UP)
            total += amount
            self.rows["order_lines"].append((
                self._id("order_lines"), oid, item.id, item.name, item.offering, quantity,
                item.price, amount, payer, consumer or payer,
            ))  # fmt: skip
        when = at(t)
        self.rows["orders"].append((
            oid, self._public_id("ord"), when, when, payer, relationship, when, self.currency,
            channel, status, total,
        ))  # fmt: skip

    def activity(
        self,
        *,
        party: int,
        relationship: int | None,
        kind: str,
        channel: str,
        t: int,
        staff: int | None = None,
        direction: str = "inbound",
        subject: str = "",
    ) -> None:
        when = at(t)
        self.rows["activities"].append((
            self._id("activities"), self._public_id("act"), when, when, party, relationship,
            kind, channel, direction, staff, when, subject, "", {},
        ))  # fmt: skip


def journey_path(
    rng: random.Random, stages: tuple[str, ...], t0: int, horizon: int, gap_days: float
) -> list[tuple[str, int]]:
    """Times for entering each of `stages` in order: starts at `t0`, strictly increasing,
    squeezed to end before `horizon` when the natural gaps would overrun it."""
    offsets, total = [0], 0.0
    for _ in stages[1:]:
        total += rng.uniform(0.3, 1.7) * gap_days * DAY
        offsets.append(total)
    room = max(horizon - t0 - DAY, len(stages))
    scale = min(1.0, room / total) if total else 1.0
    path, last = [], t0 - 1
    for stage, offset in zip(stages, offsets, strict=True):
        t = max(int(t0 + offset * scale), last + 1)
        path.append((stage, t))
        last = t
    return path


def spread(rng: random.Random, start: int, end: int, every_days: float) -> list[int]:
    """Event times from `start` to `end`, about one every `every_days`, increasing."""
    times, t = [], start
    while True:
        t += int(rng.uniform(0.5, 1.5) * every_days * DAY)
        if t >= end:
            return times
        times.append(t)
