"""The conversion radar (read, every role): the latest classification run's customers by
radar score, and the record of how that run ranked them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from ninja import Schema
from pydantic import Field

from clientela.api.schemas.common import ListQuery
from clientela.growth.actions import Lever
from clientela.growth.radar import COMPONENTS


class RadarItemOut(Schema):
    party: str
    party_name: str
    run: str
    readiness: float | None = Field(
        description="The transparent score in [0, 1]: the weighted mean of the components."
    )
    radar_score: float = Field(
        description="What ranks the radar: the readiness, or the learned probability of "
        "converting once the business has enough past conversions (see /radar/model)."
    )
    components: dict[str, float | None] = Field(
        description="Each component of readiness in [0, 1]; null where there is no data."
    )
    segment: str = Field(description="RFM segment in the latest analysis (empty: none).")
    segment_label: str
    owner: str | None = Field(description="Username of the account manager, null: nobody.")
    next_action: str = Field(description="The lever: one of " + ", ".join(Lever) + ".")
    next_action_label: str
    next_action_reason: str


class RadarQuery(ListQuery):
    segment: str = Field("", max_length=30, description="RFM segment in the latest analysis.")
    owner: Annotated[str, Field(max_length=150, pattern=r"^[\w.@+-]*$")] = Field(
        "", description="A username, or `none` for customers nobody owns yet."
    )
    min_score: float | None = Field(None, ge=0.0, le=1.0, description="Radar score at least.")


class RadarModelOut(Schema):
    run: str
    run_finished_at: datetime | None
    method: str = Field(description="`default` (the readiness) or `logistic` (learned).")
    weights: dict[str, float]
    ready: float | None = Field(description="Readiness from which a representative is offered.")
    conversion_pays: bool
    conversions: int = Field(description="Past conversions the run could learn from.")
    min_conversions: int | None
    supported: list[str] = Field(description="The measures the business has data for.")
    features: list[str] | None
    coefficients: dict[str, float] | None
    intercept: float | None
    penalty: float | None
    negatives: int | None
    cv_auc: float | None
    cv_brier: float | None


def radar_item_out(row, run) -> dict:
    parts = row.radar.get("components") or {}
    owner = row.party.current_owner
    return {
        "party": row.party.public_id,
        "party_name": row.party.display_name,
        "run": run.public_id,
        "readiness": row.readiness,
        "radar_score": row.radar_score,
        "components": {
            name: None if parts.get(name) is None else float(parts[name]) for name in COMPONENTS
        },
        "segment": row.segment,
        "segment_label": row.segment_label,
        "owner": owner.username if owner else None,
        "next_action": row.next_action,
        "next_action_label": row.action_label,
        "next_action_reason": row.action_reason,
    }


def radar_model_out(run) -> dict:
    radar = run.radar or {}
    model = radar.get("model") or {}
    return {
        "run": run.public_id,
        "run_finished_at": run.finished_at,
        "method": radar.get("method", "default"),
        "weights": {str(k): float(v) for k, v in (radar.get("weights") or {}).items()},
        "ready": radar.get("ready"),
        "conversion_pays": bool(radar.get("conversion_pays", True)),
        "conversions": int(radar.get("conversions") or 0),
        "min_conversions": radar.get("min_conversions"),
        "supported": list(radar.get("supported") or []),
        "features": model.get("features"),
        "coefficients": model.get("coefficients"),
        "intercept": model.get("intercept"),
        "penalty": model.get("penalty"),
        "negatives": model.get("negatives"),
        "cv_auc": model.get("cv_auc"),
        "cv_brier": model.get("cv_brier"),
    }
