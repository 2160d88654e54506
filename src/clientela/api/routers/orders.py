"""/orders: orders with their lines (payer and consumer per line), through
commerce.services. Recording an order whose `external_id` is already known changes nothing
(200, the existing order), except a status change, which is applied."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from clientela.api.etags import conditional_write, with_etag
from clientela.api.locks import lock_order
from clientela.api.pagination import keyset_page, page_schema
from clientela.api.routers._common import (
    PathId,
    actor,
    created,
    links_to,
    page,
    party_ref,
    responses,
)
from clientela.api.schemas.commerce import OrderIn, OrderOut, OrderPatch, OrderQuery, order_out
from clientela.commerce.selectors import catalog_items_by_public_id, order_get, orders_filtered
from clientela.commerce.services import LineIn, Outcome, order_record, order_set_status
from clientela.core.errors import validation_error

router = Router(tags=["orders"])
OrderPage = page_schema(OrderOut)


def _represent(public_id: str) -> dict:
    return order_out(order_get(public_id=public_id))


@router.get("", response=responses(200, OrderPage), operation_id="listOrders")
def list_orders(request: HttpRequest, query: Query[OrderQuery]):
    """Orders, newest first by default; `party` finds those it paid for or consumed from."""
    party = party_ref("party", query.party) if query.party else None
    rows, next_cursor = keyset_page(
        orders_filtered(
            party_id=party.pk if party else None,
            status=query.status,
            channel=query.channel,
            placed_from=query.placed_after,
            placed_to=query.placed_before,
        ),
        ordering=(query.order_by, "-id" if query.order_by.startswith("-") else "id"),
        cursor=query.cursor,
        limit=query.limit,
        tag="orders",
    )
    return page(rows, next_cursor, order_out)


@router.post(
    "",
    response=responses(201, OrderOut, also={200: OrderOut}),
    operation_id="recordOrder",
    openapi_extra=links_to("getOrder", "updateOrder"),
)
def record_order(request: HttpRequest, response: HttpResponse, payload: OrderIn):
    """Record an order: 201 when created; 200 with the existing order when its `external_id`
    was already recorded for this payer (a status change is applied)."""
    payer = party_ref("payer", payload.payer)
    items = catalog_items_by_public_id(
        public_ids=[line.item for line in payload.lines if line.item]
    )
    lines = []
    for index, line in enumerate(payload.lines):
        if line.item and line.item not in items:
            raise validation_error(
                f"lines[{index}].item", _("no catalogue item %(id)s") % {"id": line.item}
            )
        item = items.get(line.item) if line.item else None
        if line.unit_price is None and item is None:
            raise validation_error(f"lines[{index}].unit_price", _("is required without an item"))
        consumer = party_ref(f"lines[{index}].consumer", line.consumer) if line.consumer else None
        lines.append(
            LineIn(
                description=line.description,
                unit_price=item.unit_price if line.unit_price is None else line.unit_price,
                quantity=line.quantity,
                item=item,
                offering=line.offering,
                consumer=consumer,
            )
        )
    order, outcome = order_record(
        actor=actor(request),
        payer=payer,
        lines=lines,
        currency=payload.currency,
        channel=payload.channel,
        status=payload.status,
        placed_at=payload.placed_at,
        external_id=payload.external_id,
    )
    body = with_etag(response, _represent(order.public_id))
    response["Clientela-Outcome"] = outcome.value
    if outcome == Outcome.CREATED:
        return created(response, body, path=f"orders/{order.public_id}")
    return Status(200, body)


@router.get("/{public_id}", response=responses(200, OrderOut), operation_id="getOrder")
def get_order(request: HttpRequest, response: HttpResponse, public_id: PathId):
    return with_etag(response, _represent(public_id))


@router.patch(
    "/{public_id}",
    response=responses(200, OrderOut, conditional=True),
    operation_id="updateOrder",
)
def update_order(
    request: HttpRequest, response: HttpResponse, public_id: PathId, payload: OrderPatch
):
    """Refund or cancel a paid order (refunded and cancelled are final). Honours If-Match."""
    with conditional_write(request, lambda: lock_order(public_id), lambda: _represent(public_id)):
        order_set_status(
            actor=actor(request), order=order_get(public_id=public_id), status=payload.status
        )
    return with_etag(response, _represent(public_id))
