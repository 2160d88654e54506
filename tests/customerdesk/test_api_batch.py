"""Stage moves from an API batch of orders (over real HTTP), with new parties created by
the batch: they enter the customer journey in awareness, then their orders move them."""

from __future__ import annotations

from clientela.parties.models import Party, Relationship
from tests.customerdesk.helpers import customer, day, transitions


def test_an_orders_batch_moves_each_payer_by_its_own_orders(api):
    known = customer("Known", stage="consideration")
    line = [{"description": "Coffee", "unit_price": "3.50"}]
    items = [
        {"external_id": "o-3", "party": known.public_id, "currency": "EUR", "lines": line,
         "placed_at": day(20).isoformat()},
        {"external_id": "o-1", "party": known.public_id, "currency": "EUR", "lines": line,
         "placed_at": day(1).isoformat()},
        {"external_id": "o-2", "party_email": "new@example.test", "currency": "EUR",
         "lines": line, "placed_at": day(5).isoformat()},
        {"external_id": "o-4", "party_email": "new@example.test", "currency": "EUR",
         "lines": line, "placed_at": day(300).isoformat(), "status": "refunded"},
    ]  # fmt: skip

    response = api("admin").post("/orders:batch", json={"items": items, "create_parties": True})

    assert response.status_code == 200
    assert response.json()["totals"] == {"created": 4, "unchanged": 0, "rejected": 0}
    new = Party.objects.get(contact_points__normalized="new@example.test")
    assert Relationship.objects.get(party=known).stage == "retention"
    assert [t[:3] for t in transitions(known)] == [
        ("consideration", "purchase", day(1)), ("purchase", "retention", day(20)),
    ]  # fmt: skip
    rel = Relationship.objects.get(party=new)
    assert (rel.kind, rel.stage) == ("customer", "purchase")
    assert [t[:2] for t in transitions(new)] == [
        ("awareness", "consideration"), ("consideration", "purchase"),
    ]  # fmt: skip
