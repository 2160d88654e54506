"""Touchpoints per channel, the journey timeline, the channel mix and the party card."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from clientela.activities.services import activity_log
from clientela.customerdesk.selectors import (
    ChannelMonth,
    channel_mix,
    journey_timeline,
    month_starts,
    orders_by_sales_channel,
    touchpoint_summary,
)
from tests.customerdesk.helpers import buy, customer

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 10, 31, 12, tzinfo=UTC)


def _touch(party, kind: str, days_ago: float, channel: str = ""):
    return activity_log(actor=None, party=party, kind=kind, channel=channel,
                        occurred_at=NOW - timedelta(days=days_ago))  # fmt: skip


def _party_with_touchpoints():
    party = customer()
    _touch(party, "website_visit", 1)
    _touch(party, "website_visit", 10)
    _touch(party, "website_visit", 200)
    _touch(party, "campaign_open", 5)
    _touch(party, "campaign_click", 100)
    _touch(party, "store_visit", 300)
    _touch(party, "note", 2)  # internal: not a touchpoint
    return party


def test_the_summary_counts_touchpoints_per_channel_recent_and_all_time():
    party = _party_with_touchpoints()

    rows = touchpoint_summary(party_id=party.pk, now=NOW)

    assert [(r.channel, r.count_recent, r.count, r.last_at) for r in rows] == [
        ("web", 2, 3, NOW - timedelta(days=1)),
        ("email", 1, 2, NOW - timedelta(days=5)),
        ("store", 0, 1, NOW - timedelta(days=300)),
    ]
    assert [(round(r.share, 4), round(r.share_recent, 4)) for r in rows] == [
        (0.5, 0.6667), (0.3333, 0.3333), (0.1667, 0.0),
    ]  # fmt: skip
    assert [r.label for r in rows] == ["Website", "Email", "Store"]


def test_a_party_without_touchpoints_has_an_empty_summary():
    assert touchpoint_summary(party_id=customer().pk, now=NOW) == []


def test_the_timeline_mixes_touchpoints_and_orders_by_day_newest_first():
    party = customer()
    _touch(party, "website_visit", 3)
    order = buy(party, NOW - timedelta(days=3, hours=-1), amount="4.50")
    _touch(party, "social_interaction", 20)
    refunded = buy(party, NOW - timedelta(days=20, hours=2), status="refunded", channel="online")

    days = journey_timeline(party_id=party.pk)

    assert [(d.day, [(i.kind, i.channel, i.label, i.status) for i in d.items]) for d in days] == [
        (date(2026, 10, 28), [("order", "store", "4.50 EUR", "paid"),
                              ("touchpoint", "web", "Website visit", "")]),
        (date(2026, 10, 11), [("touchpoint", "social", "Social interaction", ""),
                              ("order", "online", "10.00 EUR", "refunded")]),
    ]  # fmt: skip
    assert days[0].items[0].public_id == order.public_id
    assert days[1].items[1].public_id == refunded.public_id


def test_the_timeline_keeps_the_latest_items_only():
    party = customer()
    for n in range(15):
        _touch(party, "campaign_open", n)

    days = journey_timeline(party_id=party.pk, limit=12)

    assert sum(len(d.items) for d in days) == 12
    assert days[-1].day == date(2026, 10, 20)


def test_the_channel_mix_counts_the_business_touchpoints_per_month():
    a, b = customer("A"), customer("B")
    _touch(a, "website_visit", 0)  # 2026-10-31
    _touch(b, "website_visit", 20)  # 2026-10-11
    _touch(b, "service_call", 40)  # 2026-09-21
    _touch(a, "note", 1)  # internal
    _touch(a, "chat", 400)  # older than 12 months

    rows = channel_mix(now=NOW, months=12)

    assert rows == [
        ChannelMonth(date(2026, 9, 1), "phone", 1),
        ChannelMonth(date(2026, 10, 1), "web", 2),
    ]
    assert month_starts(now=NOW, months=3) == [
        date(2026, 8, 1),
        date(2026, 9, 1),
        date(2026, 10, 1),
    ]


def test_orders_by_sales_channel_count_paid_orders_of_the_last_year():
    party = customer()
    buy(party, NOW - timedelta(days=1), amount="5.00")
    buy(party, NOW - timedelta(days=2), amount="7.00")
    buy(party, NOW - timedelta(days=3), amount="50.00", channel="online")
    buy(party, NOW - timedelta(days=4), amount="99.00", channel="online", status="refunded")
    buy(party, NOW - timedelta(days=400), amount="99.00")

    lines = orders_by_sales_channel(now=NOW)

    assert [(x.channel, x.orders, str(x.total), x.currency) for x in lines] == [
        ("online", 1, "50.00", "EUR"), ("store", 2, "12.00", "EUR"),
    ]  # fmt: skip


def test_the_party_page_shows_the_touchpoints_card(client, users):
    party = _party_with_touchpoints()
    client.force_login(users["viewer"])

    html = client.get(f"/parties/{party.public_id}/").content.decode()

    assert 'data-testid="touchpoints-card"' in html
    assert 'data-testid="channel-web"' in html and 'data-testid="channel-store"' in html
    assert 'data-testid="journey-timeline"' in html


def test_a_party_with_nothing_to_show_gets_no_card(client, users):
    party = customer()
    client.force_login(users["viewer"])

    html = client.get(f"/parties/{party.public_id}/").content.decode()

    assert 'data-testid="touchpoints-card"' not in html


def test_api_gives_a_party_touchpoints(api):
    party = customer()
    activity = activity_log(actor=None, party=party, kind="store_visit",
                            occurred_at=datetime.now(UTC) - timedelta(days=2))  # fmt: skip

    body = api("viewer", "read").get(f"/customer-desk/parties/{party.public_id}/touchpoints").json()
    missing = api("viewer", "read").get("/customer-desk/parties/pty_nothing/touchpoints")

    assert body["party"] == party.public_id
    assert [(c["channel"], c["touchpoints"], c["touchpoints_90d"], c["share"], c["share_90d"])
            for c in body["channels"]] == [("store", 1, 1, 1.0, 1.0)]  # fmt: skip
    assert [(i["kind"], i["id"], i["channel"], i["status"]) for i in body["timeline"]] == [
        ("touchpoint", activity.public_id, "store", None)
    ]
    assert missing.status_code == 404


def test_api_gives_the_channel_mix(api):
    party = customer()
    now = datetime.now(UTC)
    activity_log(actor=None, party=party, kind="website_visit", occurred_at=now)

    body = api("viewer", "read").get("/customer-desk/channel-mix", params={"months": 2}).json()
    bad = api("viewer", "read").get("/customer-desk/channel-mix", params={"months": 0})

    this_month = now.date().replace(day=1)
    assert body["months"][-1] == this_month.isoformat() and len(body["months"]) == 2
    assert body["rows"] == [{"month": this_month.isoformat(), "channel": "web", "touchpoints": 1}]
    assert bad.status_code == 422
