from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.api.conftest import anonymous, api, base_url  # noqa: F401
from tests.factories import make_party


@pytest.fixture
def own_rel(users):
    """A client in consideration owned by the account manager."""
    party = make_party(
        given_name="Olga",
        family_name="Kowalska",
        relationship_kind="client",
        owner=users["account_manager"],
        stage="consideration",
    )
    return party.relationships.get()


@pytest.fixture
def other_rel(users):
    """A client in consideration owned by the manager."""
    party = make_party(
        given_name="Marek",
        family_name="Nowak",
        relationship_kind="client",
        owner=users["manager"],
        stage="consideration",
    )
    return party.relationships.get()


@pytest.fixture
def service_item(db):
    from clientela.commerce.services import catalog_item_create

    return catalog_item_create(
        actor=None,
        sku="ADV-1",
        name="Advisory retainer",
        offering="personalised",
        unit_price=Decimal("1500.00"),
    )


@pytest.fixture
def goods_item(db):
    from clientela.commerce.services import catalog_item_create

    return catalog_item_create(
        actor=None, sku="MUG-1", name="Mug", offering="standardised", unit_price=Decimal("9.00")
    )


def draft(relationship, actor=None, **kwargs):
    from clientela.contracts.services import contract_create

    values = {
        "title": "Advisory 2027",
        "start_on": dt.date(2027, 1, 1),
        "end_on": dt.date(2027, 12, 31),
        "value": Decimal("1000.00"),
        "billing": "monthly",
        "notice_days": 30,
    }
    values.update(kwargs)
    return contract_create(actor=actor, relationship=relationship, **values)


def signed(relationship, actor=None, *, active=False, **kwargs):
    from clientela.contracts.services import contract_transition

    contract = draft(relationship, actor, **kwargs)
    contract = contract_transition(actor=actor, contract=contract, status="sent")
    contract = contract_transition(
        actor=actor, contract=contract, status="signed", on=dt.date(2026, 12, 20)
    )
    if active:
        contract = contract_transition(actor=actor, contract=contract, status="active")
    return contract
