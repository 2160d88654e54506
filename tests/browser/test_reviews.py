"""Performance reviews in chromium: a client answers the questionnaire in a fresh browser
context (no login, nothing of the CRM), then the account manager reads it and writes notes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from clientela.reviews import services
from clientela.reviews.links import review_link
from tests.browser.conftest import sign_in
from tests.reviews.conftest import desk_open, make_client  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("desk_open"),
]
ANSWERS = {"overall": 8, "results": 4, "communication": 3, "responsiveness": 5, "recommend": 9}


def test_a_client_answers_in_a_fresh_browser_context(live_server, browser, page, users):
    rel = make_client(users["account_manager"], name="Browser")
    review = services.review_send(actor=None, relationship=rel)
    path = review_link(public_id=review.public_id, sent_at=review.sent_at, absolute=False)

    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-GB")
    client_page = context.new_page()
    client_page.goto(f"{live_server.url}{path}")
    assert client_page.locator("nav, .sidebar, a[href^='/desk']").count() == 0
    client_page.click("[data-testid=review-submit]")  # nothing chosen: refused, naming it
    assert "overall: is required" in client_page.text_content("[data-testid=review-error]")
    for key, value in ANSWERS.items():
        client_page.click(f"label.review-choice:has(input[name={key}][value='{value}'])")
    client_page.fill("textarea[name=comment]", "Clear reports, thank you")
    client_page.click("[data-testid=review-submit]")
    client_page.locator("[data-testid=review-thanks]").wait_for()

    client_page.goto(f"{live_server.url}{path}")
    assert client_page.locator("[data-testid=review-closed]").count() == 1
    client_page.goto(f"{live_server.url}/desk/reviews/")
    assert client_page.url.startswith(f"{live_server.url}/login/")
    context.close()

    review.refresh_from_db()
    assert (review.status, review.answers, review.score, review.client_comment) == (
        "answered",
        ANSWERS,
        Decimal("7.9"),
        "Clear reports, thank you",
    )

    sign_in(page, live_server, "account_manager")
    page.goto(f"{live_server.url}/desk/reviews/{review.public_id}/")
    assert page.text_content("[data-testid=review-score]").strip() == "7.9"
    assert page.text_content("[data-testid=review-comment]").strip() == "Clear reports, thank you"
    page.fill("[data-testid=review-notes-field]", "Send the Q3 plan")
    page.click("[data-testid=review-notes-save]")
    page.locator("text=The notes are saved.").wait_for()
    review.refresh_from_db()
    assert (review.notes, review.notes_by_id) == ("Send the Q3 plan", users["account_manager"].pk)
