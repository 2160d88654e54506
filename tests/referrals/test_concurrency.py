"""Concurrent claims cannot build a loop nor refer one party twice (PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections

from clientela.core.errors import ApplicationError
from clientela.referrals.models import Referral
from clientela.referrals.services import referral_claim, referral_code_ensure
from tests.factories import make_party


def _race(claims: list[tuple]) -> tuple[list, list, list]:
    barrier = threading.Barrier(len(claims))
    won, reasons, other = [], [], []

    def attempt(code, party):
        try:
            barrier.wait()
            won.append(referral_claim(actor=None, code=code, referred_party=party))
        except ApplicationError as exc:
            reasons.append(exc.extra.get("reason"))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            other.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=claim) for claim in claims]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return won, reasons, other


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locking needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_loop_claimed_from_both_ends_at_once_is_refused_once():
    a, b = make_party(given_name="A"), make_party(given_name="B")
    code_a = referral_code_ensure(actor=None, party=a)[0].code
    code_b = referral_code_ensure(actor=None, party=b)[0].code

    won, reasons, other = _race([(code_a, b), (code_b, a)])

    assert (len(won), reasons, other) == (1, ["loop"], [])
    assert Referral.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locking needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_one_party_claimed_by_six_referrers_at_once_is_referred_once():
    friend = make_party(given_name="Friend")
    codes = [
        referral_code_ensure(actor=None, party=make_party(given_name=f"R{n}"))[0].code
        for n in range(6)
    ]

    won, reasons, other = _race([(code, friend) for code in codes])

    assert (len(won), reasons, other) == (1, ["already_referred"] * 5, [])
    assert Referral.objects.count() == 1
