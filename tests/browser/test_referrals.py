"""Referrals in chromium: a visitor opens a referral link in a fresh context (no session),
signs up, and staff sees the pending referral on the leaderboard and the party cards."""

from __future__ import annotations

import pytest

from clientela.parties.models import Party
from clientela.referrals.models import Referral
from clientela.referrals.services import referral_code_ensure
from tests.browser.conftest import sign_in
from tests.factories import make_party

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(page):
    page.set_default_timeout(30_000)  # the shared machine is slow under load
    return page


def test_a_visitor_signs_up_through_a_link_and_staff_sees_the_referral(
    live_server, browser, page, users
):
    ana = make_party(given_name="Ana", family_name="Ambassador", relationship_kind="customer")
    code = referral_code_ensure(actor=None, party=ana)[0].code
    visitor = browser.new_context(viewport={"width": 900, "height": 900}, locale="en-GB")
    try:
        public = visitor.new_page()
        public.set_default_timeout(30_000)
        public.goto(f"{live_server.url}/r/{code}/")
        assert "Ana invites you" in public.text_content("h1")
        assert "Ambassador" not in public.content()
        public.fill("input[name=name]", "Maria Ionescu")
        public.fill("input[name=email]", "maria@example.com")
        public.check("input[name=marketing_consent]")
        public.click("[data-testid=referral-submit]")
        public.locator("[data-testid=referral-thanks]").wait_for()
    finally:
        visitor.close()

    maria = Party.objects.get(given_name="Maria")
    referral = Referral.objects.get()
    assert (referral.referrer_id, referral.referred_id, referral.status, referral.source) == (
        ana.pk, maria.pk, "pending", "link",
    )  # fmt: skip

    sign_in(page, live_server, "marketer")
    page.goto(f"{live_server.url}/customer-desk/referrals/?period=30")
    row = page.locator("[data-testid=referral-row]")
    assert row.count() == 1
    assert "Ana Ambassador" in row.text_content()
    assert row.locator("[data-testid=referral-row-pending]").text_content().strip() == "1"

    page.goto(f"{live_server.url}/parties/{maria.public_id}/")
    card = page.locator("[data-testid=referrals-card]")
    assert (
        "Ana Ambassador" in card.locator("[data-testid=referral-card-referred-by]").text_content()
    )
    assert "Pending" in card.text_content()
    page.goto(f"{live_server.url}/parties/{ana.public_id}/")
    made = page.locator("[data-testid=referral-card-made]").text_content()
    assert "0 qualified, 1 pending" in made and "Maria Ionescu" in made
    link = page.locator("[data-testid=referral-card-link]").input_value()
    assert link == f"{live_server.url}/r/{code}/"
