"""The classification on small hand-built data written through the real services (see
conftest.py): features measured from the data, exact scores, decision and explanation."""

from __future__ import annotations

import math

import pytest
from django.utils import translation
from typer.testing import CliRunner

from clientela.cli import app
from clientela.core.errors import ApplicationError
from clientela.growth.classify import DIMENSIONS, classify, explanation_of
from clientela.growth.models import ClassificationRun
from clientela.growth.services import classification_run
from tests.analytics.pipelines.conftest import engine_available

runner = CliRunner()


def _by_party(frame, public_id: str) -> dict:
    return frame[frame["customer_id"] == public_id].iloc[0].to_dict()


def test_a_customer_meeting_staff_and_buying_personalised_services_behaves_like_a_client(
    small_business,
):
    # given X: a customer with 3 meetings a month with Ana and 80 % personalised spend
    # when every relationship is classified for a professional services business
    with translation.override("en"):
        result = classification_run(actor=None, business_type="professional_services")

    # then X behaves like a client, which is a mismatch, with these exact scores
    x = _by_party(result, small_business["X"])
    scores = {name: round(x[f"score_{name}"], 9) for name in DIMENSIONS}
    assert scores == {
        "engagement": 0.8,
        "offering": 1.0,
        "volume": 0.5,
        "acquisition": 0.0,
        "experience": 1.0,
        "journey": round(0.25 / 21, 9),
        "commitment": round(0.5 / 21, 9),
    }
    assert round(x["total"], 9) == round(0.2 + 0.25 + 0.075 + 0.1 + 0.025 / 21 + 0.025 / 21, 9)
    assert (x["kind"], x["behaves_like"], bool(x["mismatch"])) == ("customer", "client", True)
    assert round(x["confidence"], 9) == round(2 * (x["total"] - 0.5), 9)
    # and the explanation names offering and engagement first, in plain sentences
    with translation.override("en"):
        explained = explanation_of(x)
    assert [entry[0] for entry in explained] == [
        "offering",
        "engagement",
        "experience",
        "volume",
        "commitment",
        "journey",
        "acquisition",
    ]
    assert [entry[2] for entry in explained[:3]] == [
        "80% of spend on personalised services.",
        "3.0 staff interactions a month, most with Ana Ionescu; the party started 0% of them.",
        "Staff started 100% of the contacts with them; contacts in all: 12.",
    ]
    assert explained[-1][2] == "Acquired through a mass-market channel (Search ad)."


def test_a_walk_in_customer_without_staff_contact_behaves_like_a_customer(small_business):
    with translation.override("en"):
        result = classification_run(actor=None, business_type="professional_services")

    y = _by_party(result, small_business["Y"])
    assert (y["behaves_like"], bool(y["mismatch"]), round(y["total"], 9)) == (
        "customer",
        False,
        round(0.075 + 0.025 / 21 + 0.025 / 21, 9),
    )
    with translation.override("en"):
        explained = explanation_of(y)
    assert explained[0] == (
        "engagement",
        0.0,
        "No meetings, calls or emails with staff.",
    )
    assert explained[-1] == (
        "volume",
        0.5,
        "Revenue of 50.00, 18.5% of the business total, in the top 100% by revenue.",
    )


def test_the_features_are_measured_from_the_data(small_business):
    # when the features are computed (the observation ends at Y's order, 4 months in)
    result = classification_run(actor=None)

    # then Z's measures are exactly those worked out by hand
    z = _by_party(result, small_business["Z"])
    assert {
        key: z[key]
        for key in (
            "kind",
            "stage",
            "months",
            "staff_interactions",
            "interactions_per_month",
            "inbound_share",
            "main_staff",
            "personalised_share",
            "revenue",
            "targeted_channel",
            "staff_contacts",
            "proactive_share",
            "client_stage",
            "purchases",
        )
    } == {
        "kind": "client",
        "stage": "relationship_management",
        "months": 4.0,
        "staff_interactions": 1,
        "interactions_per_month": 0.25,
        "inbound_share": 1.0,
        "main_staff": "Ana Ionescu",
        "personalised_share": 0.0,
        "revenue": 120.0,
        "targeted_channel": True,
        "staff_contacts": 1,
        "proactive_share": 0.0,
        "client_stage": True,
        "purchases": 4,
    }
    assert math.isclose(z["gap_cv"], math.sqrt(2) / 30, rel_tol=1e-12)
    assert math.isclose(z["revenue_share"], 120 / 270, rel_tol=1e-12)
    percentiles = {
        key: _by_party(result, small_business[key])["revenue_percentile"] for key in "XYZ"
    }
    assert percentiles == {"X": 1 / 3, "Y": 0.0, "Z": 2 / 3}
    # one purchase day is too few to measure regularity
    assert math.isnan(_by_party(result, small_business["Y"])["gap_cv"])


@pytest.mark.parametrize("other", ["postgres", pytest.param("spark", marks=pytest.mark.spark)])
def test_every_engine_classifies_and_ranks_like_duckdb(request, thirty_conversions, other):
    # given the hand-built business with 30 past conversions (the radar learns from them)
    engine_available(other)
    if other == "spark":
        request.getfixturevalue("spark_for_tests")

    # when the classification and the radar run on DuckDB and on the other engine
    duck = classification_run(actor=None, engine="duckdb")
    got = classification_run(actor=None, engine=other)

    # then every measure, score, decision, explanation and radar value is the same
    assert list(duck["customer_id"]) == list(got["customer_id"])
    structured = {"explanation_order"}
    columns = [c for c in duck.columns if c not in structured]
    numeric = duck[columns].select_dtypes("number").columns
    for column in columns:
        if column in numeric:
            assert (
                duck[column].fillna(-1).round(9).tolist()
                == got[column].fillna(-1).round(9).tolist()
            ), column
        else:
            assert duck[column].tolist() == got[column].tolist(), column
    assert duck["explanation_order"].tolist() == got["explanation_order"].tolist()
    runs = ClassificationRun.objects.order_by("id")
    assert [r.radar["method"] for r in runs] == ["logistic", "logistic"]
    assert _rounded(runs[0].radar["model"]["coefficients"]) == _rounded(
        runs[1].radar["model"]["coefficients"]
    )


def _rounded(value, digits: int = 6):
    if isinstance(value, dict):
        return {k: _rounded(v, digits) for k, v in value.items()}
    if isinstance(value, float):
        return round(value, digits)
    return value


def test_only_admins_managers_and_the_system_may_classify(small_business, users):
    with pytest.raises(ApplicationError) as refused:
        classification_run(actor=users["viewer"])

    assert refused.value.code == "permission_denied"
    assert len(classification_run(actor=users["manager"])) == 3


def test_an_unknown_business_type_or_weight_is_a_validation_error(small_business):
    with pytest.raises(ApplicationError) as bad_type:
        classification_run(actor=None, business_type="casino")
    features = classification_run(actor=None)
    with pytest.raises(ApplicationError) as bad_weight:
        classify(features, weights={"luck": 1.0})

    assert (bad_type.value.code, bad_type.value.message) == (
        "validation_error",
        "business_type: must be one of professional_services, retail, hospitality, "
        "banking, ecommerce",
    )
    assert bad_weight.value.message == "weights: unknown dimension 'luck'"


def test_the_explanations_are_translated(small_business):
    with translation.override("es"):
        result = classification_run(actor=None)

    x = _by_party(result, small_business["X"])
    with translation.override("es"):
        assert explanation_of(x)[0][2] == "El 80% del gasto en servicios personalizados."


def test_classify_command_lists_the_mismatches_and_explains_a_party(small_business):
    listed = runner.invoke(app, ["classify"])
    explained = runner.invoke(app, ["classify", "--explain", small_business["X"]])
    unknown = runner.invoke(app, ["classify", "--explain", "pty_nobody"])

    assert listed.exit_code == 0, listed.output
    assert small_business["X"] in listed.output and small_business["Z"] in listed.output
    assert small_business["Y"] not in listed.output
    assert "3 relationships classified; 2 behave unlike their recorded kind." in listed.output
    assert explained.exit_code == 0, explained.output
    assert (
        f"{small_business['X']}: recorded as a customer; behaves like a client (score 0.63, "
        "confidence 25%)." in explained.output
    )
    assert "1. Offering (1.00): 80% of spend on personalised services." in explained.output
    assert unknown.exit_code == 1
    assert "party: pty_nobody has no current relationship to classify" in unknown.output
