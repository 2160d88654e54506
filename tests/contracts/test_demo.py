"""Contracts in the demo: deterministic, alive renewal lists, nothing for the cafe."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from clientela.contracts.demo import demo_load as contracts_demo_load
from clientela.contracts.models import Contract, ContractAmendment
from clientela.contracts.selectors import contract_value_by_owner, contracts_renewing
from clientela.demo import demo_load

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 10, 31, tzinfo=UTC)  # the end of the demo history


def test_the_bank_demo_gets_contracts_deterministically():
    from clientela.parties.models import Relationship

    demo_load(business="bank", size="small", seed=42, desk=False)
    created = contracts_demo_load(business="bank", seed=42, now=NOW)
    binding = Relationship.objects.filter(
        kind="client", is_current=True,
        stage__in=("purchase", "onboarding", "relationship_management"),
    )  # fmt: skip
    assert (created, Contract.objects.count(), ContractAmendment.objects.count()) == (
        484,
        124,
        360,
    )
    assert Counter(Contract.objects.values_list("status", flat=True)) == {
        "active": 72, "expired": 26, "signed": 14, "draft": 5, "terminated": 5, "sent": 2,
    }  # fmt: skip
    assert Counter(Contract.objects.values_list("billing", flat=True)) == {
        "monthly": 75, "quarterly": 26, "yearly": 23,
    }  # fmt: skip
    renewing = contracts_renewing(owner_id=None, today=date(2026, 10, 31), within_days=60)
    assert len(renewing) == 24
    # per account manager (ids differ between runs' user tables only by order of creation)
    assert sorted(contract_value_by_owner(today=date(2026, 10, 31)).values()) == [
        Decimal("320275.08"), Decimal("343754.28"), Decimal("398304.36"),
    ]  # fmt: skip
    with_document = Contract.objects.exclude(document="")
    assert [(c.status, c.document_content_type) for c in with_document] == [
        ("active", "application/pdf")
    ] * 3
    assert all(c.document.read(5) == b"%PDF-" for c in with_document)
    # every binding contract's history ends in its status
    for contract in Contract.objects.filter(status__in=("signed", "active", "expired")):
        assert contract.amendments.first().changes["status"][1] == contract.status
    assert set(binding.values_list("pk", flat=True)) <= set(
        Contract.objects.filter(status__in=("signed", "active")).values_list(
            "relationship_id", flat=True
        )
    )
    assert contracts_demo_load(business="bank", seed=42, now=NOW) == 0


def test_the_cafe_has_no_contracts():
    assert contracts_demo_load(business="cafe", seed=42, now=NOW) == 0
