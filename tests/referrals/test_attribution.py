"""Attribution: the referred customer's first qualifying purchase qualifies the referral and
rewards both sides through the loyalty ledger; the yearly cap; expiry."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from clientela.commerce.services import LineIn, order_record
from clientela.referrals.models import Referral
from clientela.referrals.services import (
    programme_update,
    referral_claim,
    referral_code_ensure,
    referrals_expire,
)
from tests.factories import make_party

pytestmark = pytest.mark.django_db
AT = datetime(2026, 3, 1, 12, tzinfo=UTC)


@pytest.fixture
def programme(db):
    from clientela.loyalty.configure import programme_update as loyalty_programme_update

    # the rewards are loyalty points: the programme is on, earning nothing from orders itself
    loyalty_programme_update(actor=None, active=True, base_rate=Decimal("0"))
    return programme_update(
        actor=None,
        referrer_points=200,
        referred_points=100,
        min_purchase=Decimal("20.00"),
        window_days=30,
        yearly_cap=None,
    )


def _buy(party, amount: str, at: datetime, status: str = "paid"):
    order, _outcome = order_record(
        actor=None,
        payer=party,
        lines=[LineIn(description="basket", unit_price=Decimal(amount))],
        currency="EUR",
        placed_at=at,
        status=status,
    )
    return order


def _refer(referrer, name: str, at: datetime = AT):
    friend = make_party(given_name=name, family_name="Friend")
    code = referral_code_ensure(actor=None, party=referrer)[0].code
    referral_claim(actor=None, code=code, referred_party=friend, at=at)
    return friend


def _balance(party) -> int:
    from clientela.loyalty.selectors import loyalty_balance

    return loyalty_balance(party_id=party.pk)


def test_the_first_purchase_at_the_minimum_qualifies_and_rewards_both_sides(programme):
    ana = make_party(given_name="Ana")
    bob = _refer(ana, "Bob")
    _buy(bob, "19.99", AT + timedelta(days=1))  # below the minimum: still pending
    assert Referral.objects.get().status == "pending"

    order = _buy(bob, "20.00", AT + timedelta(days=2))
    _buy(bob, "50.00", AT + timedelta(days=3))  # later orders change nothing

    referral = Referral.objects.get()
    assert (referral.status, referral.order_id, referral.rewarded) == ("qualified", order.pk, True)
    assert referral.qualified_at == AT + timedelta(days=2)
    assert (_balance(ana), _balance(bob)) == (200, 100)


def test_the_reward_is_keyed_per_referral_and_side(programme):
    from clientela.loyalty.models import PointsEntry

    ana = make_party(given_name="Ana")
    bob = _refer(ana, "Bob")
    _buy(bob, "25.00", AT + timedelta(days=1))

    referral = Referral.objects.get()
    keys = sorted(PointsEntry.objects.values_list("key", flat=True))
    assert keys == [
        f"credit:referral:{referral.public_id}:referred",
        f"credit:referral:{referral.public_id}:referrer",
    ]


def test_an_order_after_the_window_does_not_qualify_and_the_sweep_expires(programme):
    ana = make_party(given_name="Ana")
    bob = _refer(ana, "Bob")
    _buy(bob, "80.00", AT + timedelta(days=31))

    assert Referral.objects.get().status == "pending"
    assert referrals_expire(now=AT + timedelta(days=29)) == 0
    assert referrals_expire(now=AT + timedelta(days=31)) == 1
    assert referrals_expire(now=AT + timedelta(days=32)) == 0
    assert Referral.objects.get().status == "expired"
    assert (_balance(ana), _balance(bob)) == (0, 0)


def test_a_batch_qualifies_in_one_go_with_few_queries(programme, django_assert_max_num_queries):
    from clientela.commerce.models import Order
    from clientela.referrals.services import referrals_attribute

    ana = make_party(given_name="Ana")
    friends = [_refer(ana, f"F{n}") for n in range(5)]
    strangers = [make_party(given_name=f"S{n}") for n in range(5)]
    for party in friends + strangers:
        _buy(party, "5.00", AT + timedelta(days=1))  # below the minimum
    orders = [
        Order(payer=p, total=Decimal("30.00"), currency="EUR", placed_at=AT + timedelta(days=2))
        for p in friends + strangers
    ]
    for order in orders:
        order.save()
    programme_update(actor=None, referrer_points=0, referred_points=0)

    with django_assert_max_num_queries(5 + 2 * len(friends)):
        done = referrals_attribute(orders=orders, actor=None)

    assert len(done) == 5
    assert set(Referral.objects.values_list("status", flat=True)) == {"qualified"}


def test_the_yearly_cap_qualifies_without_rewarding_and_says_so(programme):
    programme_update(actor=None, yearly_cap=2)
    ana = make_party(given_name="Ana")
    friends = [_refer(ana, f"F{n}") for n in range(3)]
    for n, friend in enumerate(friends):
        _buy(friend, "30.00", AT + timedelta(days=1 + n))

    rows = list(Referral.objects.order_by("qualified_at").values_list("rewarded", "reward_note"))
    assert rows == [(True, ""), (True, ""), (False, "yearly cap reached")]
    assert _balance(ana) == 400
    assert [_balance(f) for f in friends] == [100, 100, 0]


def test_the_cap_counts_per_calendar_year(programme):
    programme_update(actor=None, yearly_cap=1, window_days=365)
    ana = make_party(given_name="Ana")
    late = datetime(2026, 12, 20, tzinfo=UTC)
    first, second = _refer(ana, "F1", at=late), _refer(ana, "F2", at=late)
    _buy(first, "30.00", late + timedelta(days=1))
    _buy(second, "30.00", late + timedelta(days=14))  # in 2027: a new year's cap

    assert list(Referral.objects.order_by("qualified_at").values_list("rewarded", flat=True)) == [
        True,
        True,
    ]
    assert _balance(ana) == 400


def test_a_refunded_or_foreign_currency_order_does_not_qualify(programme):
    ana = make_party(given_name="Ana")
    bob = _refer(ana, "Bob")
    _buy(bob, "40.00", AT + timedelta(days=1), status="refunded")
    order_record(
        actor=None,
        payer=bob,
        lines=[LineIn(description="basket", unit_price=Decimal("40"))],
        currency="USD",
        placed_at=AT + timedelta(days=2),
    )
    assert Referral.objects.get().status == "pending"


def test_with_the_loyalty_programme_off_a_referral_qualifies_without_points(programme):
    from clientela.loyalty.configure import programme_update as loyalty_programme_update

    loyalty_programme_update(actor=None, active=False)
    ana = make_party(given_name="Ana")
    bob = _refer(ana, "Bob")

    _buy(bob, "20.00", AT + timedelta(days=2))

    referral = Referral.objects.get()
    assert (referral.status, referral.rewarded, referral.reward_note) == (
        "qualified", False, "loyalty programme switched off",
    )  # fmt: skip
    assert (_balance(ana), _balance(bob)) == (0, 0)
