"""The retention view: repeat rate, P(alive) bands, lapsing customers and incentives, on a
built data set (NOW = 2026-10-31 12:00 UTC, lapsing after 120 days)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from clientela.customerdesk.retention import lapsing_customers, p_alive_bands, repeat_rate
from tests.customerdesk.helpers import buy, customer

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 10, 31, 12, tzinfo=UTC)


def _ago(days: int) -> datetime:
    return NOW - timedelta(days=days)


def _run(scores: dict) -> str:
    """A succeeded analysis run scoring `scores` {party: p_alive} (None: no model value)."""
    from clientela.analytics.models import AnalysisRun, PartyScore

    run = AnalysisRun.objects.create(status="succeeded", engine="duckdb",
                                     finished_at=NOW - timedelta(hours=1))  # fmt: skip
    PartyScore.objects.bulk_create(
        PartyScore(
            run=run,
            party=party,
            kind=party.current_kind or "customer",
            frequency=1,
            recency=1.0,
            T=2.0,
            monetary_value=Decimal("1"),
            p_alive=p,
            recency_score=1,
            frequency_score=1,
            monetary_score=1,
            segment="new",
        )  # fmt: skip
        for party, p in scores.items()
    )
    return run.public_id


@pytest.fixture
def shop():
    """The data set (see the module docstring); returns the parties by letter."""
    from clientela.loyalty.configure import tier_create
    from clientela.loyalty.services import points_credit

    p = {}
    p["A"] = customer("Big")
    buy(p["A"], _ago(300), amount="500.00")
    p["B"] = customer("Loyal")
    buy(p["B"], _ago(200), amount="20.00")
    buy(p["B"], _ago(180), amount="20.00")
    p["C"] = customer("Points")
    buy(p["C"], _ago(130), amount="30.00")
    p["D"] = customer("Quiet")
    buy(p["D"], _ago(125), amount="15.00")
    p["E"] = customer("Recent")
    buy(p["E"], _ago(10), amount="25.00")
    p["F"] = customer("Fresh")
    buy(p["F"], _ago(5), amount="10.00")
    buy(p["F"], _ago(3), amount="10.00")
    p["G"] = customer("Client", kind="client")
    buy(p["G"], _ago(300), amount="900.00")
    p["H"] = customer("Refunded")
    buy(p["H"], _ago(300), amount="70.00", status="refunded")
    p["I"] = customer("Watch")
    buy(p["I"], _ago(20), amount="12.00")
    tier_create(actor=None, name="Bronze", threshold=0)
    tier_create(actor=None, name="Silver", threshold=100)
    points_credit(actor=None, party=p["B"], points=85, reason="goodwill", key="b", at=_ago(1))
    points_credit(actor=None, party=p["C"], points=40, reason="goodwill", key="c", at=_ago(1))
    for party in p.values():
        party.refresh_from_db()
    return p


def test_repeat_rate_overall_and_by_first_purchase_month(shop):
    rate = repeat_rate(now=NOW)

    assert (rate.customers, rate.repeat_customers, rate.rate) == (7, 2, 2 / 7)
    cohorts = {c.month: (c.customers, c.repeat_customers, c.rate) for c in rate.cohorts}
    assert list(cohorts)[0] == date(2025, 11, 1) and list(cohorts)[-1] == date(2026, 10, 1)
    assert {m: v for m, v in cohorts.items() if v[0]} == {
        date(2026, 1, 1): (1, 0, 0.0), date(2026, 4, 1): (1, 1, 1.0),
        date(2026, 6, 1): (2, 0, 0.0), date(2026, 10, 1): (3, 1, 1 / 3),
    }  # fmt: skip


def test_without_customers_the_rate_is_unknown():
    assert repeat_rate(now=NOW).rate is None


def test_p_alive_bands_count_current_customers_of_the_latest_run(shop):
    before = p_alive_bands()
    run = _run({shop["A"]: 0.2, shop["E"]: 0.1, shop["I"]: 0.5, shop["F"]: 0.9,
                shop["G"]: 0.05, shop["D"]: None})  # fmt: skip

    bands = p_alive_bands()

    assert before.run_public_id is None and (before.at_risk, before.unscored) == (0, 0)
    assert (bands.run_public_id, bands.at_risk, bands.watch, bands.healthy, bands.unscored) == (
        run, 2, 1, 1, 4,
    )  # fmt: skip


def test_lapsing_customers_with_reasons_and_incentives_most_valuable_first(shop):
    _run({shop["A"]: 0.2, shop["E"]: 0.1, shop["I"]: 0.5, shop["F"]: 0.9})

    page = lapsing_customers(now=NOW)

    assert page.high_value_from == Decimal("500.00") and page.next_after is None
    assert [
        (r.name, r.days_since, r.orders, r.spent, r.p_alive, r.reasons, r.incentive.kind,
         r.incentive.why)
        for r in page.rows
    ] == [
        ("Ana Big", 300, 1, Decimal("500.00"), 0.2, ["no_recent_purchase", "p_alive_at_risk"],
         "personal_coupon", "High-value customer: 500.00 spent, in the top 10% of customers"),
        ("Ana Loyal", 180, 2, Decimal("40.00"), None, ["no_recent_purchase"],
         "tier_nudge", "15 points from Silver"),
        ("Ana Points", 130, 1, Decimal("30.00"), None, ["no_recent_purchase"],
         "rewards_reminder", "Loyalty member with 40 points to spend"),
        ("Ana Recent", 10, 1, Decimal("25.00"), 0.1, ["p_alive_at_risk"],
         "win_back_coupon", "No purchase for a while: a coupon to come back"),
        ("Ana Quiet", 125, 1, Decimal("15.00"), None, ["no_recent_purchase"],
         "win_back_coupon", "No purchase for a while: a coupon to come back"),
    ]  # fmt: skip


def test_lapsing_follows_the_settings(shop, admin):
    from clientela.customerdesk.settings import customer_desk_settings_update

    customer_desk_settings_update(actor=admin, lapsing_after_days=190)

    assert [r.name for r in lapsing_customers(now=NOW).rows] == ["Ana Big"]


def test_lapsing_pages_follow_the_keyset(shop):
    _run({shop["E"]: 0.1})

    first = lapsing_customers(now=NOW, limit=2)
    second = lapsing_customers(now=NOW, limit=2, after=first.next_after)
    third = lapsing_customers(now=NOW, limit=2, after=second.next_after)

    assert [[r.name for r in p.rows] for p in (first, second, third)] == [
        ["Ana Big", "Ana Loyal"], ["Ana Points", "Ana Recent"], ["Ana Quiet"],
    ]  # fmt: skip
    assert third.next_after is None


def test_the_retention_page_renders_rate_bands_chart_and_lapsing(client, users, shop):
    _run({shop["A"]: 0.2})
    client.force_login(users["marketer"])

    html = client.get("/customer-desk/retention/").content.decode()

    assert 'data-testid="repeat-rate-value">29%<' in html
    assert 'data-testid="band-at_risk"><span class="stat">1<' in html
    assert html.count('data-testid="lapsing-row"') == 4  # A, B, C, D (now: real time)
    assert f"/customer-desk/coupons/personal/new/?party={shop['A'].public_id}" in html
    assert "<svg" in html.split('data-testid="repeat-chart"')[1]


def test_without_a_run_the_page_says_how_to_get_one(client, users):
    client.force_login(users["viewer"])

    html = client.get("/customer-desk/retention/").content.decode()

    assert 'data-testid="bands-none"' in html and "clientela analyze" in html
    assert "Personal coupon</a>" not in html


def test_api_retention_and_lapsing_pages(api, shop):
    run = _run({shop["E"]: 0.1})
    reader = api("viewer", "read")

    summary = reader.get("/customer-desk/retention").json()
    first = reader.get("/customer-desk/retention/lapsing", params={"limit": 3}).json()
    rest = reader.get("/customer-desk/retention/lapsing",
                      params={"limit": 3, "cursor": first["next"]}).json()  # fmt: skip
    bad = reader.get("/customer-desk/retention/lapsing", params={"cursor": "nonsense"})

    assert summary["repeat_rate"]["customers"] == 7
    assert summary["repeat_rate"]["repeat_customers"] == 2
    assert summary["bands"] == {
        "run": run, "run_finished_at": summary["bands"]["run_finished_at"], "at_risk": 1,
        "watch": 0, "healthy": 0, "unscored": 7, "at_risk_below": 0.3, "watch_below": 0.7,
        "model_skipped": None,
    }  # fmt: skip
    assert summary["high_value_from"] == "500.00"
    # Real time (2026-11 or later): E's order is recent, A-D are all older than 120 days.
    assert [i["name"] for i in first["items"] + rest["items"]] == [
        "Ana Big", "Ana Loyal", "Ana Points", "Ana Recent", "Ana Quiet",
    ]  # fmt: skip
    assert rest["next"] is None
    big = first["items"][0]
    assert (big["spent"], big["incentive"]["kind"], big["coupon_url"]) == (
        "500.00", "personal_coupon",
        f"/customer-desk/coupons/personal/new/?party={shop['A'].public_id}",
    )  # fmt: skip
    assert bad.status_code == 422 and bad.json()["fields"] == {
        "cursor": ["is not a cursor this list produced"]
    }
