import datetime as dt
import threading

import pytest
from django.db import connection, connections

from clientela.notifications.models import Notification
from clientela.notifications.sweeps import sweeps_run
from clientela.reviews.models import Review, ReviewSchedule
from tests.reviews.conftest import make_client

NOW = dt.datetime(2026, 5, 10, 8, 30, tzinfo=dt.UTC)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locking needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_each_due_review_exactly_once(users, desk_open):
    rels = [make_client(users["account_manager"], name=f"C{i}") for i in range(3)]
    ReviewSchedule.objects.filter(relationship__in=rels).update(next_due_on=dt.date(2026, 5, 1))
    barrier = threading.Barrier(2)
    results: list[int] = []

    def sweep():
        try:
            barrier.wait()
            results.append(sweeps_run(now=NOW)["reviews.due"])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results)[-1] + sorted(results)[0] == 6  # 3 client emails + 3 owner notices
    assert Review.objects.count() == 3
    assert Notification.objects.filter(kind="review_sent").count() == 6
    assert set(ReviewSchedule.objects.values_list("next_due_on", flat=True)) == {
        dt.date(2026, 8, 1)
    }
