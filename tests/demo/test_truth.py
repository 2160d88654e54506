"""The demo's truth: what each generated party really is, known without a database and
matching what a load writes."""

from __future__ import annotations

from collections import Counter

from clientela.demo import demo_load, demo_truth
from clientela.parties.models import Relationship


def test_the_truth_names_every_party_with_a_relationship_and_agrees_with_the_load(db):
    # given the truth of a bank demo, computed before and without the load
    truth = demo_truth(business="bank", size="small", seed=42, parties=400)

    # when the same demo is loaded
    demo_load(business="bank", size="small", seed=42, parties=400)

    # then it names exactly the parties with a relationship
    current = dict(
        Relationship.objects.filter(is_current=True).values_list("party__public_id", "kind")
    )
    assert set(truth) == set(current)
    # and what it says agrees with what was written: clients and converted parties are
    # current clients, customers and look-alikes current customers
    recorded = {"client": "client", "converted": "client", "customer": "customer",
                "client_like_customer": "customer"}  # fmt: skip
    assert {pid: recorded[label] for pid, label in truth.items()} == current
    converted = set(
        Relationship.objects.filter(status="converted").values_list("party__public_id", flat=True)
    )
    assert converted == {pid for pid, label in truth.items() if label == "converted"}
    assert set(Counter(truth.values())) == {
        "client",
        "customer",
        "client_like_customer",
        "converted",
    }


def test_the_truth_is_the_same_for_the_same_seed():
    first = demo_truth(business="cafe", size="small", seed=5, parties=200)
    assert first == demo_truth(business="cafe", size="small", seed=5, parties=200)
    assert first != demo_truth(business="cafe", size="small", seed=6, parties=200)
