"""The morning list and the workload, exact on hand-built data."""

from __future__ import annotations

from decimal import Decimal

from clientela.clientdesk.selectors import morning_list, workload
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
from tests.factories import UserFactory


def _build(users):
    am = users["account_manager"]
    bea = UserFactory(username="bea", first_name="Bea", last_name="Zed", role="account_manager")
    overdue = client(am, "Overdue")
    cadence(overdue, every_days=10, started_on=days_ago(30))  # due 20 days ago, never kept
    late = client(am, "Late")
    late_task(late, started=days_ago(20), offset_days=5)
    unhappy = client(am, "Unhappy")
    review(unhappy, days_ago(3), overall=0, items=1, comment="Slow answers")  # 0.0
    renewing = client(am, "Renewing")
    renewal(renewing, renewal_on=days_ago(-40), value="500")
    quiet = client(am, "Quiet")
    for n in (100, 110, 120):
        talk(quiet, days_ago(n), inbound=True)
    fine = client(am, "Fine")
    talk(fine, days_ago(5), staff=am)
    theirs = client(bea, "Theirs")
    cadence(theirs, every_days=7, started_on=days_ago(20))
    return am, bea, locals()


def test_the_morning_list_of_one_account_manager(users):
    am, bea, c = _build(users)
    desk = morning_list(owner_id=am.pk, today=TODAY)
    assert desk.counts == {
        "checkins": 1,
        "renewals": 1,
        "falling": 1,
        "negative": 1,
        "late_tasks": 1,
        "at_risk": 1,
    }
    assert [(d.party_name, d.days_overdue) for d in desk.checkins] == [("Overdue Client", 20)]
    assert [(r.party_name, r.renewal_on.isoformat(), r.value) for r in desk.renewals] == [
        ("Renewing Client", "2025-08-09", Decimal("500.00"))
    ]
    assert [(f.party_name, f.recent, f.previous) for f in desk.falling] == [("Quiet Client", 0, 3)]
    assert [(n.party_name, n.score, n.comment) for n in desk.negative] == [
        ("Unhappy Client", 0.0, "Slow answers")
    ]
    assert [(t.party_name, t.title, t.days_late) for t in desk.late_tasks] == [
        ("Late Client", "Kick-off call", 15)
    ]
    # Unhappy: reviews 0.0 (0.25), issues 0.75 (0.20) -> 0.15 / 0.45 = 33.
    assert [(r.party_name, desk.health[r.relationship_id].score) for r in desk.at_risk] == [
        ("Unhappy Client", 33)
    ]
    # Overdue: punctuality 0 (0.30), issues 1 (0.20) -> 40, watch: not at risk.
    assert desk.health[c["overdue"].pk].score == 40
    assert desk.health[c["overdue"].pk].band == "watch"
    everyone = morning_list(owner_id=None, today=TODAY)
    assert [d.party_name for d in everyone.checkins] == ["Overdue Client", "Theirs Client"]
    assert morning_list(owner_id=bea.pk, today=TODAY).counts == {
        "checkins": 1,
        "renewals": 0,
        "falling": 0,
        "negative": 0,
        "late_tasks": 0,
        "at_risk": 0,
    }


def test_the_workload(users):
    am, bea, c = _build(users)
    lines = workload(today=TODAY)
    assert {
        line.username: (
            line.clients,
            line.contract_value,
            line.overdue_checkins,
            line.late_tasks,
            line.renewals,
            line.average_health,
        )
        for line in lines
    } == {
        # bea's one client: two 7-day periods never kept (0 * 0.30), no issue (0.20) -> 40.
        "bea": (1, Decimal("0"), 1, 0, 0, 40),
        # Overdue 40, Late 75, Unhappy 33, Renewing 67, Quiet 57, Fine 100 -> 62.
        am.username: (6, Decimal("6000.00"), 1, 1, 1, 62),
    }
    assert [line.name for line in lines] == sorted(line.name for line in lines)
    assert [line.username for line in workload(today=TODAY, user_id=bea.pk)] == ["bea"]
