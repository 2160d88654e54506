"""Shared set-ups of the coupon tests."""

from __future__ import annotations

from decimal import Decimal

from clientela.commerce.services import LineIn, order_record
from clientela.coupons.services import coupon_batch_create


def make_batch(**kwargs):
    defaults = {
        "actor": None,
        "name": "Spring",
        "kind": "percent",
        "value": Decimal("10"),
        "code_count": 3,
        "prefix": "SPRING",
    }
    defaults.update(kwargs)
    return coupon_batch_create(**defaults)


def first_code(batch) -> str:
    return batch.coupons.order_by("id").first().code


def make_order(party, total: str = "40.00", currency: str = "EUR"):
    order, _ = order_record(
        actor=None,
        payer=party,
        currency=currency,
        lines=[LineIn(description="Coffee beans", unit_price=Decimal(total))],
    )
    return order
