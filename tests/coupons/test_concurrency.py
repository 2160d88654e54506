"""Coupon limits under concurrent redemptions (PostgreSQL row locks)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from clientela.core.errors import ApplicationError, ErrorCode
from clientela.coupons.models import Coupon, CouponRedemption
from clientela.coupons.services import coupon_redeem
from tests.coupons.helpers import first_code, make_batch
from tests.factories import make_party

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locking needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def _race(attempts: list[dict]) -> tuple[list, list, list]:
    barrier = threading.Barrier(len(attempts))
    won, refused, other = [], [], []

    def attempt(kwargs):
        try:
            barrier.wait()
            won.append(coupon_redeem(actor=None, order_amount="20", **kwargs))
        except ApplicationError as exc:
            (refused if exc.code == ErrorCode.VALIDATION else other).append(exc)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            other.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(a,)) for a in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return won, refused, other


def test_eight_customers_race_for_a_single_use_code_and_exactly_one_wins():
    code = first_code(make_batch(code_count=1, per_customer_limit=None))
    parties = [make_party(given_name=f"P{i}") for i in range(8)]

    won, refused, other = _race([{"code": code, "party": p} for p in parties])

    assert (len(won), len(refused), other) == (1, 7, [])
    assert {exc.extra["reason"] for exc in refused} == {"used_up"}
    assert Coupon.objects.get(code=code).times_redeemed == 1
    assert CouponRedemption.objects.count() == 1


def test_six_redemptions_by_one_customer_with_a_limit_of_two_give_exactly_two():
    code = first_code(make_batch(code_count=1, max_redemptions=None, per_customer_limit=2))
    party = make_party()

    won, refused, other = _race([{"code": code, "party": party} for _ in range(6)])

    assert (len(won), len(refused), other) == (2, 4, [])
    assert {exc.extra["reason"] for exc in refused} == {"customer_limit"}
    assert CouponRedemption.objects.filter(party=party).count() == 2


def test_the_same_key_sent_six_times_at_once_redeems_once():
    code = first_code(make_batch(code_count=1, max_redemptions=None, per_customer_limit=None))
    party = make_party()

    won, refused, other = _race([{"code": code, "party": party, "key": "k-1"} for _ in range(6)])

    assert (len(won), refused, other) == (6, [], [])
    assert len({r.pk for r in won}) == 1
    assert Coupon.objects.get(code=code).times_redeemed == 1
