"""The catalogue and orders with their lines (payer and consumer per line)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Schema
from pydantic import AwareDatetime, Field

from clientela.api.schemas.common import In, ListQuery, PublicId
from clientela.commerce.models import Offering, OrderStatus, SalesChannel

Currency = Annotated[str, Field(min_length=3, max_length=3, pattern=r"^[A-Za-z]{3}$")]
Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]


class CatalogItemOut(Schema):
    id: str
    sku: str
    name: str
    offering: str
    category: str
    unit_price: Decimal
    currency: str
    active: bool
    created_at: datetime
    updated_at: datetime


class CatalogItemIn(In):
    sku: Annotated[str, Field(min_length=1, max_length=80)]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    offering: Offering
    unit_price: Money
    currency: Currency = "EUR"
    category: Annotated[str, Field(max_length=80)] = ""


class CatalogQuery(ListQuery):
    offering: Literal["standardised", "personalised", ""] = ""
    active: bool | None = None
    category: Annotated[str, Field(max_length=80)] = ""
    order_by: Literal["name", "sku", "-created_at", "created_at"] = "name"


class OrderLineOut(Schema):
    item: str | None
    description: str
    offering: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    payer: str
    consumer: str
    consumer_name: str


class OrderOut(Schema):
    id: str
    payer: str
    payer_name: str
    relationship: str | None
    external_id: str | None
    placed_at: datetime
    currency: str
    channel: str
    status: str
    total: Decimal
    lines: list[OrderLineOut]
    created_at: datetime
    updated_at: datetime


class OrderLineIn(In):
    item: PublicId | None = Field(None, description="Catalogue item id (itm_...).")
    description: Annotated[str, Field(max_length=200)] = ""
    quantity: Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=3)] = Decimal("1")
    unit_price: Money | None = Field(None, description="Defaults to the item's price.")
    offering: Offering | None = None
    consumer: PublicId | None = Field(None, description="Who uses it; defaults to the payer.")


class OrderIn(In):
    payer: PublicId
    lines: Annotated[list[OrderLineIn], Field(min_length=1, max_length=500)]
    currency: Currency
    channel: SalesChannel = SalesChannel.STORE
    status: OrderStatus = OrderStatus.PAID
    placed_at: AwareDatetime | None = None
    external_id: Annotated[str, Field(min_length=1, max_length=120)] | None = Field(
        None, description="Your id for the order: recording it again changes nothing."
    )


class OrderPatch(In):
    status: OrderStatus


class OrderQuery(ListQuery):
    party: Annotated[str, Field(max_length=40)] = Field(
        "", description="Orders this party paid for or consumed from."
    )
    status: Literal["paid", "refunded", "cancelled", ""] = ""
    channel: Literal["store", "online", "phone", "in_person", "marketplace", "invoice", ""] = ""
    placed_after: AwareDatetime | None = Field(None, description="Inclusive.")
    placed_before: AwareDatetime | None = Field(None, description="Exclusive.")
    order_by: Literal["-placed_at", "placed_at", "-total", "total"] = "-placed_at"


def catalog_item_out(item) -> dict:
    return {
        "id": item.public_id,
        "sku": item.sku,
        "name": item.name,
        "offering": item.offering,
        "category": item.category,
        "unit_price": item.unit_price,
        "currency": item.currency,
        "active": item.active,
        "created_at": item.created_at,
        "updated_at": item.updated_at,
    }


def order_out(order) -> dict:
    """The representation of an order loaded by `order_get` / `orders_filtered`."""
    return {
        "id": order.public_id,
        "payer": order.payer.public_id,
        "payer_name": order.payer.display_name,
        "relationship": order.relationship.public_id if order.relationship_id else None,
        "external_id": order.external_id,
        "placed_at": order.placed_at,
        "currency": order.currency,
        "channel": order.channel,
        "status": order.status,
        "total": order.total,
        "lines": [
            {
                "item": line.item.public_id if line.item_id else None,
                "description": line.description,
                "offering": line.offering,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "amount": line.amount,
                "payer": line.payer.public_id,
                "consumer": line.consumer.public_id,
                "consumer_name": line.consumer.display_name,
            }
            for line in order.lines.all()
        ],
        "created_at": order.created_at,
        "updated_at": order.updated_at,
    }
