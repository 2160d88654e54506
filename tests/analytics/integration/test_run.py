"""`analysis_run` on real demo data: what it stores, what it refuses, how it fails."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db.models import Max, Min

from clientela.analytics.models import AnalysisRun, PartyScore, RunStatus
from clientela.analytics.runner import MIN_REPEAT_BUYERS
from clientela.analytics.selectors import party_score_latest, run_latest
from clientela.analytics.services import analysis_run
from clientela.commerce.models import Order, OrderStatus
from clientela.commerce.services import LineIn, order_record
from clientela.core.errors import ApplicationError, ErrorCode
from tests.factories import make_party


def _latest_paid_kind_by_party() -> dict[int, str]:
    """Independently of the pipelines: the kind of each payer's most recent paid order
    (the client side when both kinds fall on that same day)."""
    latest: dict[int, tuple] = {}
    paid = Order.objects.filter(status=OrderStatus.PAID).values_list(
        "payer_id", "placed_at", "relationship__kind"
    )
    for payer, placed_at, kind in paid:
        key = (placed_at.astimezone(UTC).date(), kind == "client")
        if payer not in latest or key > latest[payer][0]:
            latest[payer] = (key, kind)
    return {payer: kind for payer, (_, kind) in latest.items()}


def test_a_run_stores_one_score_per_party_with_paid_orders(bank):
    # given the small bank; when the system runs the analysis
    run = analysis_run(actor=None)

    # then the run succeeded, on DuckDB, with its parameters and the data window recorded
    run.refresh_from_db()
    assert (run.status, run.engine, run.error_message, run.triggered_by) == (
        RunStatus.SUCCEEDED,
        "duckdb",
        "",
        None,
    )
    window = Order.objects.filter(status=OrderStatus.PAID).aggregate(
        first=Min("placed_at"), last=Max("placed_at")
    )
    assert run.first_order_on == window["first"].astimezone(UTC).date()
    assert run.last_order_on == window["last"].astimezone(UTC).date()
    expected_kinds = _latest_paid_kind_by_party()
    assert run.parameters == {
        "period": "week",
        "calibration_end": None,
        "horizon_months": 12,
        "monthly_discount": 0.01,
        "model": "bgnbd",
        "expected_days": 90,
        "currency": "EUR",
        "observation_end": run.last_order_on.isoformat(),
        "parties": len(expected_kinds),
    }
    # and exactly one score per party with a paid order, under its latest order's kind
    scores = PartyScore.objects.filter(run=run)
    assert scores.count() == len(expected_kinds)
    assert dict(scores.values_list("party_id", "kind")) == expected_kinds
    # and the model values are in range wherever a model was fitted
    fitted = [kind for kind, fit in run.fits.items() if "purchase" in fit]
    assert fitted == ["customer"]
    assert run.fits["customer"]["purchase"]["converged"] is True
    assert sorted(run.fits["customer"]["purchase"]["params"]) == ["a", "alpha", "b", "r"]
    modelled = scores.filter(kind__in=fitted)
    assert modelled.filter(p_alive__isnull=True).count() == 0
    assert modelled.filter(p_alive__lt=0).count() + modelled.filter(p_alive__gt=1).count() == 0
    assert modelled.filter(clv_12m__lt=Decimal("0")).count() == 0
    assert modelled.filter(expected_purchases_90d__lt=0).count() == 0
    assert scores.exclude(recency_score__range=(1, 5)).count() == 0


def test_a_second_run_leaves_the_first_intact_and_the_selector_returns_the_newest(bank):
    # given a first run
    first = analysis_run(actor=None)
    party_id, segment = PartyScore.objects.filter(run=first).values_list("party_id", "segment")[0]
    first_scores = PartyScore.objects.filter(run=first).count()

    # when a second run is made with a daily period
    second = analysis_run(actor=None, period="day")

    # then both runs keep their own scores, and the selectors read the second
    assert PartyScore.objects.filter(run=first).count() == first_scores
    assert PartyScore.objects.filter(run=second).count() == first_scores
    assert run_latest() == second
    latest = party_score_latest(party_id=party_id)
    assert (latest.run_id, latest.run.parameters["period"]) == (second.pk, "day")
    assert PartyScore.objects.get(run=first, party_id=party_id).segment == segment


def _tiny_shop(days: list[list[int]]) -> None:
    """One customer per entry, each buying 10.00 EUR on the given days of 2024."""
    for number, purchase_days in enumerate(days):
        party = make_party(
            given_name="Buyer",
            family_name=f"N{number}",
            relationship_kind="customer",
            stage="purchase",
        )
        for day in purchase_days:
            order_record(
                actor=None,
                payer=party,
                currency="EUR",
                lines=[LineIn(description="Coffee", unit_price=Decimal("10.00"))],
                placed_at=datetime(2024, 1, 1, 12, tzinfo=UTC).replace(day=day),
            )


def test_a_kind_with_too_few_repeat_buyers_gets_segments_but_no_model_values(db):
    # given three customers, two of whom bought again
    _tiny_shop([[1, 15, 29], [2, 20], [3]])

    # when the analysis runs
    run = analysis_run(actor=None)

    # then every buyer is scored with RFM and a segment, none with model values, and the
    # run says why
    assert run.fits == {
        "customer": {
            "parties": 3,
            "repeat_buyers": 2,
            "skipped": f"2 repeat buyers; the models need at least {MIN_REPEAT_BUYERS}",
        }
    }
    rows = PartyScore.objects.filter(run=run).order_by("party__family_name")
    assert [(s.frequency, s.p_alive, s.clv_12m, s.expected_purchases_90d) for s in rows] == [
        (2, None, None, None),
        (1, None, None, None),
        (0, None, None, None),
    ]
    assert [s.monetary_value for s in rows] == [Decimal("10.00"), Decimal("10.00"), Decimal("0")]
    assert all(s.segment != "" for s in rows)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("admin", True),
        ("manager", True),
        ("account_manager", False),
        ("support_agent", False),
        ("marketer", False),
        ("viewer", False),
    ],
)
def test_only_admins_managers_and_the_system_may_start_a_run(users, role, allowed):
    # given a little data
    _tiny_shop([[1, 8], [2]])

    # when a user of this role starts a run
    if allowed:
        run = analysis_run(actor=users[role])
        # then it is stored, naming who triggered it
        assert (run.status, run.triggered_by) == (RunStatus.SUCCEEDED, users[role])
        assert PartyScore.objects.filter(run=run).count() == 2
    else:
        with pytest.raises(ApplicationError) as refused:
            analysis_run(actor=users[role])
        # then it is refused and nothing is written
        assert refused.value.code == ErrorCode.PERMISSION_DENIED
        assert refused.value.extra == {"action": "analytics.run"}
        assert AnalysisRun.objects.count() == 0


def test_an_unknown_engine_is_a_validation_error_naming_engine_and_writes_nothing(db):
    with pytest.raises(ApplicationError) as invalid:
        analysis_run(actor=None, engine="excel")

    assert invalid.value.code == ErrorCode.VALIDATION
    assert invalid.value.message == "engine: must be one of duckdb, postgres, spark"
    assert AnalysisRun.objects.count() == 0


def test_a_run_that_fails_is_recorded_as_failed_with_its_error_and_no_scores(db):
    # given no orders at all; when the analysis runs
    with pytest.raises(ApplicationError) as failed:
        analysis_run(actor=None)

    # then the error is re-raised, and the run is kept as failed (never left running)
    assert failed.value.message == "orders: there are no paid orders to analyse"
    run = AnalysisRun.objects.get()
    assert (run.status, run.error_message) == (
        RunStatus.FAILED,
        "orders: there are no paid orders to analyse",
    )
    assert run.finished_at is not None
    assert PartyScore.objects.count() == 0
    assert run_latest() is None


def test_on_postgresql_the_in_database_engine_stores_the_same_scores(bank):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the postgres engine needs PostgreSQL as the operational database")
    embedded = analysis_run(actor=None, engine="duckdb")
    in_database = analysis_run(actor=None, engine="postgres")

    columns = ("party_id", "kind", "frequency", "monetary_value", "segment", "clv_12m")
    rows = [
        list(PartyScore.objects.filter(run=run).order_by("party_id").values_list(*columns))
        for run in (embedded, in_database)
    ]
    assert in_database.engine == "postgres"
    assert rows[0] == rows[1]
    for kind, fit in embedded.fits.items():
        other = in_database.fits[kind]
        assert ("skipped" in other) == ("skipped" in fit)
        if "purchase" in fit:
            params = other["purchase"]["params"]
            assert params == pytest.approx(fit["purchase"]["params"], rel=1e-9)
