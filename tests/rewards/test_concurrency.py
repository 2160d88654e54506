"""Stock and points under concurrent redemptions (PostgreSQL row locks)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from clientela.core.errors import ApplicationError, ErrorCode
from clientela.loyalty.selectors import loyalty_balance
from clientela.rewards.models import Reward, RewardRedemption
from clientela.rewards.services import reward_redeem
from tests.rewards.helpers import make_reward, member

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locking needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def _race(reward, parties) -> tuple[list, list, list]:
    barrier = threading.Barrier(len(parties))
    won, conflicts, other = [], [], []

    def attempt(party):
        try:
            barrier.wait()
            won.append(reward_redeem(actor=None, party=party, reward=reward))
        except ApplicationError as exc:
            (conflicts if exc.code == ErrorCode.CONFLICT else other).append(exc)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            other.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(p,)) for p in parties]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return won, conflicts, other


def test_eight_members_race_for_three_in_stock_and_exactly_three_win():
    reward = make_reward(stock=3)
    parties = [member(points=500, given_name=f"M{i}") for i in range(8)]

    won, conflicts, other = _race(reward, parties)

    assert (len(won), len(conflicts), other) == (3, 5, [])
    assert {exc.extra["fields"]["reward"][0] for exc in conflicts} == {"is out of stock"}
    assert Reward.objects.get(pk=reward.pk).stock == 0
    assert sum(loyalty_balance(party_id=p.pk) for p in parties) == 8 * 500 - 3 * 100


def test_one_member_redeeming_six_times_at_once_spends_only_what_it_has():
    reward = make_reward(points_cost=100)
    party = member(points=250)

    won, conflicts, other = _race(reward, [party] * 6)

    assert (len(won), len(conflicts), other) == (2, 4, [])
    assert loyalty_balance(party_id=party.pk) == 50
    assert RewardRedemption.objects.count() == 2
