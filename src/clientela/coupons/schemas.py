"""Coupons: the API's request and response shapes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field

from clientela.api.schemas.common import In, ListQuery, PublicId

Kind = Literal["percent", "fixed"]
Currency = Annotated[str, Field(min_length=3, max_length=3, pattern=r"^[A-Za-z]{3}$")]
Money = Annotated[Decimal, Field(ge=0, le=Decimal("999999999999.99"), decimal_places=2)]
Value = Annotated[Decimal, Field(gt=0, le=Decimal("999999999999.99"), decimal_places=2)]
Day = Annotated[dt.date, Field(ge=dt.date(2000, 1, 1), le=dt.date(2999, 12, 31))]
Limit = Annotated[int, Field(ge=1, le=1000000)]
Code = Annotated[str, Field(min_length=1, max_length=40)]
Key = Annotated[str, Field(min_length=1, max_length=120, pattern=r"^\S(.*\S)?$")]


class CouponBatchOut(Schema):
    id: str
    name: str
    kind: str
    value: Decimal
    currency: str = Field(description="Fixed coupons only; empty for percentages.")
    min_spend: Decimal | None
    valid_from: dt.date
    valid_to: dt.date | None = Field(description="Inclusive; null: no end.")
    max_redemptions: int | None = Field(description="Per code; 1 = single use; null: unlimited.")
    per_customer_limit: int | None = Field(description="Per party over the batch; null: none.")
    code_count: int
    prefix: str
    party: str | None = Field(description="A personal coupon's party.")
    note: str
    is_active: bool
    created_at: dt.datetime
    updated_at: dt.datetime


class CouponBatchIn(In):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    kind: Kind
    value: Value = Field(description="Percent (0 < v <= 100) or an amount.")
    currency: Currency | None = Field(None, description="Fixed: defaults to the business's.")
    min_spend: Money | None = None
    valid_from: Day | None = Field(None, description="Defaults to today.")
    valid_to: Day | None = None
    max_redemptions: Limit | None = 1
    per_customer_limit: Limit | None = 1
    code_count: Annotated[int, Field(ge=1, le=50000)]
    prefix: Annotated[str, Field(max_length=12, pattern=r"^[A-Za-z0-9]*$")] = ""
    note: Annotated[str, Field(max_length=500)] = ""


class CouponBatchPatch(In):
    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    is_active: bool | None = None
    valid_to: Day | None = None
    note: Annotated[str, Field(max_length=500)] | None = None


class CouponCodeOut(Schema):
    id: str
    code: str
    times_redeemed: int


class CouponReportDay(Schema):
    day: dt.date
    redemptions: int


class CouponReportOut(Schema):
    batch: str
    codes_issued: int
    codes_used: int
    redemptions: int
    released: int
    redemption_rate: float = Field(description="Codes used / codes issued (0..1).")
    discount_total: Decimal
    per_day: list[CouponReportDay]


class PersonalCouponIn(In):
    party: PublicId
    kind: Kind
    value: Value
    valid_days: Annotated[int, Field(ge=1, le=3660)] = 30
    min_spend: Money | None = None
    note: Annotated[str, Field(max_length=200)] = ""


class CouponOut(Schema):
    id: str
    code: str
    batch: str
    party: str | None
    kind: str
    value: Decimal
    currency: str
    min_spend: Decimal | None
    valid_from: dt.date
    valid_to: dt.date | None
    times_redeemed: int


class CouponValidateIn(In):
    code: Code
    party: PublicId | None = Field(None, description="Needed for personal coupons and limits.")
    order_amount: Money


class CouponValidateOut(Schema):
    code: str
    valid: bool
    discount: Decimal | None
    reason: str | None = Field(
        description="unknown, inactive, not_yet_valid, expired, below_min_spend, used_up, "
        "customer_limit or other_customer."
    )
    message: str | None


class CouponRedeemIn(In):
    code: Code
    party: PublicId
    order_amount: Money
    order: PublicId | None = Field(None, description="The party's paid order, if recorded.")
    key: Key | None = Field(None, description="Idempotency key: the same key redeems once.")


class CouponRedemptionOut(Schema):
    id: str
    code: str
    batch: str
    party: str
    order: str | None
    order_amount: Decimal
    discount: Decimal
    currency: str
    at: dt.datetime
    released_at: dt.datetime | None


class CouponRedemptionQuery(ListQuery):
    batch: PublicId | None = None
    party: PublicId | None = None


class CouponBatchQuery(ListQuery):
    personal: bool = Field(False, description="Personal coupons instead of bulk batches.")
    active: bool | None = None


def batch_out(batch) -> dict:
    return {
        "id": batch.public_id,
        "name": batch.name,
        "kind": batch.kind,
        "value": batch.value,
        "currency": batch.currency,
        "min_spend": batch.min_spend,
        "valid_from": batch.valid_from,
        "valid_to": batch.valid_to,
        "max_redemptions": batch.max_redemptions,
        "per_customer_limit": batch.per_customer_limit,
        "code_count": batch.code_count,
        "prefix": batch.prefix,
        "party": batch.party.public_id if batch.party_id else None,
        "note": batch.note,
        "is_active": batch.is_active,
        "created_at": batch.created_at,
        "updated_at": batch.updated_at,
    }


def coupon_out(coupon) -> dict:
    batch = coupon.batch
    return {
        "id": coupon.public_id,
        "code": coupon.code,
        "batch": batch.public_id,
        "party": batch.party.public_id if batch.party_id else None,
        "kind": batch.kind,
        "value": batch.value,
        "currency": batch.currency,
        "min_spend": batch.min_spend,
        "valid_from": batch.valid_from,
        "valid_to": batch.valid_to,
        "times_redeemed": coupon.times_redeemed,
    }


def redemption_out(row) -> dict:
    return {
        "id": row.public_id,
        "code": row.coupon.code,
        "batch": row.batch.public_id,
        "party": row.party.public_id,
        "order": row.order.public_id if row.order_id else None,
        "order_amount": row.order_amount,
        "discount": row.discount,
        "currency": row.currency,
        "at": row.at,
        "released_at": row.released_at,
    }
