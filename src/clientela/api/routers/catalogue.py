"""/catalogue/items: standardised goods and personalised services (commerce.services)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from clientela.api.etags import with_etag
from clientela.api.pagination import keyset_page, page_schema
from clientela.api.routers._common import PathId, actor, created, links_to, page, responses
from clientela.api.schemas.commerce import (
    CatalogItemIn,
    CatalogItemOut,
    CatalogQuery,
    catalog_item_out,
)
from clientela.commerce.selectors import catalog_item_get, catalog_items_filtered
from clientela.commerce.services import catalog_item_create

router = Router(tags=["catalogue"])
CatalogItemPage = page_schema(CatalogItemOut)
_ORDERINGS = {
    "name": ("name", "id"),
    "sku": ("sku", "id"),
    "created_at": ("created_at", "id"),
    "-created_at": ("-created_at", "-id"),
}


@router.get("/items", response=responses(200, CatalogItemPage), operation_id="listCatalogItems")
def list_items(request: HttpRequest, query: Query[CatalogQuery]):
    rows, next_cursor = keyset_page(
        catalog_items_filtered(
            offering=query.offering, active=query.active, category=query.category
        ),
        ordering=_ORDERINGS[query.order_by],
        cursor=query.cursor,
        limit=query.limit,
        tag="catalogue",
    )
    return page(rows, next_cursor, catalog_item_out)


@router.post(
    "/items",
    response=responses(201, CatalogItemOut),
    operation_id="createCatalogItem",
    openapi_extra=links_to("getCatalogItem"),
)
def create_item(request: HttpRequest, response: HttpResponse, payload: CatalogItemIn):
    """Add an item (managers and admins). A SKU already in the catalogue is a 409."""
    item = catalog_item_create(actor=actor(request), **payload.model_dump())
    body = with_etag(response, catalog_item_out(catalog_item_get(public_id=item.public_id)))
    return created(response, body, path=f"catalogue/items/{item.public_id}")


@router.get(
    "/items/{public_id}", response=responses(200, CatalogItemOut), operation_id="getCatalogItem"
)
def get_item(request: HttpRequest, response: HttpResponse, public_id: PathId):
    return with_etag(response, catalog_item_out(catalog_item_get(public_id=public_id)))
