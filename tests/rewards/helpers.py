"""Shared set-ups of the reward tests."""

from __future__ import annotations

from decimal import Decimal

from clientela.loyalty.services import loyalty_enrol, points_credit
from clientela.rewards.services import reward_create
from tests.factories import make_party


def member(points: int = 0, **kwargs):
    """A loyalty member holding `points`."""
    party = make_party(**kwargs)
    loyalty_enrol(actor=None, party=party)
    if points:
        points_credit(actor=None, party=party, points=points, reason="test", key=f"t:{party.pk}")
    return party


def make_reward(**kwargs):
    defaults = {"name": "Free coffee", "kind": "free_item", "points_cost": 100}
    defaults.update(kwargs)
    return reward_create(actor=None, **defaults)


def discount_reward(**kwargs):
    defaults = {
        "name": "10% off", "kind": "discount", "points_cost": 250, "coupon_kind": "percent",
        "coupon_value": Decimal("10"), "coupon_valid_days": 14,
    }  # fmt: skip
    defaults.update(kwargs)
    return reward_create(actor=None, **defaults)
