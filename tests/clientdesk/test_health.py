"""Client health, exact on hand-built data: each component, the shared weights, the bands
and the reasons."""

from __future__ import annotations

import pytest

from clientela.clientdesk.selectors import client_health
from tests.clientdesk.builders import (
    TODAY,
    cadence,
    client,
    days_ago,
    late_task,
    renewal,
    review,
    talk,
)

ISSUES_NONE = "0 open issues: 0 late onboarding tasks, 0 negative reviews without a follow-up"


@pytest.fixture
def am(users):
    return users["account_manager"]


def _health(rel):
    return client_health(relationship_ids=[rel.pk], today=TODAY)[rel.pk]


def test_without_data_only_open_issues_count(am):
    rel = client(am)
    health = _health(rel)
    assert (health.score, health.band, health.components) == (100, "good", {"issues": 1.0})
    assert health.reasons == [ISSUES_NONE]


def test_punctuality_with_engagement_shares_the_weights(am):
    rel = client(am)
    # Four complete 30-day periods end today; calls in the first and the third.
    cadence(rel, every_days=30, started_on=days_ago(120))
    talk(rel, days_ago(110), staff=am)
    talk(rel, days_ago(50), staff=am)
    health = _health(rel)
    assert health.components == {"punctuality": 0.5, "issues": 1.0, "engagement": 1.0}
    # (0.30 * 0.5 + 0.20 * 1 + 0.15 * 1) / 0.65 = 0.769
    assert (health.score, health.band) == (77, "good")
    assert health.reasons == [
        "Check-ins kept in 50% of periods over the last year",
        ISSUES_NONE,
        "1 interactions in the last 90 days, 1 in the 90 before",
    ]


def test_falling_reviews_and_an_unanswered_negative_one(am):
    rel = client(am)
    review(rel, days_ago(100), overall=5)  # 8.0
    review(rel, days_ago(10), overall=0)  # 6.0: negative
    health = _health(rel)
    # reviews: 0.7 * 0.6 + 0.3 * (0.5 - 0.2) = 0.51; issues: 1 of 4 -> 0.75
    assert health.components == {"reviews": 0.51, "issues": 0.75}
    assert (health.score, health.band) == (62, "watch")  # (0.25*0.51 + 0.2*0.75) / 0.45
    assert health.reasons == [
        "Review score fell from 8 to 6 of 10",
        "1 open issues: 0 late onboarding tasks, 1 negative reviews without a follow-up",
    ]
    # A call after the answer is the follow-up: the issue closes, engagement appears.
    talk(rel, days_ago(5), staff=am)
    health = _health(rel)
    assert health.components == {"reviews": 0.51, "issues": 1.0, "engagement": 1.0}
    assert health.score == 80  # (0.1275 + 0.2 + 0.15) / 0.6


def test_late_task_and_a_renewal_without_a_recent_conversation(am):
    rel = client(am)
    late_task(rel, started=days_ago(20), offset_days=5)  # due 15 days ago
    renewal(rel, renewal_on=days_ago(-20))
    health = _health(rel)
    assert health.components == {"issues": 0.75, "renewal": 0.0}
    assert (health.score, health.band) == (50, "watch")  # (0.2*0.75 + 0.1*0) / 0.3
    assert health.reasons == [
        "Renewal on 2025-07-20 and no conversation in the last 30 days",
        "1 open issues: 1 late onboarding tasks, 0 negative reviews without a follow-up",
    ]
    talk(rel, days_ago(3), staff=am)
    health = _health(rel)
    assert health.components == {"issues": 0.75, "engagement": 1.0, "renewal": 1.0}
    assert health.score == 89  # (0.15 + 0.15 + 0.1) / 0.45
    assert health.reasons[-1] == "Renewal on 2025-07-20, with a recent conversation"


def test_falling_engagement_and_at_risk(am):
    rel = client(am)
    for n in (100, 110, 120, 130):
        talk(rel, days_ago(n), inbound=True)
    talk(rel, days_ago(10), inbound=True)
    health = _health(rel)
    assert health.components == {"issues": 1.0, "engagement": 0.25}
    assert health.score == 68  # (0.2 + 0.15*0.25) / 0.35
    risky = client(am, "Risky")
    cadence(risky, every_days=10, started_on=days_ago(30))
    review(risky, days_ago(2), overall=0, items=1)  # 0.0
    health = _health(risky)
    assert health.components == {"punctuality": 0.0, "reviews": 0.0, "issues": 0.75}
    assert (health.score, health.band) == (20, "at_risk")  # 0.15 / 0.75


def test_many_clients_in_one_go_with_a_fixed_number_of_queries(am, django_assert_max_num_queries):
    rels = [client(am, f"C{i}") for i in range(6)]
    for rel in rels:
        cadence(rel, every_days=30, started_on=days_ago(90))
        talk(rel, days_ago(40), staff=am)
    with django_assert_max_num_queries(12):
        result = client_health(relationship_ids=[r.pk for r in rels], today=TODAY)
    assert [result[r.pk].score for r in rels] == [result[rels[0].pk].score] * 6
