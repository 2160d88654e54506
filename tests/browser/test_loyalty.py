"""Loyalty in chromium: staff sign in, open a customer's statement from the members list,
and see its earn, redeem and expiry lines with the running balance."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from clientela.loyalty.services import points_credit, points_expire_due, points_redeem
from tests.browser.conftest import sign_in
from tests.loyalty.helpers import customer, programme

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(page):
    page.set_default_timeout(30_000)  # the shared machine is slow under load
    return page


def test_a_customers_statement_shows_earn_redeem_and_expiry_lines(live_server, page, users):
    programme(expiry_months=1)
    party = customer("Statement")
    now = timezone.now()
    points_credit(actor=None, party=party, points=40, reason="Welcome bonus", key="w",
                  at=now - timedelta(days=50))  # fmt: skip
    points_expire_due(now=now - timedelta(days=5))
    points_credit(actor=None, party=party, points=120, reason="Referral", key="r",
                  at=now - timedelta(days=3))  # fmt: skip
    points_redeem(actor=users["admin"], party=party, points=50, reference="Free cappuccino")
    sign_in(page, live_server, "support_agent")

    page.goto(f"{live_server.url}/customer-desk/loyalty/")
    page.fill("input[name=q]", "statement")
    page.click("[data-testid=members-filter] button[type=submit]")
    page.click("[data-testid=member-link]")

    page.wait_for_url(f"**/customer-desk/loyalty/members/{party.public_id}/")
    rows = page.locator("[data-testid=entry]")
    lines = [
        (
            rows.nth(i).get_attribute("data-kind"),
            rows.nth(i).locator("td.lty-points").text_content().strip(),
            rows.nth(i).locator("td.num").last.text_content().strip(),
        )
        for i in range(rows.count())
    ]
    assert lines == [
        ("redeem", "-50", "70"),
        ("earn", "+120", "120"),
        ("expire", "-40", "0"),
        ("earn", "+40", "40"),
    ]
    assert page.text_content("[data-testid=statement-balance]").strip() == "70"
    assert page.locator(".lty-kind-expire").first.text_content() == "Expired"
    assert "Free cappuccino" in rows.nth(0).text_content()
