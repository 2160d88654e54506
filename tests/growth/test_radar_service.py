"""The radar inside a classification run, on the hand-built business of conftest.py (and 30
past conversions where the model must learn): exact stored scores and actions, the
business's settings, the bulk assignment, the pages and the CSV export."""

from __future__ import annotations

import csv

import pytest
from typer.testing import CliRunner

from clientela.accounts.models import Role
from clientela.cli import app
from clientela.core.errors import ApplicationError
from clientela.growth.models import Classification, ClassificationRun
from clientela.growth.selectors import radar_page
from clientela.growth.services import classification_run, radar_candidates_assign
from clientela.growth.settings import growth_settings_get, growth_settings_update
from clientela.parties.models import Party, Relationship
from tests.conftest import PASSWORD
from tests.factories import UserFactory

# X: revenue percentile 1/3 (ramp 0), 1 purchase in 4 months (0.25 a month: 0.05 / 1.8),
# tenure 4 months (1/21); 80% personalised (1), no questions (0); 3 interactions a month (1).
X_VALUE = (0.0 + 0.05 / 1.8 + 1 / 21) / 3
X_READY = (0.30 * X_VALUE + 0.25 * 0.5 + 0.20 * 1.0) / 0.75
# Y: percentile 0, the same frequency and tenure, nothing personal, no staff.
Y_READY = 0.30 * X_VALUE / 0.75


def _row(public_id: str) -> Classification:
    return Classification.objects.get(party__public_id=public_id)


def test_the_run_ranks_the_customers_with_the_transparent_score(small_business):
    classification_run(actor=None, business_type="professional_services")

    x, y, z = (_row(small_business[k]) for k in "XYZ")
    run = ClassificationRun.objects.get()
    assert round(x.radar_score, 9) == round(X_READY, 9)
    assert round(y.radar_score, 9) == round(Y_READY, 9)
    assert round(x.radar["default"], 9) == round(X_READY, 9)
    assert {k: (None if v is None else round(v, 9)) for k, v in x.radar["components"].items()} == {
        "value": round(X_VALUE, 9),
        "satisfaction": None,
        "personalisation": 0.5,
        "advocacy": None,
        "engagement": 1.0,
    }
    # readiness 0.44 with no satisfaction known: a survey; Y is not ready: incentives
    assert (x.next_action, y.next_action) == ("survey", "incentives")
    assert (z.radar_score, z.radar, z.next_action) == (None, {}, "")
    assert run.radar["method"] == "default"
    assert run.radar["conversions"] == 0
    assert run.radar["conversion_pays"] is True
    assert run.radar["supported"] == ["revenue", "frequency", "tenure", "personalised",
                                      "questions", "staff"]  # fmt: skip


def test_the_past_conversions_are_measured_up_to_their_conversion(thirty_conversions):
    from clientela.analytics.engines import engine_open
    from clientela.growth.features import classification_features

    engine = engine_open("duckdb")
    try:
        frame = engine.execute(classification_features(engine.tables, population="converted"))
    finally:
        engine.close()

    assert len(frame) == 30
    row = frame.sort_values("customer_id").iloc[0]
    assert (row["kind"], row["purchases"], row["revenue"]) == ("customer", 1, 60.0)
    assert (row["advice_requests"], row["staff_interactions"], row["support_contacts"]) == (1, 1, 0)
    assert round(row["months"], 9) == round(59 / 30.4375, 9)
    # the one purchase, 2025-01-20 10:00, is 39 days and 14 hours before the conversion
    assert round(row["first_purchase_age_days"], 9) == round(39 + 14 / 24, 9)
    assert round(row["last_purchase_age_days"], 9) == round(39 + 14 / 24, 9)


def test_with_thirty_conversions_the_radar_learns_and_shows_its_coefficients(thirty_conversions):
    classification_run(actor=None, business_type="professional_services")

    run = ClassificationRun.objects.get()
    model = run.radar["model"]
    assert (run.radar["method"], run.radar["conversions"]) == ("logistic", 30)
    assert (model["conversions"], model["negatives"]) == (30, 2)
    assert set(model["coefficients"]) == set(run.radar["supported"])
    # the learned probability ranks; the transparent readiness still picks the action
    x = _row(thirty_conversions["X"])
    assert 0.0 < x.radar_score < 1.0
    assert round(x.radar["default"], 9) == round(X_READY, 9)
    assert x.next_action == "survey"


def test_settings_are_the_type_s_defaults_until_an_admin_changes_them(small_business, users):
    # when a manager tries and an admin changes two weights, a threshold and the mode
    with pytest.raises(ApplicationError) as refused:
        growth_settings_update(actor=users["manager"], weights={"engagement": 1})
    growth_settings_update(
        actor=users["admin"],
        weights={"engagement": 0.5, "offering": 0.25},
        thresholds={"personalised_share": (0.2, 0.9)},
        conversion="no",
        ready=0.5,
    )
    current = growth_settings_get()

    # then only what differs from the defaults is stored, and the run uses it
    assert refused.value.code == "permission_denied"
    from clientela.core.selectors import business_get

    assert business_get().growth_settings == {
        "weights": {"engagement": 0.5},
        "thresholds": {"personalised_share": [0.2, 0.9]},
        "conversion": "no",
        "ready": 0.5,
    }
    assert current.thresholds["personalised_share"] == (0.2, 0.9)
    classification_run(actor=None)
    run = ClassificationRun.objects.get()
    assert run.weights["engagement"] == 0.5
    assert run.thresholds["personalised_share"] == [0.2, 0.9]
    assert run.radar["conversion_pays"] is False
    assert set(Classification.objects.exclude(next_action="").values_list(
        "next_action", flat=True)) == {"incentives"}  # fmt: skip
    # and a reset brings the defaults back
    growth_settings_update(actor=users["admin"], reset=True)
    assert business_get().growth_settings == {}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"thresholds": {"months": (10, 5)}}, "months: the low end must be below the high end"),
        ({"thresholds": {"speed": (1, 2)}}, "thresholds: unknown threshold 'speed'"),
        ({"thresholds": {"months": ("a", 2)}}, "months: must be two numbers, low and high"),
        ({"ready": 0}, "ready: must be above 0 and at most 1"),
        ({"conversion": "maybe"}, "conversion: must be auto, yes or no"),
        ({"weights": {"charm": 1}}, "weights: unknown dimension 'charm'"),
    ],
)
def test_bad_settings_are_refused_and_nothing_is_stored(small_business, change, message):
    from clientela.core.selectors import business_get

    with pytest.raises(ApplicationError) as refused:
        growth_settings_update(actor=None, **change)
    assert refused.value.message == message
    assert business_get().growth_settings == {}


def test_bulk_assignment_is_all_or_nothing(small_business, users):
    classification_run(actor=None, business_type="professional_services")
    ana = small_business["ana"]
    ids = [small_business["X"], small_business["Y"]]

    # an unknown party, or an account manager giving customers to someone else, changes none
    with pytest.raises(ApplicationError) as unknown:
        radar_candidates_assign(actor=users["manager"], party_ids=[*ids, "pty_nobody"], owner=ana)
    with pytest.raises(ApplicationError) as refused:
        radar_candidates_assign(actor=users["account_manager"], party_ids=ids, owner=ana)
    assert unknown.value.code == "not_found"
    assert refused.value.code == "permission_denied"
    assert Relationship.objects.filter(is_current=True, kind="customer", owner=ana).count() == 0

    # a manager assigns both at once, and the directory's copy follows
    assert radar_candidates_assign(actor=users["manager"], party_ids=ids, owner=ana) == 2
    owners = set(Party.objects.filter(public_id__in=ids).values_list("current_owner", flat=True))
    assert owners == {ana.pk}
    assert [r.party.public_id for r in radar_page(owner="ana").rows] == ids
    assert radar_page(owner="none").rows == []


def test_the_radar_page_filters_by_score_and_segment(small_business):
    from clientela.analytics.services import analysis_run

    analysis_run(actor=None)
    classification_run(actor=None, business_type="professional_services")

    everyone = radar_page()
    ready = radar_page(min_score=0.4)
    assert [r.party.public_id for r in everyone.rows] == [small_business["X"], small_business["Y"]]
    assert [r.party.public_id for r in ready.rows] == [small_business["X"]]
    segment = everyone.rows[1].segment
    same = [r.party.public_id for r in everyone.rows if r.segment == segment]
    assert segment != ""
    assert small_business["Y"] in same
    assert [r.party.public_id for r in radar_page(segment=segment).rows] == same
    assert radar_page(segment="no such segment").rows == []
    assert everyone.rows[0].action_reason.startswith("Readiness 44/100, but how satisfied")


def test_the_radar_page_hides_the_actions_a_role_may_not_take(small_business, client, users):
    classification_run(actor=None, business_type="professional_services")

    client.login(username="viewer", password=PASSWORD)
    as_viewer = client.get("/growth/radar/").content.decode()
    client.login(username="manager", password=PASSWORD)
    as_manager = client.get("/growth/radar/").content.decode()

    assert as_viewer.count('data-testid="radar-row"') == 2
    assert 'data-testid="radar-assign"' not in as_viewer
    assert 'data-testid="radar-convert"' not in as_viewer
    assert as_manager.count('data-testid="radar-convert"') == 2
    assert 'data-testid="radar-assign"' in as_manager
    assert "Ask for suggestions: satisfaction survey" in as_manager


def test_assign_and_convert_from_the_radar_page(small_business, client, users):
    classification_run(actor=None, business_type="professional_services")
    ana = small_business["ana"]
    client.login(username="manager", password=PASSWORD)

    assigned = client.post(
        "/growth/radar/assign/",
        {"party": [small_business["Y"]], "owner": ana.pk, "next": "/growth/radar/?owner=ana"},
    )
    converted = client.post(
        f"/parties/{small_business['X']}/convert/",
        {"owner": ana.pk, "stage": "", "reason": "Conversion radar: readiness 44/100",
         "next": "/growth/radar/"},
    )  # fmt: skip

    assert (assigned.status_code, assigned["Location"]) == (302, "/growth/radar/?owner=ana")
    assert (converted.status_code, converted["Location"]) == (302, "/growth/radar/")
    x = Relationship.objects.get(party__public_id=small_business["X"], is_current=True)
    assert (x.kind, x.stage, x.owner, x.converted_from.kind) == (
        "client", "consideration", ana, "customer",
    )  # fmt: skip
    y = Relationship.objects.get(party__public_id=small_business["Y"], is_current=True)
    assert y.owner == ana


def test_the_settings_page_is_read_only_for_all_but_admins(small_business, client, users):
    client.login(username="manager", password=PASSWORD)
    page = client.get("/settings/classification/").content.decode()
    refused = client.post("/settings/classification/", {"weight_engagement": "0.9"})
    client.login(username="admin", password=PASSWORD)
    bad = client.post("/settings/classification/", {"months_lo": "x", "months_hi": "9"})
    saved = client.post("/settings/classification/", {"weight_engagement": "0,5", "ready": "70"})

    from clientela.core.selectors import business_get

    assert "Only an admin changes these settings" in page
    assert '<fieldset class="card" disabled>' in page
    assert refused.status_code == 403
    assert bad.status_code == 422
    assert "months_lo: must be a number" in bad.content.decode()
    assert saved.status_code == 302
    assert business_get().growth_settings == {"weights": {"engagement": 0.5}, "ready": 0.7}


def test_export_scores_writes_one_line_per_relationship(small_business, tmp_path):
    out = tmp_path / "scores.csv"
    runner = CliRunner()
    before = runner.invoke(app, ["export", "scores", str(out)])
    classification_run(actor=None, business_type="professional_services")
    after = runner.invoke(app, ["export", "scores", str(out)])

    assert (before.exit_code, before.output) == (
        1,
        "Error: not classified yet: run `clientela classify`.\n",
    )
    assert after.output == f"Exported 3 scores to {out}.\n"
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    by_id = {r["party_id"]: r for r in rows}
    x = by_id[small_business["X"]]
    assert list(rows[0]) == [
        "party_id", "name", "kind", "behaves_like", "confidence", "mismatch", "total",
        "score_engagement", "score_offering", "score_volume", "score_acquisition",
        "score_experience", "score_journey", "score_commitment", "radar_score", "next_action",
    ]  # fmt: skip
    assert (x["name"], x["kind"], x["behaves_like"], x["next_action"]) == (
        "X Test", "customer", "client", "survey",
    )  # fmt: skip
    assert x["radar_score"] == str(round(X_READY, 4))
    z = by_id[small_business["Z"]]
    assert (z["radar_score"], z["next_action"]) == ("", "")


def test_everyone_signed_in_reads_the_radar_and_nobody_else(db, client):
    assert client.get("/growth/radar/")["Location"].startswith("/login/")
    assert client.get("/settings/classification/")["Location"].startswith("/login/")
    UserFactory(username="v", role=Role.VIEWER)
    client.login(username="v", password=PASSWORD)
    assert "Not classified yet" in client.get("/growth/radar/").content.decode()
