"""A small hand-built business for the classification tests, written through the services.

- X (customer, found through a search ad, 2025-01-01 00:00 UTC): 12 outbound meetings with
  Ana Ionescu (3 a month over exactly 4 months), one paid order on 2025-01-15 of 80
  personalised + 20 standardised.
- Y (customer, walk-in, 2025-01-01 00:00 UTC): one paid standardised order of 50 on
  2025-05-02 at 18:00, the latest event, so the observation lasts exactly 4 months of
  30.4375 days.
- Z (client, referral, owned by Ana, in relationship management, 2025-01-01 00:00 UTC): one
  inbound call with Ana on 2025-02-01; paid standardised orders of 30 on the 10th of January,
  February, March and April (gaps of 31, 28 and 31 days).
- `thirty_conversions` adds 30 customers who bought once and asked Ana for advice, then were
  converted to clients (their client orders come after the conversion).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from tests.analytics.pipelines.conftest import spark_for_tests  # noqa: F401  (shared fixture)


def at(day: str, time: str = "00:00") -> datetime.datetime:
    return datetime.datetime.fromisoformat(f"{day}T{time}:00+00:00")


@pytest.fixture
def small_business(db):
    from clientela.activities.services import activity_log
    from clientela.commerce.services import LineIn, order_record
    from clientela.parties.services import party_create
    from tests.factories import UserFactory

    ana = UserFactory(username="ana", first_name="Ana", last_name="Ionescu", role="account_manager")
    x = party_create(
        actor=None,
        given_name="X",
        family_name="Test",
        relationship_kind="customer",
        acquisition_channel="search_ad",
        at=at("2025-01-01"),
    )
    y = party_create(
        actor=None,
        given_name="Y",
        family_name="Test",
        relationship_kind="customer",
        acquisition_channel="walk_in",
        at=at("2025-01-01"),
    )
    z = party_create(
        actor=None,
        given_name="Z",
        family_name="Test",
        relationship_kind="client",
        acquisition_channel="referral",
        owner=ana,
        stage="relationship_management",
        at=at("2025-01-01"),
    )
    activity_log(
        actor=None,
        party=z,
        kind="call",
        direction="inbound",
        staff=ana,
        occurred_at=at("2025-02-01", "09:00"),
    )
    for month in range(1, 5):
        order_record(
            actor=None,
            payer=z,
            lines=[LineIn(description="fee", unit_price=Decimal("30"))],
            currency="EUR",
            placed_at=at(f"2025-0{month}-10", "08:00"),
        )
    for month in range(1, 5):
        for day in ("05", "12", "19"):
            activity_log(
                actor=None,
                party=x,
                kind="meeting_in_person",
                staff=ana,
                occurred_at=at(f"2025-0{month}-{day}", "10:00"),
            )
    order_record(
        actor=None,
        payer=x,
        lines=[
            LineIn(description="advice", unit_price=Decimal("80"), offering="personalised"),
            LineIn(description="book", unit_price=Decimal("20"), offering="standardised"),
        ],
        currency="EUR",
        placed_at=at("2025-01-15", "12:00"),
    )
    order_record(
        actor=None,
        payer=y,
        lines=[LineIn(description="coffee", unit_price=Decimal("50"))],
        currency="EUR",
        placed_at=at("2025-05-02", "18:00"),
    )
    return {"X": x.public_id, "Y": y.public_id, "Z": z.public_id, "ana": ana}


@pytest.fixture
def thirty_conversions(small_business):
    """30 customers who each bought once and asked for advice, then became clients of Ana;
    their client orders come after the conversion and must not count as customer history."""
    from clientela.activities.services import activity_log
    from clientela.commerce.services import LineIn, order_record
    from clientela.parties.selectors import relationship_current
    from clientela.parties.services import party_create, relationship_convert

    ana = small_business["ana"]
    for n in range(30):
        party = party_create(
            actor=None, given_name=f"C{n}", family_name="Conv", relationship_kind="customer",
            acquisition_channel="walk_in", at=at("2025-01-01"),
        )  # fmt: skip
        order_record(
            actor=None, payer=party, currency="EUR", placed_at=at("2025-01-20", "10:00"),
            lines=[LineIn(description="advice", unit_price=Decimal("60"), offering="personalised")],
        )  # fmt: skip
        activity_log(
            actor=None, party=party, kind="call", direction="inbound", staff=ana,
            occurred_at=at("2025-02-01", "11:00"),
        )  # fmt: skip
        relationship_convert(
            actor=None, relationship=relationship_current(party=party), owner=ana,
            reason="Asked for an adviser", at=at("2025-03-01"),
        )  # fmt: skip
        order_record(
            actor=None, payer=party, currency="EUR", placed_at=at("2025-04-01", "10:00"),
            lines=[LineIn(description="retainer", unit_price=Decimal("500"))],
        )  # fmt: skip
    return small_business
