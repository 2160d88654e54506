"""Read-only results: customer-value scores and the behaviour classification."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from ninja import Schema
from pydantic import Field

from clientela.api.schemas.common import ListQuery


class ScoreOut(Schema):
    party: str
    party_name: str
    run: str
    run_finished_at: datetime | None
    currency: str
    period: str
    kind: str
    frequency: int
    recency: float
    T: float
    monetary_value: Decimal
    p_alive: float | None
    expected_purchases_90d: float | None
    clv_12m: Decimal | None
    recency_score: int
    frequency_score: int
    monetary_score: int
    segment: str


class ScoreQuery(ListQuery):
    kind: Literal["client", "customer", ""] = ""
    segment: str = Field("", max_length=30)
    order_by: Literal["-monetary_value", "monetary_value", "-frequency", "party"] = (
        "-monetary_value"
    )


class ReasonOut(Schema):
    dimension: str
    score: float


class ClassificationOut(Schema):
    party: str
    party_name: str
    run: str
    run_finished_at: datetime | None
    kind: str
    behaves_like: str
    confidence: float
    total: float
    mismatch: bool
    scores: dict[str, float | None]
    explanation: list[ReasonOut]


class ClassificationQuery(ListQuery):
    kind: Literal["client", "customer", ""] = ""
    behaves_like: Literal["client", "customer", ""] = ""
    mismatch: bool | None = None
    order_by: Literal["-confidence", "party"] = "-confidence"


def score_out(score, run) -> dict:
    return {
        "party": score.party.public_id,
        "party_name": score.party.display_name,
        "run": run.public_id,
        "run_finished_at": run.finished_at,
        "currency": str(run.parameters.get("currency", "")),
        "period": str(run.parameters.get("period", "")),
        "kind": score.kind,
        "frequency": score.frequency,
        "recency": score.recency,
        "T": score.T,
        "monetary_value": score.monetary_value,
        "p_alive": score.p_alive,
        "expected_purchases_90d": score.expected_purchases_90d,
        "clv_12m": score.clv_12m,
        "recency_score": score.recency_score,
        "frequency_score": score.frequency_score,
        "monetary_score": score.monetary_score,
        "segment": score.segment,
    }


def classification_out(row, run) -> dict:
    return {
        "party": row.party.public_id,
        "party_name": row.party.display_name,
        "run": run.public_id,
        "run_finished_at": run.finished_at,
        "kind": row.kind,
        "behaves_like": row.behaves_like,
        "confidence": row.confidence,
        "total": row.total,
        "mismatch": row.mismatch,
        "scores": {str(k): (None if v is None else float(v)) for k, v in row.scores.items()},
        "explanation": [
            {"dimension": str(entry["dimension"]), "score": float(entry["score"])}
            for entry in row.explanation
        ],
    }
