"""/radar over real HTTP, on real classification runs of the hand-built business of
tests/growth/conftest.py: exact readiness, components and reasons, the ranking with ties by
party id walked page by page, the filters, the model record, and every role reading."""

from __future__ import annotations

from datetime import datetime

import pytest

from clientela.analytics.models import PartyScore
from clientela.analytics.services import analysis_run
from clientela.growth.models import ClassificationRun
from clientela.growth.services import classification_run
from tests.factories import make_party
from tests.growth.conftest import at, small_business, thirty_conversions  # noqa: F401

ROLES = ["admin", "manager", "account_manager", "support_agent", "marketer", "viewer"]
# As tests/growth/test_radar_service.py: X's value, personalisation 0.5, engagement 1.
X_VALUE = (0.0 + 0.05 / 1.8 + 1 / 21) / 3
X_READY = (0.30 * X_VALUE + 0.25 * 0.5 + 0.20 * 1.0) / 0.75
Y_READY = 0.30 * X_VALUE / 0.75


def _classify() -> ClassificationRun:
    classification_run(actor=None, business_type="professional_services")
    return ClassificationRun.objects.order_by("-id").first()


def _walk(client, **params) -> list[list[str]]:
    pages, cursor = [], None
    while True:
        found = client.get("/radar", params={**params, **({"cursor": cursor} if cursor else {})})
        assert found.status_code == 200, found.text
        pages.append([item["party"] for item in found.json()["items"]])
        if not (cursor := found.json()["next"]):
            return pages


@pytest.fixture
def quiet_customers(small_business, users):  # noqa: F811
    """Four customers with no history at all (the same readiness: a tie broken by party
    id), the third owned by the account manager."""
    return [
        make_party(
            given_name=f"Q{n}",
            family_name="Quiet",
            relationship_kind="customer",
            owner=users["account_manager"] if n == 2 else None,
            at=at("2025-05-01"),
        ).public_id
        for n in range(4)
    ]


def test_the_radar_lists_the_customers_with_readiness_components_and_reason(
    api,
    small_business,  # noqa: F811
):
    run = _classify()

    response = api("viewer", "read").get("/radar")

    items = response.json()["items"]
    assert response.status_code == 200
    assert [item["party"] for item in items] == [small_business["X"], small_business["Y"]]
    x = items[0]
    assert (x["party_name"], x["run"], x["owner"], x["segment"], x["segment_label"]) == (
        "X Test",
        run.public_id,
        None,
        "",
        "",
    )
    assert round(x["readiness"], 9) == round(x["radar_score"], 9) == round(X_READY, 9)
    assert {k: (None if v is None else round(v, 9)) for k, v in x["components"].items()} == {
        "value": round(X_VALUE, 9),
        "satisfaction": None,
        "personalisation": 0.5,
        "advocacy": None,
        "engagement": 1.0,
    }
    assert (x["next_action"], x["next_action_label"]) == (
        "survey",
        "Ask for suggestions: satisfaction survey",
    )
    assert x["next_action_reason"] == (
        "Readiness 44/100, but how satisfied they are is unknown: send a satisfaction survey "
        "before offering more."
    )
    assert round(items[1]["readiness"], 9) == round(Y_READY, 9)
    assert (items[1]["next_action"], items[1]["next_action_reason"]) == (
        "incentives",
        "Readiness 1/100, not ready yet: keep them coming back with regular incentives.",
    )
    assert response.json()["next"] is None


def test_pages_walk_the_ranking_with_ties_broken_by_party_id(
    api,
    small_business,  # noqa: F811
    quiet_customers,
):
    _classify()
    client = api("manager", "read")

    pages = _walk(client, limit=2)
    whole = client.get("/radar").json()["items"]

    scores = [item["radar_score"] for item in whole]
    assert pages == [
        [small_business["X"], small_business["Y"]],
        quiet_customers[:2],
        quiet_customers[2:],
    ]
    assert len({round(score, 12) for score in scores[2:]}) == 1
    assert scores == sorted(scores, reverse=True)
    assert [item["party"] for item in whole] == [p for page in pages for p in page]


def test_the_filters_owner_and_min_score(
    api,
    small_business,  # noqa: F811
    quiet_customers,
):
    _classify()
    client = api("support_agent", "read")

    owned = client.get("/radar", params={"owner": "account_manager"}).json()["items"]
    nobodys = _walk(client, owner="none", limit=3)
    second = client.get("/radar").json()["items"][1]["radar_score"]
    ready = client.get("/radar", params={"min_score": second}).json()["items"]
    nobody_ready = client.get("/radar", params={"min_score": 0.99}).json()
    unknown_owner = client.get("/radar", params={"owner": "ghost"})
    too_high = client.get("/radar", params={"min_score": 1.5})

    assert [item["party"] for item in owned] == [quiet_customers[2]]
    assert owned[0]["owner"] == "account_manager"
    assert nobodys == [
        [small_business["X"], small_business["Y"], quiet_customers[0]],
        [quiet_customers[1], quiet_customers[3]],
    ]
    assert [item["party"] for item in ready] == [small_business["X"], small_business["Y"]]
    assert nobody_ready == {"items": [], "next": None}
    assert (unknown_owner.status_code, list(unknown_owner.json()["fields"])) == (422, ["owner"])
    assert (too_high.status_code, list(too_high.json()["fields"])) == (422, ["min_score"])


def test_the_segment_filter_uses_the_latest_analysis(
    api,
    small_business,  # noqa: F811
):
    analysis = analysis_run(actor=None)
    _classify()
    segments = dict(
        PartyScore.objects.filter(run=analysis, kind="customer").values_list(
            "party__public_id", "segment"
        )
    )
    client = api("marketer", "read")

    items = client.get("/radar").json()["items"]
    chosen = segments[small_business["X"]]
    filtered = client.get("/radar", params={"segment": chosen}).json()["items"]
    none = client.get("/radar", params={"segment": "no_such_segment"}).json()

    assert {item["party"]: item["segment"] for item in items} == {
        small_business["X"]: segments[small_business["X"]],
        small_business["Y"]: segments[small_business["Y"]],
    }
    assert [item["party"] for item in filtered] == [
        item["party"] for item in items if item["segment"] == chosen
    ]
    assert none == {"items": [], "next": None}


def test_a_cursor_is_bound_to_its_run(
    api,
    small_business,  # noqa: F811
):
    _classify()
    client = api("viewer", "read")
    cursor = client.get("/radar", params={"limit": 1}).json()["next"]
    _classify()

    stale = client.get("/radar", params={"cursor": cursor})
    forged = client.get("/radar", params={"cursor": "bm90IGEgY3Vyc29y"})

    assert (stale.status_code, stale.json()["fields"]) == (
        422,
        {"cursor": ["is not a cursor this list produced"]},
    )
    assert (forged.status_code, list(forged.json()["fields"])) == (422, ["cursor"])


def test_before_any_run_the_list_is_empty_and_the_model_is_404(api):
    client = api("viewer", "read")

    listed = client.get("/radar")
    model = client.get("/radar/model")

    assert (listed.status_code, listed.json()) == (200, {"items": [], "next": None})
    assert (model.status_code, model.json()) == (
        404,
        {
            "code": "not_found",
            "message": "No classification run has finished yet: run the classification.",
            "fields": {},
        },
    )


def test_the_model_record_of_a_transparent_run(
    api,
    small_business,  # noqa: F811
):
    run = _classify()

    body = api("account_manager", "read").get("/radar/model").json()

    assert body == {
        "run": run.public_id,
        "run_finished_at": body["run_finished_at"],
        "method": "default",
        "weights": {
            "value": 0.30,
            "satisfaction": 0.15,
            "personalisation": 0.25,
            "advocacy": 0.10,
            "engagement": 0.20,
        },
        "ready": 0.6,
        "conversion_pays": True,
        "conversions": 0,
        "min_conversions": 30,
        "supported": ["revenue", "frequency", "tenure", "personalised", "questions", "staff"],
        "features": None,
        "coefficients": None,
        "intercept": None,
        "penalty": None,
        "negatives": None,
        "cv_auc": None,
        "cv_brier": None,
    }
    finished = run.finished_at
    assert datetime.fromisoformat(body["run_finished_at"]) == finished.replace(
        microsecond=finished.microsecond // 1000 * 1000
    )


def test_the_model_record_of_a_learned_run(
    api,
    thirty_conversions,  # noqa: F811
):
    run = _classify()
    learned = run.radar["model"]

    body = api("viewer", "read").get("/radar/model").json()
    items = api("viewer", "read").get("/radar").json()["items"]

    assert (body["method"], body["conversions"]) == ("logistic", 30)
    assert body["coefficients"] == learned["coefficients"]
    assert sorted(body["coefficients"]) == sorted(learned["features"]) == sorted(body["features"])
    assert (body["cv_auc"], body["cv_brier"], body["intercept"]) == (
        learned["cv_auc"],
        learned["cv_brier"],
        learned["intercept"],
    )
    assert 0.0 <= body["cv_auc"] <= 1.0
    # ranked by the learned probability; the readiness stays the transparent score
    x = next(item for item in items if item["party"] == thirty_conversions["X"])
    assert round(x["readiness"], 9) == round(X_READY, 9) != round(x["radar_score"], 9)
    assert [i["radar_score"] for i in items] == sorted(
        (i["radar_score"] for i in items), reverse=True
    )


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_the_radar(
    api,
    small_business,  # noqa: F811
    role,
):
    _classify()
    client = api(role, "read")

    listed = client.get("/radar")
    model = client.get("/radar/model")

    assert (listed.status_code, len(listed.json()["items"]), model.status_code) == (200, 2, 200)


def test_strangers_do_not_read_the_radar(anonymous):
    assert anonymous.get("/radar").status_code == 401
    assert anonymous.get("/radar/model").status_code == 401
