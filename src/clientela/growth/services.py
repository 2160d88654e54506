"""Running the client/customer classification over every current relationship.

Guarantees of `classification_run`:
- only admins, managers and the system (`actor=None`: CLI, worker) may run it, as for the
  analysis; a refused or invalid request reads nothing;
- the features are computed on the chosen analytics engine, so DuckDB, PostgreSQL and Spark
  classify the same relationships the same way;
- the result is returned (one row per current relationship, ordered by customer_id), with
  the main staff member's name (`main_staff`) resolved for the sentences, and stored as a
  `ClassificationRun` with one `Classification` per row: the run row is written (`running`)
  before the work starts, and the rows and the switch to `succeeded` are committed in one
  transaction, so a reader sees all of a run's rows or none; a run that fails ends `failed`
  with no rows. Earlier runs are untouched.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
from django.db import transaction
from django.utils import timezone

from clientela.accounts.permissions import Action, authorize
from clientela.analytics.models import RunStatus
from clientela.analytics.services import run_mark_failed
from clientela.core.errors import ApplicationError, ErrorCode, validation_error
from clientela.growth.classify import DEFAULTS, DIMENSIONS, WEIGHTS, classify
from clientela.growth.features import COLUMNS
from clientela.growth.models import Classification, ClassificationRun

ENGINES = ("duckdb", "postgres", "spark")
STEPS = ("reading tables", "measuring behaviour", "classifying", "storing")
CHUNK = 20_000
BATCH = 5_000

Progress = Callable[[str, int, int], None]


def classification_run(
    *,
    actor,
    engine: str = "duckdb",
    progress: Progress | None = None,
    business_type: str | None = None,
    weights: dict | None = None,
    as_of: dt.datetime | None = None,
) -> pd.DataFrame:
    """Classify every current relationship (see `clientela.growth.classify`), store the
    result as a new run and return it as a frame. The business type defaults to the
    business's own; `as_of` ends the observation (default: the latest event in the data)."""
    authorize(actor, Action.ANALYTICS_RUN)
    if engine not in ENGINES:
        raise validation_error("engine", f"must be one of {', '.join(ENGINES)}")
    if business_type is None:
        from clientela.core.selectors import business_get

        business_type = business_get().business_type
    if business_type not in DEFAULTS:
        raise validation_error("business_type", f"must be one of {', '.join(DEFAULTS)}")
    # Checks the weights on an empty frame, so bad weights write no run.
    classify(pd.DataFrame(columns=[*COLUMNS]), weights=weights, business_type=business_type)
    report = progress or (lambda label, done, total: None)
    run = ClassificationRun.objects.create(
        engine=engine,
        business_type=business_type,
        weights={k: float(v) for k, v in {**WEIGHTS, **(weights or {})}.items()},
        triggered_by=actor,
    )
    try:
        result = _classify_all(engine, as_of, weights, business_type, report)
        with transaction.atomic():
            _store(run=run, result=result, progress=report)
            run.status = RunStatus.SUCCEEDED
            run.finished_at = timezone.now()
            run.save()
    except BaseException as exc:
        run_mark_failed(run=run, error=exc)
        raise
    return result


def _classify_all(
    engine: str, as_of, weights: dict | None, business_type: str, report: Progress
) -> pd.DataFrame:
    features = _features(engine, as_of, report)
    from clientela.growth.selectors import staff_names_by_id

    names = staff_names_by_id(ids=features["main_staff_id"].dropna().unique())
    features["main_staff"] = [
        None if pd.isna(i) else names.get(int(i)) for i in features["main_staff_id"]
    ]
    total = len(features)
    report(STEPS[2], 0, total)
    parts = []
    for start in range(0, total, CHUNK):
        chunk = features.iloc[start : start + CHUNK]
        parts.append(classify(chunk, weights=weights, business_type=business_type))
        report(STEPS[2], min(start + CHUNK, total), total)
    if not parts:
        return classify(features, weights=weights, business_type=business_type)
    return pd.concat(parts, ignore_index=True)


def _store(*, run: ClassificationRun, result: pd.DataFrame, progress: Progress) -> None:
    """bulk_create in batches of BATCH rows; party public ids resolved once per batch."""
    from clientela.analytics.selectors import party_ids_by_public_id

    total = len(result)
    progress(STEPS[3], 0, total)
    records = result.to_dict("records")
    for start in range(0, total, BATCH):
        chunk = records[start : start + BATCH]
        ids = party_ids_by_public_id(public_ids=[r["customer_id"] for r in chunk])
        missing = [r["customer_id"] for r in chunk if r["customer_id"] not in ids]
        if missing:
            raise ApplicationError(
                ErrorCode.CONFLICT,
                f"The classified data names {len(missing)} parties that no longer exist "
                f"(for example {missing[0]}); run the classification again.",
                {"parties": missing[:10]},
            )
        Classification.objects.bulk_create(
            [_row(run, ids[r["customer_id"]], r) for r in chunk], batch_size=BATCH
        )
        progress(STEPS[3], min(start + BATCH, total), total)


def _row(run: ClassificationRun, party_id: int, row: dict) -> Classification:
    return Classification(
        run=run,
        party_id=party_id,
        kind=str(row["kind"]),
        behaves_like=str(row["behaves_like"]),
        confidence=float(row["confidence"]),
        total=float(row["total"]),
        mismatch=bool(row["mismatch"]),
        scores={name: float(row[f"score_{name}"]) for name in DIMENSIONS},
        explanation=[{"dimension": d, "score": float(score)} for d, score, _ in row["explanation"]],
        measures={name: _plain(row.get(name)) for name in (*COLUMNS, "main_staff")},
    )


def _plain(value):
    """A JSON-ready scalar: numpy numbers as Python ones, NaN/NA as None."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if pd.isna(value):
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float | int | bool):
        return value
    return str(value)


def _features(engine_name: str, as_of: dt.datetime | None, report: Progress) -> pd.DataFrame:
    from clientela.analytics.engines import engine_open
    from clientela.growth.features import classification_features

    report(STEPS[0], 0, 1)
    engine = engine_open(engine_name)
    try:
        report(STEPS[0], 1, 1)
        report(STEPS[1], 0, 1)
        frame = engine.execute(classification_features(engine.tables, as_of=as_of))
        report(STEPS[1], 1, 1)
    finally:
        engine.close()
    return frame.sort_values("customer_id", ignore_index=True)
