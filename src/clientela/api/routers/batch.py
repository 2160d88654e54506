"""Batch ingestion endpoints: thin over `clientela.api.ingest` (see its guarantees and
docs/api.md, "Batch ingestion")."""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from ninja import Router

from clientela.api.ingest import events_ingest, orders_ingest
from clientela.api.routers._common import actor, responses
from clientela.api.schemas.batch import BatchOut, EventBatchIn, OrderBatchIn
from clientela.api.schemas.common import ErrorOut

router = Router(tags=["batch ingestion"])
_RESPONSES = responses(200, BatchOut, also={413: ErrorOut})


@router.post("/events:batch", response=_RESPONSES, operation_id="ingestEvents")
def ingest_events(request: HttpRequest, payload: EventBatchIn):
    """Record up to 10,000 touchpoints; each item's `external_id` makes a retry harmless.
    Per item: `created`, `unchanged` or `rejected` (with the reason); a malformed batch is
    a 422 listing every problem, and nothing is written."""
    return _json(events_ingest(actor=actor(request), batch=payload))


@router.post("/orders:batch", response=_RESPONSES, operation_id="ingestOrders")
def ingest_orders(request: HttpRequest, payload: OrderBatchIn):
    """Record up to 10,000 orders with their lines (payer and consumer per line); each
    item's `external_id` makes a retry harmless, and an order already recorded is never
    changed. Per item: `created`, `unchanged` or `rejected` (with the reason)."""
    return _json(orders_ingest(actor=actor(request), batch=payload))


def _json(body: dict) -> HttpResponse:
    """The result as JSON, written directly: `_Results` builds exactly the `BatchOut` shape
    (strings, integers and None), and running up to 10,000 results through the
    response schema cost a fifth of a batch's time. The tests and Schemathesis check the
    body against the published schema."""
    return HttpResponse(
        json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")),
        content_type="application/json; charset=utf-8",
    )
