"""Two orders of one customer recorded at the same moment by two writers: the relationship
row is locked for the moves, so the second writer sees the first's move and order."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from clientela.parties.models import Relationship
from tests.customerdesk.helpers import buy, customer, day, transitions


@pytest.fixture
def meeting_point():
    """Both writers wait for each other inside their transactions, right before our rules
    run (the other apps' order hooks, which take locks of their own, are set aside), so
    the two really overlap: only our lock keeps their moves apart."""
    from clientela.commerce import hooks

    barrier = threading.Barrier(2, timeout=20)
    saved = dict(hooks._RECORDED)
    hooks._RECORDED.clear()
    hooks._RECORDED["test.meet"] = lambda *, orders, actor, bulk: barrier.wait()
    hooks._RECORDED["customerdesk.stages"] = saved["customerdesk.stages"]
    yield
    hooks._RECORDED.clear()
    hooks._RECORDED.update(saved)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locking needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_first_orders_make_one_purchase_and_one_repeat(meeting_point):
    from clientela.core.selectors import business_get

    business_get()  # the row exists (else its creation would serialise the writers)
    party = customer(stage="consideration")
    errors = []

    def record(n: int):
        try:
            buy(party, day(n), key=f"race-{n}")
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=record, args=(n,)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Relationship.objects.get(party=party).stage == "retention"
    assert [t[:2] for t in transitions(party)] == [
        ("consideration", "purchase"), ("purchase", "retention"),
    ]  # fmt: skip
