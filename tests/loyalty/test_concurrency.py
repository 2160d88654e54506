import threading

import pytest
from django.db import connection, connections

from clientela.core.errors import ApplicationError, ErrorCode
from clientela.loyalty.models import EntryKind, LoyaltyAccount, PointsEntry
from clientela.loyalty.services import points_credit, points_redeem


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locking needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_eight_concurrent_redemptions_never_overspend_one_balance():
    from tests.factories import UserFactory, make_party

    clerk = UserFactory(role="support_agent")
    party = make_party(given_name="Ana", family_name="Race", relationship_kind="customer")
    points_credit(actor=None, party=party, points=60, reason="seed", key="a")
    points_credit(actor=None, party=party, points=40, reason="seed", key="b")
    barrier = threading.Barrier(8)
    won, lost, other = [], [], []

    def attempt(i):
        try:
            barrier.wait()
            won.append(points_redeem(actor=clerk, party=party, points=30, reference=f"r{i}"))
        except ApplicationError as exc:
            (lost if exc.code == ErrorCode.CONFLICT else other).append(exc)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            other.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert (len(won), len(lost), other) == (3, 5, [])
    assert LoyaltyAccount.objects.get(party=party).balance == 10
    assert sorted(
        PointsEntry.objects.filter(kind=EntryKind.REDEEM).values_list("balance_after", flat=True)
    ) == [10, 40, 70]
    assert (
        sum(PointsEntry.objects.filter(kind=EntryKind.EARN).values_list("remaining", flat=True))
        == 10
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locking needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_credits_with_one_key_credit_once():
    from tests.factories import make_party

    party = make_party(given_name="Ana", family_name="Twice", relationship_kind="customer")
    barrier = threading.Barrier(4)
    results, errors = [], []

    def attempt():
        try:
            barrier.wait()
            results.append(
                points_credit(actor=None, party=party, points=25, reason="ref", key="same").pk
            )
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert (len(set(results)), len(results), errors) == (1, 4, [])
    assert LoyaltyAccount.objects.get(party=party).balance == 25
