"""Contracts: creation rules, the status machine, amendments with before/after values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from clientela.contracts.models import ContractAmendment
from clientela.contracts.services import contract_transition, contract_update
from clientela.core.errors import ApplicationError
from clientela.core.models import AuditEvent
from tests.contracts.conftest import draft, signed
from tests.factories import make_party


def _error(fn, **kwargs) -> tuple:
    with pytest.raises(ApplicationError) as caught:
        fn(**kwargs)
    return caught.value.code.value, caught.value.extra


def test_create_makes_a_draft_with_business_currency_and_party_of_the_relationship(
    users, own_rel, service_item
):
    signer = make_party(given_name="Ida", family_name="Signer")
    contract = draft(
        own_rel,
        users["account_manager"],
        signatories=[signer.public_id],
        services=[service_item.public_id],
    )
    assert (
        contract.public_id[:4],
        contract.status,
        contract.currency,
        contract.party_id,
        list(contract.signatories.values_list("public_id", flat=True)),
        list(contract.services.values_list("pk", flat=True)),
        contract.renewal_date,
        contract.notice_deadline,
    ) == (
        "ctr_",
        "draft",
        "EUR",
        own_rel.party_id,
        [signer.public_id],
        [service_item.pk],
        dt.date(2027, 12, 31),
        dt.date(2027, 12, 1),
    )
    assert (
        AuditEvent.objects.filter(action="contract.created", target_id=contract.public_id).count()
        == 1
    )


def test_create_refuses_bad_values_naming_the_field(users, own_rel, goods_item):
    org = make_party(kind="organisation", organisation_name="Acme")
    cases = [
        ({"title": "  "}, "title"),
        ({"end_on": dt.date(2026, 1, 1)}, "end_on"),
        ({"renewal_on": dt.date(2028, 6, 1)}, "renewal_on"),
        ({"value": "-1"}, "value"),
        ({"value": "abc"}, "value"),
        ({"currency": "EURO"}, "currency"),
        ({"billing": "weekly"}, "billing"),
        ({"services": [goods_item.public_id]}, "services"),
        ({"signatories": [org.public_id]}, "signatories"),
        ({"signatories": ["pty_nope"]}, "signatories"),
    ]
    for values, field in cases:
        code, extra = _error(draft, relationship=own_rel, actor=users["admin"], **values)
        assert (code, list(extra["fields"])) == ("validation_error", [field]), values


def test_create_needs_a_current_client(users):
    customer = make_party(relationship_kind="customer", stage="consideration")
    code, extra = _error(draft, relationship=customer.relationships.get(), actor=None)
    assert (code, list(extra["fields"])) == ("validation_error", ["party"])


def test_account_manager_creates_only_for_own_clients(users, own_rel, other_rel):
    assert draft(own_rel, users["account_manager"]).status == "draft"
    assert _error(draft, relationship=other_rel, actor=users["account_manager"])[0] == (
        "permission_denied"
    )
    for role in ("support_agent", "marketer", "viewer"):
        assert _error(draft, relationship=own_rel, actor=users[role])[0] == "permission_denied"


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        (["sent", "signed", "active", "expired"], True),
        (["sent", "signed", "active", "terminated"], True),
        (["sent", "signed", "expired"], True),
        (["sent", "draft", "sent", "signed"], True),
        (["terminated"], True),
        (["sent", "terminated"], True),
        (["signed"], False),
        (["active"], False),
        (["expired"], False),
        (["sent", "active"], False),
        (["sent", "signed", "sent"], False),
        (["sent", "signed", "draft"], False),
        (["sent", "signed", "active", "signed"], False),
        (["sent", "signed", "active", "expired", "active"], False),
        (["terminated", "draft"], False),
    ],
)
def test_transitions_follow_the_machine(users, own_rel, path, allowed):
    contract = draft(own_rel, users["manager"])
    try:
        for status in path:
            contract = contract_transition(
                actor=users["manager"], contract=contract, status=status, reason="why"
            )
    except ApplicationError as exc:
        assert not allowed
        assert (exc.code.value, exc.extra["to_status"]) == ("transition_refused", path[-1])
        return
    assert allowed
    assert contract.status == path[-1]


def test_signing_records_the_date_and_termination_needs_a_reason(users, own_rel):
    contract = signed(own_rel, users["manager"])
    assert (contract.status, contract.signed_on) == ("signed", dt.date(2026, 12, 20))
    code, extra = _error(
        contract_transition, actor=users["manager"], contract=contract, status="terminated"
    )
    assert (code, extra["fields"]) == (
        "validation_error",
        {"reason": ["a termination needs a reason"]},
    )
    contract = contract_transition(
        actor=users["manager"],
        contract=contract,
        status="terminated",
        reason="Client moved abroad",
        on=dt.date(2027, 3, 1),
    )
    assert (contract.status, contract.terminated_on, contract.termination_reason) == (
        "terminated",
        dt.date(2027, 3, 1),
        "Client moved abroad",
    )
    last = ContractAmendment.objects.filter(contract=contract).first()
    assert (last.changes, last.note, last.actor_id) == (
        {
            "status": ["signed", "terminated"],
            "terminated_on": [None, "2027-03-01"],
            "termination_reason": ["", "Client moved abroad"],
        },
        "Client moved abroad",
        users["manager"].pk,
    )


def test_every_transition_is_an_amendment(users, own_rel):
    contract = signed(own_rel, users["manager"], active=True)
    assert [a.changes["status"] for a in contract.amendments.order_by("id")] == [
        ["draft", "sent"],
        ["sent", "signed"],
        ["signed", "active"],
    ]


def test_account_manager_cannot_move_another_managers_contract(users, other_rel):
    contract = draft(other_rel, users["manager"])
    code, _extra = _error(
        contract_transition, actor=users["account_manager"], contract=contract, status="sent"
    )
    assert code == "permission_denied"


def test_draft_edits_freely_without_amendment_but_audited(users, own_rel):
    contract = draft(own_rel, users["account_manager"])
    contract = contract_update(
        actor=users["account_manager"], contract=contract, value="1200", title="Advisory"
    )
    assert (contract.value, contract.title, contract.amendments.count()) == (
        Decimal("1200.00"),
        "Advisory",
        0,
    )
    event = AuditEvent.objects.get(action="contract.updated", target_id=contract.public_id)
    assert event.data["changes"] == {
        "title": ["Advisory 2027", "Advisory"],
        "value": ["1000.00", "1200.00"],
    }


def test_signed_contract_changes_only_with_a_note_and_records_before_after(
    users, own_rel, service_item
):
    contract = signed(own_rel, users["manager"], active=True)
    code, extra = _error(
        contract_update, actor=users["manager"], contract=contract, value=Decimal("1100")
    )
    assert (code, extra["fields"]) == (
        "validation_error",
        {"note": ["a signed contract changes only with a note"]},
    )
    assert contract.amendments.count() == 3
    contract = contract_update(
        actor=users["manager"],
        contract=contract,
        note="Price indexation 2027",
        value=Decimal("1100"),
        end_on=dt.date(2028, 12, 31),
        services=[service_item.public_id],
        notice_days=30,  # unchanged: not part of the amendment
    )
    amendment = contract.amendments.first()
    assert (amendment.changes, amendment.note, amendment.actor_id) == (
        {
            "value": ["1000.00", "1100.00"],
            "end_on": ["2027-12-31", "2028-12-31"],
            "services": [[], [service_item.public_id]],
        },
        "Price indexation 2027",
        users["manager"].pk,
    )


def test_an_update_that_changes_nothing_writes_nothing(users, own_rel):
    contract = signed(own_rel, users["manager"])
    contract_update(actor=users["manager"], contract=contract, title="Advisory 2027")
    assert contract.amendments.count() == 2


def test_update_refuses_fields_outside_the_editable_ones(users, own_rel):
    contract = draft(own_rel, users["manager"])
    code, extra = _error(
        contract_update, actor=users["manager"], contract=contract, status="active"
    )
    assert (code, list(extra["fields"])) == ("validation_error", ["status"])
