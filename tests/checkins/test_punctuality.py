from datetime import date

import pytest

from clientela.checkins.selectors import checkin_overdue_count_by_owner, checkin_punctuality
from tests.checkins.helpers import client_with_cadence, touch
from tests.factories import make_party

pytestmark = pytest.mark.django_db


def test_punctuality_is_the_share_of_complete_periods_with_an_interaction(users):
    am = users["account_manager"]
    # Periods of 30 days from 2026-01-01: [01-01, 01-31), [01-31, 03-02), [03-02, 04-01),
    # [04-01, 05-01); on 2026-05-10 four are complete, the fifth is running.
    rel = client_with_cadence(owner=am, every_days=30, started_on=date(2026, 1, 1))
    touch(rel, kind="call", day=date(2026, 1, 30), actor=am)  # period 1 (its last day)
    touch(rel, kind="email", day=date(2026, 3, 2), actor=am)  # period 3 (its first day)
    touch(rel, kind="call", day=date(2026, 3, 20), actor=am)  # period 3 again
    touch(rel, kind="website_visit", day=date(2026, 4, 5), staff=am)  # not staff contact
    touch(rel, kind="call", day=date(2026, 5, 5), actor=am)  # the running period

    assert checkin_punctuality(relationship_ids=[rel.pk], today=date(2026, 5, 10)) == {rel.pk: 0.5}
    assert checkin_punctuality(relationship_ids=[rel.pk], today=date(2026, 5, 31)) == {rel.pk: 0.6}


def test_punctuality_looks_back_365_days_only(users):
    am = users["account_manager"]
    rel = client_with_cadence(owner=am, every_days=100, started_on=date(2025, 1, 1))
    # Periods start 2025-01-01, 04-11, 07-20, 10-28, 2026-02-05. On 2026-05-20 the window
    # starts 2025-05-20: counted are [07-20, 10-28), [10-28, 2026-02-05), [02-05, 05-16).
    touch(rel, kind="call", day=date(2025, 2, 1), actor=am)
    touch(rel, kind="call", day=date(2025, 11, 1), actor=am)

    assert checkin_punctuality(relationship_ids=[rel.pk], today=date(2026, 5, 20)) == {
        rel.pk: pytest.approx(1 / 3)
    }


def test_punctuality_is_none_without_a_cadence_or_a_complete_period(users):
    am = users["account_manager"]
    fresh = client_with_cadence(owner=am, every_days=30, started_on=date(2026, 5, 1))
    customer = make_party(relationship_kind="customer", stage="consideration").relationships.get()

    assert checkin_punctuality(
        relationship_ids=[fresh.pk, customer.pk], today=date(2026, 5, 30)
    ) == {
        fresh.pk: None,
        customer.pk: None,
    }
    assert checkin_punctuality(relationship_ids=[fresh.pk], today=date(2026, 5, 31)) == {
        fresh.pk: 0.0
    }


def test_overdue_counts_per_account_manager(users):
    am, manager = users["account_manager"], users["manager"]
    start = date(2026, 1, 1)
    client_with_cadence(owner=am, name="A", every_days=10, started_on=start)
    client_with_cadence(owner=am, name="B", every_days=20, started_on=start)
    client_with_cadence(owner=am, name="C", every_days=31, started_on=start)  # due today
    client_with_cadence(owner=manager, name="D", every_days=5, started_on=start)
    client_with_cadence(owner=None, name="E", every_days=5, started_on=start)

    assert checkin_overdue_count_by_owner(today=date(2026, 2, 1)) == {am.pk: 2, manager.pk: 1}
