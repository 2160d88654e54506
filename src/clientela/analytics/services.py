"""Starting an analysis, storing its scores, and scheduling it for the worker.

Guarantees of `analysis_run`:
- only admins, managers and the system (`actor=None`: CLI, worker) may start one; a refused
  or invalid request (bad engine name, period, ...) writes nothing at all;
- the run row is written (status `running`) before the work starts, so a long run is
  visible while it works; it ends `succeeded` or `failed`, never stays `running` after the
  call returns;
- the scores and the switch to `succeeded` are committed in one transaction: a reader sees
  all of a run's scores or none, and a failed run has no scores; earlier runs are untouched.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
from django.db import transaction
from django.utils import timezone

from clientela.accounts.permissions import Action, authorize
from clientela.analytics.models import AnalysisRun, PartyScore, RunStatus
from clientela.analytics.runner import STEPS, Progress, analysis_compute, parameters_check
from clientela.analytics.selectors import party_ids_by_public_id
from clientela.core.errors import ApplicationError, ErrorCode, validation_error
from clientela.webhooks.emission import webhook_events_emit_many

ENGINES = ("duckdb", "postgres", "spark")
BATCH = 5_000
CENT = Decimal("0.01")


def analysis_run(
    *,
    actor,
    engine: str = "duckdb",
    progress: Progress | None = None,
    period: str = "week",
    calibration_end: dt.date | str | None = None,
    horizon_months: int = 12,
    monthly_discount: float = 0.01,
    model: str = "bgnbd",
    expected_days: int = 90,
) -> AnalysisRun:
    """Run every pipeline on `engine`, fit the value models per relationship kind, store
    one `PartyScore` per party with paid orders, and return the finished run."""
    authorize(actor, Action.ANALYTICS_RUN)
    if engine not in ENGINES:
        raise validation_error("engine", f"must be one of {', '.join(ENGINES)}")
    parameters = parameters_check(
        period=period,
        calibration_end=calibration_end,
        horizon_months=horizon_months,
        monthly_discount=monthly_discount,
        model=model,
        expected_days=expected_days,
    )
    report = progress or (lambda label, done, total: None)
    currency = _currency()
    run = AnalysisRun.objects.create(
        engine=engine,
        triggered_by=actor,
        parameters={**parameters.as_json(), "currency": currency},
    )
    try:
        computed = _compute(engine, parameters, report)
        with transaction.atomic():
            stored = _scores_store(run=run, scores=computed.scores, progress=report)
            webhook_events_emit_many(
                event_type="score.changed", items=_segment_changes(run, computed.scores)
            )
            run.status = RunStatus.SUCCEEDED
            run.finished_at = timezone.now()
            run.first_order_on = computed.first_order_on
            run.last_order_on = computed.last_order_on
            run.parameters = {
                **run.parameters,
                "observation_end": computed.observation_end.isoformat(),
                "parties": stored,
            }
            run.fits = computed.fits
            run.results = computed.results
            run.save()
    except BaseException as exc:
        run_mark_failed(run=run, error=exc)
        raise
    return run


def _segment_changes(run: AnalysisRun, scores: pd.DataFrame):
    """`score.changed` data for every party whose segment differs from the previous
    succeeded run's (or who was not in it); nothing on the first run, which sets the
    baseline. A generator: only read when a webhook listens."""
    from clientela.analytics.selectors import run_previous_values
    from clientela.webhooks.events import score_changed_data

    before = run_previous_values(run=run, rows=PartyScore.objects, field="segment")
    if before is None:
        return
    for row in scores.to_dict("records"):
        old = before.get(row["customer_id"])
        if old == row["segment"]:
            continue
        yield score_changed_data(
            party_id=row["customer_id"],
            run_id=run.public_id,
            kind=row["kind"],
            segment=row["segment"],
            previous_segment=old,
            clv_12m=_plain_number(row.get("clv")),
            p_alive=_plain_number(row.get("p_alive")),
            expected_purchases_90d=_plain_number(row.get("expected_purchases")),
        )


def _plain_number(value):
    return None if value is None or pd.isna(value) else round(float(value), 6)


def run_mark_failed(*, run, error: BaseException) -> None:
    """Record that an engine run (analysis or classification) failed and why, outside the
    failed transaction, so no run is left `running` after its call returned."""
    message = (
        error.message if isinstance(error, ApplicationError) else f"{type(error).__name__}: {error}"
    )
    type(run).objects.filter(pk=run.pk).update(
        status=RunStatus.FAILED, finished_at=timezone.now(), error_message=message[:2000]
    )
    run.refresh_from_db()


def _compute(engine_name: str, parameters, progress: Progress):
    from clientela.analytics.engines import engine_open

    engine = engine_open(engine_name)
    try:
        return analysis_compute(engine=engine, parameters=parameters, progress=progress)
    finally:
        engine.close()


def _scores_store(*, run: AnalysisRun, scores: pd.DataFrame, progress: Progress) -> int:
    """bulk_create in batches of BATCH rows; party public ids resolved once per batch."""
    total = len(scores)
    progress(STEPS[5], 0, total)
    records = scores.to_dict("records")
    for start in range(0, total, BATCH):
        chunk = records[start : start + BATCH]
        ids = party_ids_by_public_id(public_ids=[r["customer_id"] for r in chunk])
        missing = [r["customer_id"] for r in chunk if r["customer_id"] not in ids]
        if missing:
            raise ApplicationError(
                ErrorCode.CONFLICT,
                f"The analysed data names {len(missing)} parties that no longer exist "
                f"(for example {missing[0]}); run the analysis again.",
                {"parties": missing[:10]},
            )
        PartyScore.objects.bulk_create(
            [_score(run, ids[r["customer_id"]], r) for r in chunk], batch_size=BATCH
        )
        progress(STEPS[5], min(start + BATCH, total), total)
    return total


def _score(run: AnalysisRun, party_id: int, row: dict) -> PartyScore:
    return PartyScore(
        run=run,
        party_id=party_id,
        kind=row["kind"],
        frequency=int(row["frequency"]),
        recency=float(row["recency"]),
        T=float(row["T"]),
        monetary_value=_money(row["monetary_value"]),
        p_alive=_maybe(row.get("p_alive")),
        expected_purchases_90d=_maybe(row.get("expected_purchases")),
        clv_12m=None if _maybe(row.get("clv")) is None else _money(max(row["clv"], 0.0)),
        recency_score=int(row["recency_score"]),
        frequency_score=int(row["frequency_score"]),
        monetary_score=int(row["monetary_score"]),
        segment=str(row["segment"]),
    )


def _maybe(value) -> float | None:
    if value is None or pd.isna(value):
        return None
    return float(value)


def _money(value) -> Decimal:
    return Decimal(repr(float(value))).quantize(CENT)


def _currency() -> str:
    from clientela.core.selectors import business_get

    return business_get().currency


def analysis_enqueue(*, actor, run_after: dt.datetime | None = None, scheduled: bool = False):
    """Queue an analysis for the worker once the surrounding transaction commits (nothing
    is queued if it rolls back). `run_after` defers it; `scheduled` marks the worker's own
    nightly runs, each of which queues the next one."""
    authorize(actor, Action.ANALYTICS_RUN)
    from clientela.analytics.tasks import analyze

    task = analyze.using(run_after=run_after) if run_after is not None else analyze
    user_id = actor.pk if actor is not None else None
    with transaction.atomic():
        transaction.on_commit(lambda: task.enqueue(user_id=user_id, scheduled=scheduled))
