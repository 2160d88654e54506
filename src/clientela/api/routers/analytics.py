"""Read-only results: the latest succeeded analysis run's scores and the latest
classification run's decisions (analytics and growth selectors, as the party page)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from clientela.analytics.selectors import party_score_latest, scores_latest
from clientela.api.pagination import keyset_page, page_schema
from clientela.api.routers._common import PathId, not_found, page, responses
from clientela.api.schemas.analytics import (
    ClassificationOut,
    ClassificationQuery,
    ScoreOut,
    ScoreQuery,
    classification_out,
    score_out,
)
from clientela.growth.selectors import classification_latest, classifications_latest
from clientela.parties.selectors import party_get

router = Router(tags=["scores and classification"])
ScorePage = page_schema(ScoreOut)
ClassificationPage = page_schema(ClassificationOut)
_SCORE_ORDERINGS = {
    "-monetary_value": ("-monetary_value", "-id"),
    "monetary_value": ("monetary_value", "id"),
    "-frequency": ("-frequency", "-id"),
    "party": ("party_id", "id"),
}
_CLASS_ORDERINGS = {"-confidence": ("-confidence", "-id"), "party": ("party_id", "id")}


@router.get("/scores", response=responses(200, ScorePage), operation_id="listScores")
def list_scores(request: HttpRequest, query: Query[ScoreQuery]):
    """The latest succeeded analysis run's score for every party it scored (empty before
    the first run)."""
    run, rows = scores_latest(kind=query.kind, segment=query.segment)
    rows, next_cursor = keyset_page(
        rows,
        ordering=_SCORE_ORDERINGS[query.order_by],
        cursor=query.cursor,
        limit=query.limit,
        tag=f"scores:{run.public_id if run else ''}",
    )
    return page(rows, next_cursor, lambda score: score_out(score, run))


@router.get(
    "/parties/{public_id}/score", response=responses(200, ScoreOut), operation_id="getPartyScore"
)
def get_party_score(request: HttpRequest, public_id: PathId):
    """The party's score in the latest succeeded run; 404 when that run did not score it."""
    party = party_get(public_id=public_id)
    score = party_score_latest(party_id=party.pk)
    if score is None:
        raise not_found(_("The latest analysis run has no score for this party."))
    score.party = party
    return score_out(score, score.run)


@router.get(
    "/classifications",
    response=responses(200, ClassificationPage),
    operation_id="listClassifications",
)
def list_classifications(request: HttpRequest, query: Query[ClassificationQuery]):
    """The latest classification run's decision for every party it classified, most
    confident first by default; `mismatch=true` lists those behaving like the other kind."""
    run, rows = classifications_latest(
        kind=query.kind, behaves_like=query.behaves_like, mismatch=query.mismatch
    )
    rows, next_cursor = keyset_page(
        rows,
        ordering=_CLASS_ORDERINGS[query.order_by],
        cursor=query.cursor,
        limit=query.limit,
        tag=f"classifications:{run.public_id if run else ''}",
    )
    return page(rows, next_cursor, lambda row: classification_out(row, run))


@router.get(
    "/parties/{public_id}/classification",
    response=responses(200, ClassificationOut),
    operation_id="getPartyClassification",
)
def get_party_classification(request: HttpRequest, public_id: PathId):
    """The party's classification in the latest run; 404 when that run did not classify it."""
    party = party_get(public_id=public_id)
    found = classification_latest(party_id=party.pk)
    if found is None:
        raise not_found(_("The latest classification run has no decision for this party."))
    found.party = party
    return classification_out(found, found.run)
