"""Journey boards: columns and cards, moves through the board endpoint, the owner filter."""

from __future__ import annotations

import pytest

from clientela.parties.models import Relationship
from tests.factories import make_party
from tests.web.conftest import ROLES


def _rel(party):
    return Relationship.objects.get(party=party, is_current=True)


def test_the_customer_board_has_one_column_per_stage_with_its_cards(login, customer):
    response = login("viewer").get("/journeys/customer/")

    columns = response.context["columns"]
    assert [c.stage for c in columns] == ["awareness", "consideration", "purchase", "retention"]
    assert [[r.party.display_name for r in c.cards] for c in columns] == [
        [],
        ["Carmen García"],
        [],
        [],
    ]


@pytest.mark.parametrize("role", ROLES)
def test_moving_a_card_with_htmx_returns_the_new_board(login, customer, role):
    rel = _rel(customer)

    response = login(role).post(
        f"/journeys/move/{rel.public_id}/",
        {"to_stage": "purchase"},
        headers={"hx-request": "true", "hx-target": "board"},
    )

    if role in {"admin", "manager", "account_manager"}:
        assert response.status_code == 200
        assert [t.name for t in response.templates][0] == "web/partials/board.html"
        assert "Carmen García moved to “Purchase”." in response.content.decode()
        assert _rel(customer).stage == "purchase"
    else:
        assert response.status_code == 403
        assert _rel(customer).stage == "consideration"


def test_the_fallback_form_without_htmx_redirects_to_the_board(login, customer):
    rel = _rel(customer)

    response = login("manager").post(f"/journeys/move/{rel.public_id}/", {"to_stage": "purchase"})

    assert (response.status_code, response["Location"]) == (302, "/journeys/customer/")
    assert _rel(customer).stage == "purchase"


def test_a_backward_move_needs_a_reason_and_records_it(login, customer):
    client = login("manager")
    rel = _rel(customer)

    refused = client.post(f"/journeys/move/{rel.public_id}/", {"to_stage": "awareness"})
    moved = client.post(
        f"/journeys/move/{rel.public_id}/", {"to_stage": "awareness", "reason": "went quiet"}
    )

    assert refused.status_code == 409
    assert moved.status_code == 302
    last = rel.transitions.order_by("-id").first()
    assert (last.from_stage, last.to_stage, last.reason) == (
        "consideration",
        "awareness",
        "went quiet",
    )


def test_my_relationships_shows_only_the_account_managers_cards(login, users, client_of_manager):
    mine = make_party(
        given_name="Ana",
        family_name="Popescu",
        relationship_kind="client",
        owner=users["account_manager"],
        stage="consideration",
    )

    response = login("account_manager").get("/journeys/client/?mine=1")

    names = [r.party.display_name for c in response.context["columns"] for r in c.cards]
    assert names == [mine.display_name]
    everyone = login("account_manager").get("/journeys/client/")
    assert sorted(r.party.display_name for c in everyone.context["columns"] for r in c.cards) == [
        "Ana Popescu",
        "Marek Nowak",
    ]
