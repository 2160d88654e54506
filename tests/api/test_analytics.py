"""Scores and classification (read-only) over real HTTP: the latest succeeded runs."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from clientela.analytics.models import PartyScore
from clientela.analytics.services import analysis_run
from clientela.commerce.services import LineIn, order_record
from clientela.growth.models import Classification
from clientela.growth.selectors import classification_run_latest
from clientela.growth.services import classification_run
from tests.factories import make_party


def _at(day: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(f"{day}T10:00:00+00:00")


@pytest.fixture
def analysed(users):
    """Three customers with paid orders, analysed and classified once."""
    parties = []
    for n, days in enumerate((["2025-01-05", "2025-02-05", "2025-03-05"], ["2025-01-20"], [])):
        party = make_party(given_name=f"P{n}", relationship_kind="customer", at=_at("2025-01-01"))
        for day in days:
            order_record(
                actor=None,
                payer=party,
                lines=[LineIn(description="x", unit_price=Decimal("25"))],
                currency="EUR",
                placed_at=_at(day),
            )
        parties.append(party)
    run = analysis_run(actor=None)
    classification_run(actor=None)
    return parties, run, classification_run_latest()


def test_no_run_yet_is_an_empty_list_and_a_404_per_party(api, customer):
    client = api("viewer", "read")

    assert client.get("/scores").json() == {"items": [], "next": None}
    assert client.get("/classifications").json() == {"items": [], "next": None}
    response = client.get(f"/parties/{customer.public_id}/score")
    assert (response.status_code, response.json()["message"]) == (
        404,
        "The latest analysis run has no score for this party.",
    )


def test_scores_of_the_latest_run(api, analysed):
    parties, run, _classified = analysed
    client = api("viewer", "read")

    listed = client.get("/scores", params={"limit": 1}).json()
    rest = client.get("/scores", params={"limit": 1, "cursor": listed["next"]}).json()
    one = client.get(f"/parties/{parties[0].public_id}/score").json()
    none = client.get(f"/parties/{parties[2].public_id}/score")

    stored = PartyScore.objects.get(run=run, party=parties[0])
    assert [s["party"] for s in listed["items"] + rest["items"]] == [
        parties[0].public_id,
        parties[1].public_id,
    ]
    assert rest["next"] is None
    assert (one["run"], one["frequency"], one["monetary_value"], one["segment"]) == (
        run.public_id,
        stored.frequency,
        str(stored.monetary_value),
        stored.segment,
    )
    assert one["currency"] == "EUR"
    assert none.status_code == 404


def test_classification_of_the_latest_run(api, analysed):
    parties, _run, run = analysed
    client = api("viewer", "read")

    one = client.get(f"/parties/{parties[0].public_id}/classification").json()
    listed = client.get("/classifications").json()

    stored = Classification.objects.get(party=parties[0], run=run)
    assert one["run"] == run.public_id
    assert (one["kind"], one["behaves_like"], one["mismatch"]) == (
        stored.kind,
        stored.behaves_like,
        stored.mismatch,
    )
    assert one["confidence"] == pytest.approx(stored.confidence)
    assert [e["dimension"] for e in one["explanation"]] == [
        e["dimension"] for e in stored.explanation
    ]
    assert sorted(c["party"] for c in listed["items"]) == sorted(p.public_id for p in parties)
