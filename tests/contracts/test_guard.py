"""Journey guard `client.contract_signed` (switch `guard_contract_for_purchase`)."""

from __future__ import annotations

import pytest

from clientela.clientdesk.settings import desk_settings_update
from clientela.core.errors import ApplicationError
from clientela.journeys.services import journey_move
from tests.contracts.conftest import draft, signed
from tests.factories import make_party


def _refusal(fn, **kwargs):
    with pytest.raises(ApplicationError) as caught:
        fn(**kwargs)
    return caught.value.code.value, caught.value.extra.get("rule"), caught.value.message


def test_a_client_enters_purchase_only_with_a_signed_contract(users, own_rel):
    manager = users["manager"]
    assert _refusal(journey_move, actor=manager, relationship=own_rel, to_stage="purchase") == (
        "transition_refused",
        "client.contract_signed",
        "A client enters purchase only with a signed contract: record and sign one first.",
    )
    contract = draft(own_rel, manager)
    assert _refusal(journey_move, actor=manager, relationship=own_rel, to_stage="purchase")[1] == (
        "client.contract_signed"
    )
    signed(own_rel, manager)
    journey_move(actor=manager, relationship=own_rel, to_stage="purchase")
    own_rel.refresh_from_db()
    assert (own_rel.stage, contract.status) == ("purchase", "draft")


def test_an_active_contract_also_opens_purchase(users, own_rel):
    signed(own_rel, users["manager"], active=True)
    journey_move(actor=users["manager"], relationship=own_rel, to_stage="purchase")
    own_rel.refresh_from_db()
    assert own_rel.stage == "purchase"


def test_a_relationship_entering_its_journey_at_a_later_stage_is_recorded_as_it_is(users):
    # Creating or importing a client already in purchase or later records a relationship
    # that exists outside Clientela: no contract can be attached before it exists.
    stages = []
    for stage in ("purchase", "onboarding", "relationship_management"):
        party = make_party(
            given_name="Direct",
            relationship_kind="client",
            owner=users["account_manager"],
            stage=stage,
        )
        stages.append(party.relationships.get().stage)
    assert stages == ["purchase", "onboarding", "relationship_management"]


def test_customers_and_earlier_stages_are_not_concerned(users):
    customer = make_party(relationship_kind="customer", stage="purchase")
    client = make_party(relationship_kind="client", stage="consideration")
    assert (customer.relationships.get().stage, client.relationships.get().stage) == (
        "purchase",
        "consideration",
    )


def test_moves_from_purchase_onwards_are_not_checked_again(users, own_rel):
    manager = users["manager"]
    contract = signed(own_rel, manager)
    journey_move(actor=manager, relationship=own_rel, to_stage="purchase")
    from clientela.contracts.services import contract_transition

    contract_transition(actor=manager, contract=contract, status="terminated", reason="x")
    journey_move(actor=manager, relationship=own_rel, to_stage="onboarding")
    own_rel.refresh_from_db()
    assert own_rel.stage == "onboarding"


def test_switched_off_the_guard_lets_clients_through(users, own_rel):
    desk_settings_update(actor=None, guard_contract_for_purchase=False)
    journey_move(actor=users["manager"], relationship=own_rel, to_stage="purchase")
    own_rel.refresh_from_db()
    assert own_rel.stage == "purchase"
