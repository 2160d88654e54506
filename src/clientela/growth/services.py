"""Running the client/customer classification over every current relationship.

Guarantees of `classification_run`:
- only admins, managers and the system (`actor=None`: CLI, worker) may run it, as for the
  analysis; a refused or invalid request reads nothing;
- the features are computed on the chosen analytics engine, so DuckDB, PostgreSQL and Spark
  classify the same relationships the same way;
- nothing is written: the result is returned (one row per current relationship, ordered by
  customer_id), with the main staff member's name (`main_staff`) resolved for the sentences.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd

from clientela.accounts.permissions import Action, authorize
from clientela.core.errors import validation_error
from clientela.growth.classify import DEFAULTS, classify

ENGINES = ("duckdb", "postgres", "spark")
STEPS = ("reading tables", "measuring behaviour", "classifying")
CHUNK = 20_000

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
    """Classify every current relationship (see `clientela.growth.classify`). The business
    type defaults to the business's own; `as_of` ends the observation (default: the latest
    event in the data)."""
    authorize(actor, Action.ANALYTICS_RUN)
    if engine not in ENGINES:
        raise validation_error("engine", f"must be one of {', '.join(ENGINES)}")
    if business_type is None:
        from clientela.core.selectors import business_get

        business_type = business_get().business_type
    if business_type not in DEFAULTS:
        raise validation_error("business_type", f"must be one of {', '.join(DEFAULTS)}")
    report = progress or (lambda label, done, total: None)
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
