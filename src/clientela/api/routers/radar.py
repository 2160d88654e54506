"""/radar: the conversion radar (read, every role), the same selectors as the radar page:
the latest classification run's customers ranked by radar score, and how that run ranked
them. See docs/radar.md."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from clientela.api.pagination import decode_cursor, encode_cursor, page_schema
from clientela.api.routers._common import not_found, page, responses, user_ref
from clientela.api.schemas.radar import (
    RadarItemOut,
    RadarModelOut,
    RadarQuery,
    radar_item_out,
    radar_model_out,
)
from clientela.growth.selectors import classification_run_latest, radar_rows

router = Router(tags=["conversion radar"])
RadarPage = page_schema(RadarItemOut, "RadarPage")


@router.get("", response=responses(200, RadarPage), operation_id="listRadar")
def list_radar(request: HttpRequest, query: Query[RadarQuery]):
    """The latest classification run's customers, highest radar score first (ties by party
    id), with readiness, components, segment, owner and the next best action with its
    reason. Filters: `segment`, `owner` (username, or `none`), `min_score`. Empty before
    the first run. A cursor is bound to the run it was read from."""
    if query.owner and query.owner != "none":
        user_ref("owner", query.owner)
    run = classification_run_latest()
    tag = f"radar:{run.public_id if run else ''}"
    after = None
    if query.cursor:
        score, party_id = decode_cursor(query.cursor, tag, [float, int])
        after = (score, party_id)
    found = radar_rows(
        segment=query.segment,
        owner=query.owner,
        min_score=query.min_score,
        after=after,
        size=query.limit,
    )
    next_cursor = None
    if found.more and found.rows:
        last = found.rows[-1]
        next_cursor = encode_cursor(
            f"radar:{found.run.public_id}", [last.radar_score, last.party_id]
        )
    return page(found.rows, next_cursor, lambda row: radar_item_out(row, found.run))


@router.get("/model", response=responses(200, RadarModelOut), operation_id="getRadarModel")
def get_radar_model(request: HttpRequest):
    """How the latest classification run ranked the radar: the method (`default`: the
    transparent readiness; `logistic`: learned from past conversions), the weights, the
    learned coefficients and cross-validated AUC, the number of past conversions and
    whether conversion pays. 404 before the first run."""
    run = classification_run_latest()
    if run is None:
        raise not_found(_("No classification run has finished yet: run the classification."))
    return radar_model_out(run)
