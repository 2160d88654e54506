"""Shared builders for the loyalty tests."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from clientela.commerce.services import LineIn, catalog_item_create, order_record
from clientela.loyalty.configure import programme_update
from tests.factories import make_party

T0 = datetime(2025, 1, 15, 12, 0, tzinfo=UTC)


def programme(**changes):
    """Switch the programme on (base rate 1, no minimum, no expiry) with `changes`."""
    values = {
        "active": True,
        "base_rate": Decimal("1"),
        "min_spend": Decimal("0"),
        "expiry_months": 0,
        "currency": "EUR",
    }
    values.update(changes)
    return programme_update(actor=None, **values)


def customer(name: str = "Popescu"):
    return make_party(given_name="Ana", family_name=name, relationship_kind="customer")


def item(category: str):
    from clientela.commerce.models import CatalogItem

    found = CatalogItem.objects.filter(sku=f"sku-{category}").first()
    if found:
        return found
    return catalog_item_create(
        actor=None,
        sku=f"sku-{category}",
        name=category.title(),
        offering="standardised",
        unit_price=Decimal("1"),
        category=category,
    )


def buy(payer, *lines, at=T0, channel="store", currency="EUR", status="paid"):
    """Record an order; `lines` are (amount, category) pairs ("" = no catalogue item)."""
    built = [
        LineIn(
            description=category or "misc",
            unit_price=Decimal(str(amount)),
            item=item(category) if category else None,
        )
        for amount, category in lines
    ]
    order, _outcome = order_record(
        actor=None,
        payer=payer,
        lines=built,
        currency=currency,
        channel=channel,
        status=status,
        placed_at=at,
    )
    return order
