"""Batch ingestion: `POST /events:batch` and `POST /orders:batch`.

Everything a schema can say is checked here, before anything is looked up, so a batch that
breaks it is refused whole with every problem listed (`items[12].occurred_at`): each item's
idempotency key (`external_id`, distinct within the batch), how it names its party, the
limits (1 to 10,000 items, 1 to 500 lines an order). What needs the database (does the
party exist, the catalogue item, may the caller change it) is decided per item by the
router and rejects only that item.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from clientela.activities.models import ActivityKind, Channel, Direction
from clientela.api.schemas.commerce import Currency, Money
from clientela.api.schemas.common import ErrorOut, PublicId, _storable
from clientela.commerce.models import Offering, OrderStatus, SalesChannel

MAX_ITEMS = 10_000
MAX_LINES = 500

ExternalId = Annotated[str, Field(min_length=1, max_length=120, pattern=r"\S")]
PartyExternalId = Annotated[str, Field(min_length=1, max_length=100, pattern=r"\S")]
Email = Annotated[str, Field(min_length=3, max_length=254)]
Name = Annotated[str, Field(max_length=100)]

# "Name the party one of three ways" in the schema itself, so generated clients and
# Schemathesis know that an item without any of them is invalid.
_NAMES_A_PARTY = {
    "anyOf": [
        {"required": ["party"]},
        {"required": ["party_email"]},
        {"required": ["party_external_id"]},
    ]
}


def _email(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        validate_email(value.strip())
    except DjangoValidationError:
        raise ValueError(_("is not a valid email address")) from None
    return value.strip().lower()


class _ItemIn(BaseModel):
    """An item of a batch: like `In` (unknown fields refused, text storable), as a plain
    pydantic model checked once per item rather than once per field (ninja's Schema
    wrapper and a validator per field cost more than the rest of a 10,000-item batch)."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="after")
    def _text_is_storable(self, info: ValidationInfo):
        request = (info.context or {}).get("request")
        if request is not None and _body_text_is_storable(request):
            return self
        for name, value in self.__dict__.items():
            if isinstance(value, str):
                if value.isascii() and "\x00" not in value:
                    continue
            elif not isinstance(value, dict) or not value:
                continue
            try:
                _storable(value)
            except ValueError as exc:
                raise PydanticCustomError(
                    "storable", "{field}: {problem}", {"field": name, "problem": str(exc)}
                ) from None
        return self


# In a JSON document, the only ways to write a NUL or a lone surrogate are the escapes
# \u0000 and \uD800-\uDFFF (raw control characters and invalid UTF-8 fail to parse).
_UNSTORABLE_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")


def _body_text_is_storable(request) -> bool:
    """True when the request's JSON body holds none of those escapes, so every text in it
    is storable: one scan of the body instead of a walk through each item (a surrogate
    pair or an escaped backslash before `u0000` also sends the items to the walk, which
    then decides). Cached on the request."""
    known = getattr(request, "_clientela_text_storable", None)
    if known is None:
        known = _UNSTORABLE_ESCAPE.search(request.body) is None
        request._clientela_text_storable = known
    return known


class PartyNamed(_ItemIn):
    """How an item names its party: its public id (`party`), or the email / your external
    id it is known by (either or both). With `create_parties`, a party named by email or
    external id that is not found is created as a customer with these names."""

    party: PublicId | None = Field(None, description="Public id (pty_...); never created.")
    party_email: Email | None = Field(None, description="Matched case-insensitively.")
    party_external_id: PartyExternalId | None = Field(None, description="Your id for it.")
    party_given_name: Name = Field("", description="For a party created by this batch.")
    party_family_name: Name = Field("", description="For a party created by this batch.")

    @field_validator("party_email")
    @classmethod
    def _valid_email(cls, value):
        return _email(value)

    @model_validator(mode="after")
    def _names_its_party(self):
        if not (self.party or self.party_email or self.party_external_id):
            raise ValueError(_("name the party by party, party_email or party_external_id"))
        if self.party and (self.party_email or self.party_external_id):
            raise ValueError(_("name the party by its id or by email / external id, not both ways"))
        return self


class EventItem(PartyNamed):
    """One touchpoint: a web visit, a campaign click, a store visit, a chat..."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_NAMES_A_PARTY)

    external_id: ExternalId = Field(description="Idempotency key: unique per event, forever.")
    kind: ActivityKind
    occurred_at: AwareDatetime
    channel: Channel | None = Field(None, description="Defaults to the kind's usual channel.")
    direction: Direction = Direction.INBOUND
    subject: Annotated[str, Field(max_length=200)] = ""
    properties: dict[str, Any] = Field(default_factory=dict)


class BatchLineIn(_ItemIn):
    """A line: a catalogue item (by `item` id or `sku`) or a described line with a price.
    The consumer (who uses it) is named like the payer; by default it is the payer."""

    item: PublicId | None = Field(None, description="Catalogue item id (itm_...).")
    sku: Annotated[str, Field(min_length=1, max_length=80)] | None = Field(
        None, description="Catalogue item by SKU (instead of `item`)."
    )
    description: Annotated[str, Field(max_length=200)] = ""
    quantity: Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=3)] = Decimal("1")
    unit_price: Money | None = Field(None, description="Defaults to the item's price.")
    offering: Offering | None = None
    consumer: PublicId | None = None
    consumer_email: Email | None = None
    consumer_external_id: PartyExternalId | None = None
    consumer_given_name: Name = ""
    consumer_family_name: Name = ""

    @field_validator("consumer_email")
    @classmethod
    def _valid_email(cls, value):
        return _email(value)

    @model_validator(mode="after")
    def _priced(self):
        if self.item and self.sku:
            raise ValueError(_("name the catalogue item by item or by sku, not both"))
        if self.unit_price is None and not (self.item or self.sku):
            raise ValueError(_("unit_price is required without an item or sku"))
        if not (self.description.strip() or self.item or self.sku):
            raise ValueError(_("description is required without an item or sku"))
        if self.consumer and (self.consumer_email or self.consumer_external_id):
            raise ValueError(
                _("name the consumer by its id or by email / external id, not both ways")
            )
        return self


class OrderItem(PartyNamed):
    """One order; the party named is its payer."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_NAMES_A_PARTY)

    external_id: ExternalId = Field(description="Idempotency key: your order number.")
    currency: Currency
    lines: Annotated[list[BatchLineIn], Field(min_length=1, max_length=MAX_LINES)]
    channel: SalesChannel = SalesChannel.STORE
    status: OrderStatus = OrderStatus.PAID
    placed_at: AwareDatetime | None = Field(None, description="Defaults to the time received.")


def _keyed_items(value, handler):
    """Validate the items, then refuse an external id repeated within the batch, reporting
    the item errors and the repeats together (`items[5].external_id`)."""
    errors: list[InitErrorDetails] = []
    try:
        result = handler(value)
    except ValidationError as exc:
        result = None
        errors = [
            InitErrorDetails(
                type=PydanticCustomError(error["type"], "{msg}", {"msg": error["msg"]}),
                loc=error["loc"],
                input=error.get("input"),
            )
            for error in exc.errors()
        ]
    first: dict[str, int] = {}
    for index, item in enumerate(value if isinstance(value, list) else []):
        key = item.get("external_id") if isinstance(item, dict) else None
        if not isinstance(key, str):
            continue
        if key in first:
            errors.append(
                InitErrorDetails(
                    type=PydanticCustomError(
                        "duplicate_key",
                        "{msg}",
                        {
                            "msg": _("repeats the external_id of items[%(first)s]")
                            % {"first": first[key]}
                        },
                    ),
                    loc=(index, "external_id"),
                    input=key,
                )
            )
        else:
            first[key] = index
    if errors:
        raise ValidationError.from_exception_data("items", errors)
    return result


class EventBatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: Annotated[list[EventItem], Field(min_length=1, max_length=MAX_ITEMS)]
    create_parties: bool = Field(
        False, description="Create parties named by email / external id that are not found."
    )

    _distinct = field_validator("items", mode="wrap")(_keyed_items)


class OrderBatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: Annotated[list[OrderItem], Field(min_length=1, max_length=MAX_ITEMS)]
    create_parties: bool = Field(
        False, description="Create payers and consumers named by email / external id."
    )

    _distinct = field_validator("items", mode="wrap")(_keyed_items)


class ItemResult(BaseModel):
    index: int = Field(description="Position of the item in the request.")
    external_id: str
    status: Literal["created", "unchanged", "rejected"]
    id: str | None = Field(None, description="The event or order (also when unchanged).")
    party: str | None = Field(None, description="The party (payer) it was recorded on.")
    error: ErrorOut | None = Field(None, description="Why it was rejected.")


class Totals(BaseModel):
    created: int
    unchanged: int
    rejected: int


class BatchOut(BaseModel):
    totals: Totals
    items: list[ItemResult] = Field(description="One result per item, in input order.")
