"""The customer desk in chromium: the overview and the retention view render with their
charts, and the party card shows the channel summary."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from clientela.activities.services import activity_log
from tests.browser.conftest import sign_in
from tests.customerdesk.helpers import buy, customer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(page):
    page.set_default_timeout(30_000)  # the shared machine is slow under load
    return page


def _book():
    """Three customers with touchpoints and orders over the last months, one lapsing."""
    from clientela.analytics.models import AnalysisRun, PartyScore

    now = timezone.now()
    a, b, c = customer("Web"), customer("Store"), customer("Gone")
    for days in (2, 20, 45, 80):
        activity_log(
            actor=None, party=a, kind="website_visit", occurred_at=now - timedelta(days=days)
        )
    activity_log(actor=None, party=a, kind="campaign_open", occurred_at=now - timedelta(days=3))
    activity_log(actor=None, party=b, kind="store_visit", occurred_at=now - timedelta(days=70))
    buy(a, now - timedelta(days=2), amount="18.00", channel="online")
    buy(a, now - timedelta(days=30), amount="22.00", channel="online")
    buy(b, now - timedelta(days=70), amount="9.00")
    buy(c, now - timedelta(days=200), amount="140.00")
    run = AnalysisRun.objects.create(status="succeeded", engine="duckdb", finished_at=now)
    for party, p in ((a, 0.92), (b, 0.55), (c, 0.12)):
        PartyScore.objects.create(
            run=run, party=party, kind="customer", frequency=1, recency=1.0, T=2.0,
            monetary_value=Decimal("1"), p_alive=p, recency_score=1, frequency_score=1,
            monetary_score=1, segment="new",
        )  # fmt: skip
    return a, c


def test_overview_retention_and_the_party_card(live_server, page, users):
    web, gone = _book()
    sign_in(page, live_server, "marketer")

    page.goto(f"{live_server.url}/customer-desk/")
    assert page.locator("[data-testid=channel-mix] svg").count() == 1
    assert page.text_content("[data-testid=stage-retention]") == "1"
    assert page.locator("[data-testid=kpi-tiles] .cd-tile").count() == 5

    page.click(".desk-subnav >> text=Retention")
    page.wait_for_url(f"{live_server.url}/customer-desk/retention/")
    assert page.text_content("[data-testid=repeat-rate-value]") == "33%"
    assert page.locator("[data-testid=repeat-chart] svg").count() == 1
    assert page.text_content("[data-testid=band-at_risk] .stat") == "1"
    row = page.locator("[data-testid=lapsing-row]")
    assert row.count() == 1 and "Ana Gone" in row.text_content()
    assert row.locator("[data-testid=incentive]").text_content() == "Personal coupon"

    row.locator("a.party-name").click()
    page.wait_for_url(f"{live_server.url}/parties/{gone.public_id}/")
    page.goto(f"{live_server.url}/parties/{web.public_id}/")
    card = page.locator("[data-testid=touchpoints-card]")
    assert (
        card.locator("[data-testid=channel-web] [data-testid=channel-total]").text_content() == "4"
    )
    assert (
        card.locator("[data-testid=channel-email] [data-testid=channel-recent]").text_content()
        == "1"
    )
    assert card.locator("[data-testid=journey-timeline] .cd-item-order").count() == 2
