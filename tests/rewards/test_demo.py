from collections import Counter
from datetime import UTC, datetime

import pytest

from clientela.demo import demo_load
from clientela.loyalty.models import PointsEntry
from clientela.loyalty.services import loyalty_enrol, points_credit
from clientela.parties.models import Party
from clientela.rewards.demo import demo_load as rewards_demo_load
from clientela.rewards.models import Reward, RewardRedemption

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 10, 31, tzinfo=UTC)  # the end of the demo history


def _members(points: list[int]) -> None:
    """Stand-ins for the loyalty demo: the first customers by id, holding `points`."""
    parties = Party.objects.filter(relationships__kind="customer").order_by("id")[: len(points)]
    for party, amount in zip(parties, points, strict=True):
        loyalty_enrol(actor=None, party=party)
        points_credit(actor=None, party=party, points=amount, reason="demo", key=f"d:{party.pk}")


def test_the_cafe_catalogue_and_redemptions_by_members_with_enough_points():
    demo_load(business="cafe", size="small", seed=42, desk=False)
    _members([100, 160, 300, 420, 950, 2600, 3000, 80])

    created = rewards_demo_load(business="cafe", seed=42, now=NOW)

    assert created == 11
    assert list(Reward.objects.values_list("name", "kind", "points_cost")) == [
        ("Free filter coffee", "free_item", 150),
        ("Pastry of your choice", "free_item", 250),
        ("10% off your next order", "discount", 400),
        ("Café tote bag", "gift", 900),
        ("Latte art class", "experience", 2500),
    ]
    redemptions = list(RewardRedemption.objects.select_related("reward"))
    assert len(redemptions) == 6 == PointsEntry.objects.filter(kind="redeem").count()
    assert Counter(r.status for r in redemptions) == {"issued": 4, "fulfilled": 2}
    assert all(r.coupon_id is not None for r in redemptions if r.reward.kind == "discount")
    assert rewards_demo_load(business="cafe", seed=42, now=NOW) == 0


def test_without_members_the_bank_gets_only_its_catalogue():
    demo_load(business="bank", size="small", seed=42, desk=False)
    assert rewards_demo_load(business="bank", seed=42, now=NOW) == 5
    assert RewardRedemption.objects.count() == 0
    assert rewards_demo_load(business="agency", seed=42, now=NOW) == 0
