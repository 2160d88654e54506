"""The catalogue and redemptions: points, stock, coupons, cancellation."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from clientela.core.errors import ApplicationError, ErrorCode
from clientela.core.models import AuditEvent
from clientela.coupons.models import CouponBatch
from clientela.loyalty.models import PointsEntry
from clientela.loyalty.selectors import loyalty_balance
from clientela.rewards.models import Reward, RewardRedemption
from clientela.rewards.selectors import rewards_overview
from clientela.rewards.services import (
    reward_create,
    reward_redeem,
    reward_redemption_cancel,
    reward_redemption_fulfil,
    reward_update,
)
from tests.factories import make_party
from tests.rewards.helpers import discount_reward, make_reward, member

pytestmark = pytest.mark.django_db


def _error(call, **kwargs) -> tuple[ErrorCode, dict]:
    with pytest.raises(ApplicationError) as info:
        call(**kwargs)
    return info.value.code, info.value.extra.get("fields")


def test_redeeming_spends_the_points_takes_the_stock_and_records_it(users):
    party = member(points=300)
    reward = make_reward(stock=2)

    redemption = reward_redeem(actor=users["support_agent"], party=party, reward=reward)

    entry = PointsEntry.objects.get(kind="redeem")
    assert (redemption.status, redemption.points, redemption.public_id.startswith("rdm_")) == (
        "issued", 100, True,
    )  # fmt: skip
    assert (entry.points, entry.key, entry.reference) == (
        -100, f"redeem:reward:{redemption.public_id}", f"reward:{redemption.public_id}",
    )  # fmt: skip
    assert redemption.points_entry_id == entry.pk
    assert loyalty_balance(party_id=party.pk) == 200
    assert Reward.objects.get(pk=reward.pk).stock == 1
    assert AuditEvent.objects.filter(action="reward.redeemed").count() == 1


def test_a_discount_reward_issues_a_personal_coupon():
    party = member(points=300)
    redemption = reward_redeem(actor=None, party=party, reward=discount_reward())

    batch = CouponBatch.objects.get(party=party)
    today = timezone.localdate()
    assert redemption.coupon.batch_id == batch.pk
    assert (batch.kind, batch.value, batch.valid_to, batch.max_redemptions, batch.name) == (
        "percent", Decimal("10.00"), today + timedelta(days=13), 1, "Reward: 10% off",
    )  # fmt: skip


def test_refusals_say_why_and_write_nothing():
    today = timezone.localdate()
    rich, poor, stranger = member(points=1000), member(points=50), make_party()
    inactive = make_reward(is_active=False)
    later = make_reward(valid_from=today + timedelta(days=1))
    over = make_reward(valid_from=today - timedelta(days=9), valid_to=today - timedelta(days=1))
    gone = make_reward(stock=0)
    coffee = make_reward()

    assert _error(reward_redeem, actor=None, party=rich, reward=inactive) == (
        ErrorCode.VALIDATION, {"reward": ["is not active"]})  # fmt: skip
    assert _error(reward_redeem, actor=None, party=rich, reward=later) == (
        ErrorCode.VALIDATION,
        {"reward": [f"is available from {today + timedelta(days=1)}"]},
    )
    assert _error(reward_redeem, actor=None, party=rich, reward=over) == (
        ErrorCode.VALIDATION,
        {"reward": [f"was available until {today - timedelta(days=1)}"]},
    )
    assert _error(reward_redeem, actor=None, party=rich, reward=gone) == (
        ErrorCode.CONFLICT, {"reward": ["is out of stock"]})  # fmt: skip
    assert _error(reward_redeem, actor=None, party=stranger, reward=coffee) == (
        ErrorCode.VALIDATION, {"party": ["is not a loyalty member"]})  # fmt: skip
    code, fields = _error(reward_redeem, actor=None, party=poor, reward=coffee)
    assert (code, list(fields)) == (ErrorCode.CONFLICT, ["points"])
    assert RewardRedemption.objects.count() == 0
    assert PointsEntry.objects.filter(kind="redeem").count() == 0
    assert loyalty_balance(party_id=poor.pk) == 50


def test_a_short_balance_rolls_back_the_coupon_and_the_stock():
    party = member(points=100)
    reward = discount_reward(points_cost=250, stock=3)
    assert _error(reward_redeem, actor=None, party=party, reward=reward)[0] == ErrorCode.CONFLICT
    assert (Reward.objects.get(pk=reward.pk).stock, CouponBatch.objects.count()) == (3, 0)


def test_cancelling_gives_back_the_points_the_stock_and_closes_the_coupon(users):
    party = member(points=300)
    reward = discount_reward(stock=5)
    redemption = reward_redeem(actor=None, party=party, reward=reward)

    cancelled = reward_redemption_cancel(
        actor=users["manager"], redemption=redemption, note="Changed mind"
    )
    again = reward_redemption_cancel(actor=users["manager"], redemption=redemption)

    assert (cancelled.status, again.status) == ("cancelled", "cancelled")
    assert loyalty_balance(party_id=party.pk) == 300
    assert Reward.objects.get(pk=reward.pk).stock == 5
    assert CouponBatch.objects.get(party=party).is_active is False
    assert PointsEntry.objects.filter(kind="reverse").count() == 1
    assert _error(reward_redemption_fulfil, actor=None, redemption=cancelled) == (
        ErrorCode.CONFLICT, {"status": ["is cancelled"]})  # fmt: skip


def test_a_used_coupon_cannot_be_cancelled_and_fulfilling_is_final():
    from clientela.coupons.services import coupon_redeem

    party = member(points=600)
    used = reward_redeem(actor=None, party=party, reward=discount_reward())
    coupon_redeem(actor=None, code=used.coupon.code, party=party, order_amount="20")
    handed = reward_redeem(actor=None, party=party, reward=make_reward())

    assert _error(reward_redemption_cancel, actor=None, redemption=used) == (
        ErrorCode.CONFLICT, {"coupon": ["already used"]})  # fmt: skip
    fulfilled = reward_redemption_fulfil(actor=None, redemption=handed)
    assert (fulfilled.status, fulfilled.fulfilled_at is not None) == ("fulfilled", True)
    assert _error(reward_redemption_cancel, actor=None, redemption=handed) == (
        ErrorCode.CONFLICT, {"status": ["is fulfilled"]})  # fmt: skip


def test_rights_configure_and_redeem(users):
    party = member(points=500)
    for role in ("viewer", "support_agent", "account_manager"):
        assert _error(reward_create, actor=users[role], name="X", kind="gift",
                      points_cost=5)[0] == ErrorCode.PERMISSION_DENIED  # fmt: skip
    reward = reward_create(actor=users["marketer"], name="Tote bag", kind="gift", points_cost=5)
    for role in ("viewer", "marketer"):
        assert _error(reward_redeem, actor=users[role], party=party,
                      reward=reward)[0] == ErrorCode.PERMISSION_DENIED  # fmt: skip
    assert reward_redeem(actor=users["account_manager"], party=party, reward=reward)


@pytest.mark.parametrize(
    ("fields", "field", "problem"),
    [
        ({"points_cost": 0}, "points_cost", "must be at least 1 point"),
        ({"stock": -1}, "stock", "must not be negative"),
        ({"kind": "voucher"}, "kind", "must be one of discount, free_item, gift, experience"),
        ({"kind": "discount"}, "coupon_kind", "a discount reward needs percent or fixed"),
        ({"kind": "discount", "coupon_kind": "percent", "coupon_value": Decimal("120")},
         "coupon_value", "a percentage must be at most 100"),
        ({"name": ""}, "name", "is required"),
    ],
)  # fmt: skip
def test_bad_catalogue_entries_name_the_field(fields, field, problem):
    assert _error(make_reward, **fields) == (ErrorCode.VALIDATION, {field: [problem]})
    assert Reward.objects.count() == 0


def test_updating_keeps_what_is_not_given_and_drops_coupon_terms_off_discounts():
    reward = discount_reward()
    changed = reward_update(actor=None, reward=reward, kind="gift", stock=4)
    assert (changed.kind, changed.coupon_kind, changed.coupon_value, changed.stock,
            changed.points_cost) == ("gift", "", None, 4, 250)  # fmt: skip


def test_the_overview_counts_redeemable_rewards_and_recent_redemptions():
    party = member(points=1000)
    make_reward(is_active=False)
    make_reward(stock=0)
    coffee = make_reward()
    cancelled = reward_redeem(actor=None, party=party, reward=coffee)
    reward_redemption_cancel(actor=None, redemption=cancelled)
    reward_redeem(actor=None, party=party, reward=coffee)

    assert rewards_overview(now=timezone.now()) == {"rewards_active": 1, "redemptions_30d": 1}
