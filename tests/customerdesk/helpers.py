"""Shared builders for the customer desk tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from clientela.commerce.services import LineIn, order_build_unsaved, order_record
from tests.factories import make_party

T0 = datetime(2026, 1, 10, 12, tzinfo=UTC)


def day(n: int, hour: int = 12) -> datetime:
    """`n` days after T0."""
    return T0 + timedelta(days=n) - timedelta(hours=12 - hour)


def customer(name: str = "Popescu", *, stage: str = "consideration", kind: str = "customer"):
    """A party whose relationship opened well before T0."""
    return make_party(
        given_name="Ana", family_name=name, relationship_kind=kind, stage=stage,
        at=T0 - timedelta(days=400),
    )  # fmt: skip


def buy(party, when: datetime, amount: str = "10.00", *, status="paid", channel="store", key=None):
    order, _outcome = order_record(
        actor=None, payer=party, lines=[LineIn(description="Coffee", unit_price=Decimal(amount))],
        currency="EUR", placed_at=when, status=status, channel=channel, external_id=key,
    )  # fmt: skip
    return order


def built(party, when: datetime, key: str, *, status="paid", amount="10.00"):
    return order_build_unsaved(
        payer=party, lines=[LineIn(description="Coffee", unit_price=Decimal(amount))],
        currency="EUR", channel="online", status=status, placed_at=when, external_id=key,
    )  # fmt: skip


def transitions(party) -> list[tuple[str, str, datetime, str]]:
    from clientela.journeys.models import JourneyTransition

    return [
        (t.from_stage, t.to_stage, t.at, t.reason)
        for t in JourneyTransition.objects.filter(relationship__party=party)
        .exclude(from_stage="")
        .order_by("at", "id")
    ]
