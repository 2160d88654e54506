"""The selectors other apps call: exact values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from clientela.contracts.selectors import (
    RenewalDue,
    contract_has_signed,
    contract_service_ids,
    contract_start_for,
    contract_value_by_owner,
    contracts_renewing,
)
from clientela.contracts.services import contract_transition
from tests.contracts.conftest import draft, signed
from tests.factories import make_party


def test_has_signed_start_and_services_follow_the_latest_binding_contract(
    users, own_rel, service_item
):
    from clientela.commerce.services import catalog_item_create

    second_item = catalog_item_create(
        actor=None, sku="ADV-2", name="Audit", offering="personalised", unit_price=Decimal("1")
    )
    draft(own_rel, None, start_on=dt.date(2028, 1, 1), end_on=None)  # drafts do not count
    assert (
        contract_has_signed(relationship_id=own_rel.pk),
        contract_start_for(relationship_id=own_rel.pk),
        contract_service_ids(relationship_id=own_rel.pk),
    ) == (False, None, [])
    signed(own_rel, None, services=[service_item.public_id])
    latest = signed(
        own_rel,
        None,
        active=True,
        start_on=dt.date(2027, 6, 1),
        services=[second_item.public_id, service_item.public_id],
    )
    assert (
        contract_has_signed(relationship_id=own_rel.pk),
        contract_start_for(relationship_id=own_rel.pk),
        contract_service_ids(relationship_id=own_rel.pk),
    ) == (True, dt.date(2027, 6, 1), sorted([service_item.pk, second_item.pk]))
    contract_transition(actor=None, contract=latest, status="terminated", reason="x")
    assert (
        contract_start_for(relationship_id=own_rel.pk),
        contract_service_ids(relationship_id=own_rel.pk),
    ) == (dt.date(2027, 1, 1), [service_item.pk])


def test_contracts_renewing_within_n_days_inclusive(users, own_rel, other_rel):
    today = dt.date(2027, 10, 1)
    inside = signed(own_rel, None, renewal_on=dt.date(2027, 11, 30), notice_days=45)
    signed(own_rel, None, end_on=dt.date(2027, 12, 1))  # 61 days ahead: outside
    edge = signed(other_rel, None, active=True, end_on=dt.date(2027, 10, 1), notice_days=0)
    signed(other_rel, None, end_on=dt.date(2027, 9, 30))  # passed yesterday
    draft(own_rel, None, end_on=dt.date(2027, 10, 15))  # draft
    rows = contracts_renewing(owner_id=None, today=today, within_days=60)
    assert rows == [
        RenewalDue(
            contract_public_id=edge.public_id,
            title="Advisory 2027",
            party_public_id=other_rel.party.public_id,
            party_name="Marek Nowak",
            relationship_id=other_rel.pk,
            owner_id=users["manager"].pk,
            renewal_on=dt.date(2027, 10, 1),
            notice_deadline=dt.date(2027, 10, 1),
            value=Decimal("1000.00"),
            currency="EUR",
        ),
        RenewalDue(
            contract_public_id=inside.public_id,
            title="Advisory 2027",
            party_public_id=own_rel.party.public_id,
            party_name="Olga Kowalska",
            relationship_id=own_rel.pk,
            owner_id=users["account_manager"].pk,
            renewal_on=dt.date(2027, 11, 30),
            notice_deadline=dt.date(2027, 10, 16),
            value=Decimal("1000.00"),
            currency="EUR",
        ),
    ]
    mine = contracts_renewing(owner_id=users["account_manager"].pk, today=today, within_days=60)
    assert [r.contract_public_id for r in mine] == [inside.public_id]
    assert [
        r.contract_public_id for r in contracts_renewing(owner_id=None, today=today, within_days=61)
    ][-1] != inside.public_id


def test_value_by_owner_annualises_per_rhythm(users, own_rel, other_rel):
    nobody = make_party(
        given_name="No", family_name="Owner", relationship_kind="client", stage="consideration"
    ).relationships.get()
    signed(own_rel, None, value=Decimal("100.00"), billing="monthly")  # 1200
    signed(own_rel, None, active=True, value=Decimal("250.50"), billing="quarterly")  # 1002
    signed(own_rel, None, value=Decimal("5000"), billing="yearly")  # 5000
    signed(own_rel, None, value=Decimal("700"), billing="one_off")  # starts 2027: counts in 2027
    signed(own_rel, None, value=Decimal("999"), billing="one_off", start_on=dt.date(2026, 5, 1))
    signed(own_rel, None, value=Decimal("1"), billing="yearly", currency="USD")  # other currency
    draft(own_rel, None, value=Decimal("9999"))  # not binding
    gone = signed(other_rel, None, value=Decimal("10"), billing="monthly")
    contract_transition(actor=None, contract=gone, status="terminated", reason="x")
    signed(other_rel, None, value=Decimal("10"), billing="monthly")  # 120
    signed(nobody, None, value=Decimal("3"), billing="yearly")  # 3
    assert contract_value_by_owner(today=dt.date(2027, 3, 1)) == {
        users["account_manager"].pk: Decimal("7902.00"),
        users["manager"].pk: Decimal("120.00"),
        None: Decimal("3.00"),
    }
    assert contract_value_by_owner(today=dt.date(2026, 3, 1))[users["account_manager"].pk] == (
        Decimal("8201.00")
    )
