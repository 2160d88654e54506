"""Rewards: the API's request and response shapes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field

from clientela.api.schemas.common import In, ListQuery, PublicId

Kind = Literal["discount", "free_item", "gift", "experience"]
CouponKind = Literal["percent", "fixed"]
Day = Annotated[dt.date, Field(ge=dt.date(2000, 1, 1), le=dt.date(2999, 12, 31))]
Points = Annotated[int, Field(ge=1, le=100_000_000)]
Stock = Annotated[int, Field(ge=0, le=100_000_000)]
Value = Annotated[Decimal, Field(gt=0, le=Decimal("999999999999.99"), decimal_places=2)]
ValidDays = Annotated[int, Field(ge=1, le=3660)]
Name = Annotated[str, Field(min_length=1, max_length=200, pattern=r"\S")]
Description = Annotated[str, Field(max_length=2000)]
Note = Annotated[str, Field(max_length=500)]


class RewardOut(Schema):
    id: str
    name: str
    kind: str
    points_cost: int
    description: str
    stock: int | None = Field(description="null: unlimited.")
    is_active: bool
    valid_from: dt.date | None
    valid_to: dt.date | None
    available: bool = Field(description="Redeemable today: active, within dates, in stock.")
    coupon_kind: str = Field(description="Discount rewards: percent or fixed; else empty.")
    coupon_value: Decimal | None
    coupon_valid_days: int
    created_at: dt.datetime
    updated_at: dt.datetime


class RewardIn(In):
    name: Name
    kind: Kind
    points_cost: Points
    description: Description = ""
    stock: Stock | None = None
    is_active: bool = True
    valid_from: Day | None = None
    valid_to: Day | None = None
    coupon_kind: CouponKind | None = Field(None, description="Required for discount rewards.")
    coupon_value: Value | None = None
    coupon_valid_days: ValidDays = 30


class RewardPatch(In):
    name: Name | None = None
    kind: Kind | None = None
    points_cost: Points | None = None
    description: Description | None = None
    stock: Stock | None = Field(None, description="null: unlimited.")
    is_active: bool | None = None
    valid_from: Day | None = None
    valid_to: Day | None = None
    coupon_kind: CouponKind | None = None
    coupon_value: Value | None = None
    coupon_valid_days: ValidDays | None = None


class RewardQuery(ListQuery):
    active: bool | None = None
    kind: Kind | None = None


class RewardRedeemIn(In):
    party: PublicId
    note: Note = ""


class RewardCancelIn(In):
    note: Note = ""


class RewardRedemptionOut(Schema):
    id: str
    reward: str
    reward_name: str
    party: str
    points: int
    status: str
    coupon: str | None = Field(description="The personal coupon's code (discount rewards).")
    note: str
    issued_at: dt.datetime
    fulfilled_at: dt.datetime | None
    cancelled_at: dt.datetime | None


class RewardRedemptionQuery(ListQuery):
    party: PublicId | None = None
    reward: PublicId | None = None
    status: Literal["issued", "fulfilled", "cancelled"] | None = None


def reward_out(reward, *, today: dt.date) -> dict:
    return {
        "id": reward.public_id,
        "name": reward.name,
        "kind": reward.kind,
        "points_cost": reward.points_cost,
        "description": reward.description,
        "stock": reward.stock,
        "is_active": reward.is_active,
        "valid_from": reward.valid_from,
        "valid_to": reward.valid_to,
        "available": reward.available_on(today),
        "coupon_kind": reward.coupon_kind,
        "coupon_value": reward.coupon_value,
        "coupon_valid_days": reward.coupon_valid_days,
        "created_at": reward.created_at,
        "updated_at": reward.updated_at,
    }


def redemption_out(row) -> dict:
    return {
        "id": row.public_id,
        "reward": row.reward.public_id,
        "reward_name": row.reward.name,
        "party": row.party.public_id,
        "points": row.points,
        "status": row.status,
        "coupon": row.coupon.code if row.coupon_id else None,
        "note": row.note,
        "issued_at": row.issued_at,
        "fulfilled_at": row.fulfilled_at,
        "cancelled_at": row.cancelled_at,
    }
