"""The customer desk adds nothing to the demo: the base demo already places customers."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

import pytest

from clientela.customerdesk.demo import demo_load as customerdesk_demo_load
from clientela.demo import demo_load

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 10, 31, tzinfo=UTC)


@pytest.mark.parametrize("business", ["cafe", "bank"])
def test_the_base_demo_already_places_every_customer_by_its_orders(business):
    from clientela.commerce.models import Order
    from clientela.customerdesk.stages import _paid_history, stage_moves_plan
    from clientela.parties.models import Relationship

    demo_load(business=business, size="small", seed=42, desk=False)
    customers = list(Relationship.objects.filter(kind="customer", is_current=True))
    paid = defaultdict(int)
    for payer_id in Order.objects.filter(status="paid").values_list("payer_id", flat=True):
        paid[payer_id] += 1
    by_stage = defaultdict(set)
    for rel in customers:
        by_stage[rel.stage].add(paid[rel.party_id] if paid[rel.party_id] < 2 else 2)

    # no order before purchase, one at purchase, two or more in retention
    assert dict(by_stage) == {
        "awareness": {0}, "consideration": {0}, "purchase": {1}, "retention": {2},
    }  # fmt: skip
    # the rules, run over every demo order at once, would move nobody
    orders = list(Order.objects.all())
    plan = stage_moves_plan(
        relationships=customers, orders=orders,
        paid_history=_paid_history([r.party_id for r in customers]), window_days=90,
    )  # fmt: skip
    assert plan == []
    assert customerdesk_demo_load(business=business, seed=42, now=NOW) == 0
