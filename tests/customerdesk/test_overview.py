"""The customer desk overview page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from clientela.activities.services import activity_log
from clientela.customerdesk.selectors import customer_desk_overview
from tests.customerdesk.helpers import buy, customer

pytestmark = pytest.mark.django_db


def test_the_overview_gathers_the_other_apps_tiles():
    tiles = customer_desk_overview(now=datetime.now(UTC))

    assert set(tiles) == {"loyalty", "rewards", "coupons", "referrals", "support"}
    assert tiles["loyalty"]["members"] == 0
    assert tiles["rewards"]["rewards_active"] == 0
    assert tiles["coupons"]["active_codes"] == 0
    assert tiles["referrals"]["ambassadors"] == 0
    assert tiles["support"]["open"] == 0


def test_the_overview_page_shows_tiles_mix_sales_and_stages(client, users):
    now = datetime.now(UTC)
    a, b = customer("A"), customer("B", stage="awareness")
    customer("C", kind="client")
    activity_log(actor=None, party=a, kind="website_visit", occurred_at=now - timedelta(days=1))
    activity_log(actor=None, party=b, kind="store_visit", occurred_at=now - timedelta(days=40))
    buy(a, now - timedelta(days=2), amount="12.00", channel="online")
    client.force_login(users["viewer"])

    html = client.get("/customer-desk/").content.decode()

    for tile in ("loyalty", "rewards", "coupons", "referrals", "support"):
        assert f'data-testid="tile-{tile}"' in html
    assert "<svg" in html.split('data-testid="channel-mix"')[1].split("</section>")[0]
    assert 'data-testid="sales-online"' in html and 'data-testid="sales-store"' not in html
    assert 'data-testid="stage-awareness">1<' in html
    assert 'data-testid="stage-purchase">1<' in html
    assert 'data-testid="stage-consideration">0<' in html
    assert 'href="/journeys/customer/"' in html
    assert 'class="active" aria-current="page">Overview<' in html
