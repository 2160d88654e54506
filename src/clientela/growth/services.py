"""Running the client/customer classification over every current relationship.

Guarantees of `classification_run`:
- only admins, managers and the system (`actor=None`: CLI, worker) may run it, as for the
  analysis; a refused or invalid request reads nothing;
- the features are computed on the chosen analytics engine, so DuckDB, PostgreSQL and Spark
  classify the same relationships the same way;
- the weights, thresholds and radar settings are the business's (`growth.settings`) unless
  the caller passes others; the run keeps the ones it used;
- the conversion radar is computed in the same run (`growth.radar_run`) for the current
  customers, learning from the past conversions measured on the same engine;
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

import numpy as np
import pandas as pd
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.accounts.permissions import Action, authorize
from clientela.analytics.models import RunStatus
from clientela.analytics.services import run_mark_failed
from clientela.core.errors import ApplicationError, ErrorCode, validation_error
from clientela.growth.classify import (
    DIMENSIONS,
    classify,
    order_unpack,
    thresholds_for,
    weights_check,
)
from clientela.growth.features import COLUMNS
from clientela.growth.models import Classification, ClassificationRun
from clientela.growth.radar import COMPONENTS
from clientela.growth.radar_run import radar_apply
from clientela.webhooks.emission import webhook_events_emit_many

ENGINES = ("duckdb", "postgres", "spark")
STEPS = ("reading tables", "measuring behaviour", "classifying", "ranking customers", "storing")
CHUNK = 100_000
BATCH = 5_000

Progress = Callable[[str, int, int], None]


def classification_run(
    *,
    actor,
    engine: str = "duckdb",
    progress: Progress | None = None,
    business_type: str | None = None,
    weights: dict | None = None,
    thresholds: dict | None = None,
    as_of: dt.datetime | None = None,
) -> pd.DataFrame:
    """Classify every current relationship (see `clientela.growth.classify`), rank the
    customers on the radar, store the result as a new run and return it as a frame. The
    business type, weights and thresholds default to the business's settings; `as_of` ends
    the observation (default: the latest event in the data)."""
    from dataclasses import asdict

    from clientela.growth.settings import conversion_pays, growth_settings_get

    authorize(actor, Action.ANALYTICS_RUN)
    if engine not in ENGINES:
        raise validation_error("engine", f"must be one of {', '.join(ENGINES)}")
    settings = growth_settings_get()
    business_type = business_type or settings.business_type
    used_weights = weights_check({**settings.weights, **(weights or {})})
    used = thresholds_for(
        business_type, {**settings.overrides.get("thresholds", {}), **(thresholds or {})}
    )
    limits = {name: list(pair) for name, pair in asdict(used).items()}
    report = progress or (lambda label, done, total: None)
    run = ClassificationRun.objects.create(
        engine=engine,
        business_type=business_type,
        weights=used_weights,
        thresholds=limits,
        triggered_by=actor,
    )
    try:
        current, converted = _features(engine, as_of, report)
        current = referrals_merge(current)
        result = _classify_all(current, used_weights, business_type, limits, report)
        report(STEPS[3], 0, 1)
        result, radar = radar_apply(
            result,
            converted,
            radar_weights=settings.radar_weights,
            ready=settings.ready,
            conversion_pays=conversion_pays(settings),
        )
        report(STEPS[3], 1, 1)
        with transaction.atomic():
            _store(run=run, result=result, progress=report)
            webhook_events_emit_many(
                event_type="classification.changed", items=_behaviour_changes(run, result)
            )
            run.radar = radar
            run.status = RunStatus.SUCCEEDED
            run.finished_at = timezone.now()
            run.save()
    except BaseException as exc:
        run_mark_failed(run=run, error=exc)
        raise
    return result


def _classify_all(
    features: pd.DataFrame, weights: dict, business_type: str, limits: dict, report: Progress
) -> pd.DataFrame:
    from clientela.growth.selectors import staff_names_by_id

    names = staff_names_by_id(ids=features["main_staff_id"].dropna().unique())
    features["main_staff"] = [
        None if pd.isna(i) else names.get(int(i)) for i in features["main_staff_id"]
    ]
    total = len(features)
    report(STEPS[2], 0, total)
    options = {
        "weights": weights,
        "business_type": business_type,
        "thresholds": limits,
        "sentences": False,
    }
    parts = []
    for start in range(0, total, CHUNK):
        chunk = features.iloc[start : start + CHUNK]
        parts.append(classify(chunk, **options))
        report(STEPS[2], min(start + CHUNK, total), total)
    if not parts:
        return classify(features, **options)
    return pd.concat(parts, ignore_index=True)


def _store(*, run: ClassificationRun, result: pd.DataFrame, progress: Progress) -> None:
    """bulk_create in batches of BATCH rows; party public ids resolved once per batch."""
    from clientela.analytics.selectors import party_ids_by_public_id

    total = len(result)
    progress(STEPS[4], 0, total)
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
        progress(STEPS[4], min(start + BATCH, total), total)


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
        explanation=[
            {"dimension": DIMENSIONS[i], "score": float(row[f"score_{DIMENSIONS[i]}"])}
            for i in order_unpack(row["explanation_order"])
        ],
        measures={name: _plain(row.get(name)) for name in (*COLUMNS, "main_staff", "p_alive")},
        radar_score=_plain(row.get("radar_score")),
        radar=_radar(row),
        next_action=str(row.get("next_action") or ""),
    )


def _behaviour_changes(run: ClassificationRun, result: pd.DataFrame):
    """`classification.changed` data for every relationship whose behaves-like differs from
    the previous succeeded run's (or that was not in it); nothing on the first run. A
    generator: only read when a webhook listens."""
    from clientela.analytics.selectors import run_previous_values
    from clientela.webhooks.events import classification_changed_data

    before = run_previous_values(run=run, rows=Classification.objects, field="behaves_like")
    if before is None:
        return
    for row in result[["customer_id", "kind", "behaves_like", "confidence", "mismatch"]].to_dict(
        "records"
    ):
        old = before.get(row["customer_id"])
        if old == row["behaves_like"]:
            continue
        yield classification_changed_data(
            party_id=row["customer_id"],
            run_id=run.public_id,
            kind=str(row["kind"]),
            behaves_like=str(row["behaves_like"]),
            previous_behaves_like=old,
            confidence=round(float(row["confidence"]), 6),
            mismatch=bool(row["mismatch"]),
        )


def _radar(row: dict) -> dict:
    """The stored radar detail of a customer's row ({} for others)."""
    if _plain(row.get("radar_score")) is None:
        return {}
    return {
        "default": _plain(row["radar_default"]),
        "components": {c: _plain(row[f"radar_{c}"]) for c in COMPONENTS},
    }


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


def _features(
    engine_name: str, as_of: dt.datetime | None, report: Progress
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the current relationships' features, the past conversions' features), both ordered
    by customer_id, measured on one engine."""
    from clientela.analytics.engines import engine_open
    from clientela.growth.features import classification_features

    report(STEPS[0], 0, 1)
    engine = engine_open(engine_name)
    try:
        report(STEPS[0], 1, 1)
        report(STEPS[1], 0, 1)
        features = classification_features(engine.tables, as_of=as_of, population="both")
        both = engine.to_frame(features.order_by(["population", "customer_id"]))
        report(STEPS[1], 1, 1)
    finally:
        engine.close()
    return features_split(both)


def referrals_merge(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with the radar's `referrals_made` (qualified referrals each party made, from
    `referrals.selectors.referrals_made_by_party`), 0 for parties without one; unchanged
    while the business has no qualified referral, so the advocacy signal stays unknown."""
    from clientela.parties.models import Party
    from clientela.referrals.selectors import referrals_made_by_party

    made = referrals_made_by_party()
    if not made:
        return frame
    by_public_id = dict(Party.objects.filter(pk__in=list(made)).values_list("public_id", "pk"))
    counts = {public_id: made[pk] for public_id, pk in by_public_id.items()}
    return frame.assign(referrals_made=frame["customer_id"].map(counts).fillna(0).astype("float64"))


def features_split(both: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(current, converted) from the features of both populations ordered by population
    then customer_id: slices, no copy of a million rows."""
    split = int(np.searchsorted(both["population"].to_numpy(), "current"))
    converted = both.iloc[:split].drop(columns="population").reset_index(drop=True)
    current = both.iloc[split:].drop(columns="population").reset_index(drop=True)
    return current, converted


MAX_ASSIGN = 500


def radar_candidates_assign(*, actor, party_ids: list[str], owner) -> int:
    """Give the current relationship of every listed party (public ids) the account manager
    `owner`, with the same rules as one assignment (`relationship_assign_owner`), all or
    nothing: one refusal, unknown party or party without a current relationship changes
    none of them. Returns how many relationships were assigned."""
    from clientela.parties.selectors import party_get, relationship_current
    from clientela.parties.services import relationship_assign_owner

    wanted = list(dict.fromkeys(p for p in party_ids if p))
    if not wanted:
        raise validation_error("parties", _("choose at least one customer"))
    if len(wanted) > MAX_ASSIGN:
        raise validation_error("parties", _("at most %(n)d at a time") % {"n": MAX_ASSIGN})
    if owner is None:
        raise validation_error("owner", _("choose an account manager"))
    with transaction.atomic():
        for public_id in wanted:
            party = party_get(public_id=public_id)
            current = relationship_current(party=party)
            if current is None:
                raise ApplicationError(
                    ErrorCode.CONFLICT,
                    _("%(party)s has no current relationship.") % {"party": party.display_name},
                    {"party": public_id},
                )
            relationship_assign_owner(actor=actor, relationship=current, owner=owner)
    return len(wanted)
