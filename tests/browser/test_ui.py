"""The real pages in chromium: sign in, search and open a party, move cards on a board."""

from __future__ import annotations

import pytest

from clientela.parties.models import Relationship
from tests.browser.conftest import sign_in
from tests.browser.sample import build_sample

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _stage(party) -> str:
    return Relationship.objects.get(party=party, is_current=True).stage


def test_sign_in_search_the_directory_and_open_a_party(live_server, page, users):
    made = build_sample(users)
    sign_in(page, live_server, "viewer")

    page.click("nav >> text=Directory")
    page.wait_for_url(f"{live_server.url}/parties/")  # waits for load: htmx is ready
    page.fill("input[name=q]", "wiśn")
    page.wait_for_function(
        "document.querySelectorAll('#results tr.party-row').length === 1", timeout=10_000
    )
    page.click("#results >> text=Agnieszka Wiśniewska")

    page.wait_for_url(f"{live_server.url}/parties/{made['Wiśniewska'].public_id}/")
    assert page.text_content("h1.party-title") == "Agnieszka Wiśniewska"
    assert page.text_content("[data-testid=current-stage]") == "Retention"
    assert "q=wi" in page.evaluate("document.referrer")


def test_drag_a_card_to_the_next_stage(live_server, page, users):
    made = build_sample(users)
    carmen = made["García"]
    rel = Relationship.objects.get(party=carmen, is_current=True)
    sign_in(page, live_server, "account_manager")
    page.goto(f"{live_server.url}/journeys/customer/")

    page.drag_and_drop(f"#card-{rel.public_id}", ".column[data-stage=consideration]")

    page.wait_for_selector("[data-testid=moved]")
    assert page.text_content("[data-testid=moved]") == "Carmen García moved to “Consideration”."
    assert _stage(carmen) == "consideration"
    column = page.locator(".column[data-stage=consideration]")
    assert column.locator(f"#card-{rel.public_id}").count() == 1


def test_the_fallback_control_moves_a_card(live_server, page, users):
    made = build_sample(users)
    stan = made["Stan"]
    rel = Relationship.objects.get(party=stan, is_current=True)
    sign_in(page, live_server, "manager")
    page.goto(f"{live_server.url}/journeys/customer/")

    card = page.locator(f"#card-{rel.public_id}")
    card.locator("select[name=to_stage]").select_option("retention")
    card.locator("button", has_text="Move").click()

    page.wait_for_selector("[data-testid=moved]")
    assert _stage(stan) == "retention"
    assert page.locator(f".column[data-stage=retention] #card-{rel.public_id}").count() == 1


def test_a_skipped_stage_is_refused_with_the_rule_shown_and_nothing_moves(live_server, page, users):
    made = build_sample(users)
    popescu = made["Popescu"]
    rel = Relationship.objects.get(party=popescu, is_current=True)
    sign_in(page, live_server, "account_manager")
    page.goto(f"{live_server.url}/journeys/client/")

    card = page.locator(f"#card-{rel.public_id}")
    card.locator("select[name=to_stage]").select_option("purchase")
    card.locator("button", has_text="Move").click()

    banner = page.locator("#error-banner")
    banner.wait_for(state="visible")
    assert page.text_content("#error-message") == (
        "Stages cannot be skipped: move to “Consideration” first."
    )
    assert _stage(popescu) == "awareness"
    assert page.locator(f".column[data-stage=awareness] #card-{rel.public_id}").count() == 1
    assert card.locator("select[name=to_stage]").input_value() == "awareness"
    page.click("#error-banner .banner-close")
    assert banner.is_hidden()
    page.drag_and_drop(f"#card-{rel.public_id}", ".column[data-stage=onboarding]")
    banner.wait_for(state="visible")
    assert page.text_content("#error-message") == (
        "Stages cannot be skipped: move to “Consideration” first."
    )
    assert _stage(popescu) == "awareness"
    assert page.locator(f".column[data-stage=awareness] #card-{rel.public_id}").count() == 1
