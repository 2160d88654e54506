"""Loyalty: the API's request and response shapes, and the functions that build the
responses from the models."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field, model_validator

from clientela.api.schemas.common import In, ListQuery, PublicId

Rate = Annotated[Decimal, Field(ge=0, le=100000, max_digits=10, decimal_places=4)]
Multiplier = Annotated[Decimal, Field(ge=0, le=1000, max_digits=6, decimal_places=3)]
Points = Annotated[int, Field(ge=1, le=10**9)]
Text120 = Annotated[str, Field(min_length=1, max_length=120)]
Note = Annotated[str, Field(max_length=2000)]
Key = Annotated[str, Field(min_length=1, max_length=120)]
Channel = Literal["store", "online", "phone", "in_person", "marketplace", "invoice"]
Months = Annotated[int, Field(ge=1, le=60)]


class LoyaltyProgrammeOut(Schema):
    name: str
    currency: str
    base_rate: Decimal = Field(description="Points per currency unit spent.")
    min_spend: Decimal = Field(
        description="An order below this earns nothing; at or above, its whole amount earns."
    )
    expiry_months: int = Field(description="Points expire this many months after; 0 = never.")
    auto_enrol: bool
    active: bool
    tier_window_months: int
    review_every_months: int
    updated_at: datetime


class LoyaltyProgrammeIn(In):
    name: Text120
    currency: Annotated[str, Field(pattern=r"^[A-Za-z]{3}$")]
    base_rate: Rate
    min_spend: Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
    expiry_months: Annotated[int, Field(ge=0, le=120)]
    auto_enrol: bool
    active: bool
    tier_window_months: Months = 12
    review_every_months: Months = 12


class LoyaltyRuleOut(Schema):
    id: str
    kind: str
    category: str
    channel: str
    extra_per_unit: Decimal
    multiplier: Decimal
    active: bool


class LoyaltyRuleIn(In):
    kind: Literal["category", "channel"]
    category: Annotated[str, Field(max_length=80)] = ""
    channel: Channel | Literal[""] = ""
    extra_per_unit: Rate = Decimal("0")
    multiplier: Multiplier = Decimal("1")
    active: bool = True


class LoyaltyRulePatch(In):
    category: Annotated[str, Field(max_length=80)] | None = None
    channel: Channel | None = None
    extra_per_unit: Rate | None = None
    multiplier: Multiplier | None = None
    active: bool | None = None


class LoyaltyCampaignOut(Schema):
    id: str
    name: str
    starts_on: date
    ends_on: date
    multiplier: Decimal
    bonus_points: int
    category: str
    channel: str
    active: bool


class LoyaltyCampaignIn(In):
    name: Text120
    starts_on: date
    ends_on: date
    multiplier: Multiplier = Decimal("1")
    bonus_points: Annotated[int, Field(ge=0, le=10**7)] = 0
    category: Annotated[str, Field(max_length=80)] = ""
    channel: Channel | Literal[""] = ""
    active: bool = True

    @model_validator(mode="after")
    def _dates(self):
        if self.ends_on < self.starts_on:
            raise ValueError("ends_on cannot be before starts_on")
        return self


class LoyaltyCampaignPatch(In):
    name: Text120 | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    multiplier: Multiplier | None = None
    bonus_points: Annotated[int, Field(ge=0, le=10**7)] | None = None
    category: Annotated[str, Field(max_length=80)] | None = None
    channel: Channel | Literal[""] | None = None
    active: bool | None = None


class LoyaltyTierOut(Schema):
    id: str
    name: str
    threshold: int = Field(description="Points earned in the rolling window to reach it.")
    position: int
    benefits: str
    multiplier: Decimal


class LoyaltyTierIn(In):
    name: Annotated[str, Field(min_length=1, max_length=60)]
    threshold: Annotated[int, Field(ge=0, le=10**9)]
    position: Annotated[int, Field(ge=0, le=1000)] = 0
    benefits: Note = ""
    multiplier: Multiplier = Decimal("1")


class LoyaltyTierPatch(In):
    name: Annotated[str, Field(min_length=1, max_length=60)] | None = None
    threshold: Annotated[int, Field(ge=0, le=10**9)] | None = None
    position: Annotated[int, Field(ge=0, le=1000)] | None = None
    benefits: Note | None = None
    multiplier: Multiplier | None = None


class LoyaltyMemberOut(Schema):
    id: str
    party: str
    party_name: str
    balance: int
    tier: str | None = Field(description="The tier's name.")
    enrolled_at: datetime
    next_review_on: date | None
    earned_in_window: int


class LoyaltyMemberDetailOut(LoyaltyMemberOut):
    next_tier: str | None
    points_to_next_tier: int
    expiring_30d: int


class LoyaltyMemberQuery(ListQuery):
    q: Annotated[str, Field(max_length=100)] = ""
    tier: Annotated[str, Field(max_length=40)] = Field(
        "", description="A tier id, or `none` for members without a tier."
    )


class LoyaltyEnrolIn(In):
    party: PublicId


class LoyaltyEntryOut(Schema):
    id: str
    party: str
    kind: str
    points: int
    balance_after: int
    occurred_at: datetime
    expires_at: datetime | None
    remaining: int | None = Field(description="Lots only: the points left of this lot.")
    unrecovered: int
    order: str | None
    related: str | None
    reference: str
    note: str


class LoyaltyCreditIn(In):
    points: Points
    reason: Text120
    key: Key


class LoyaltyAdjustIn(In):
    points: Annotated[int, Field(ge=-(10**9), le=10**9)]
    note: Annotated[str, Field(min_length=1, max_length=2000)]
    key: Key | None = None


class LoyaltyRedeemIn(In):
    points: Points
    reference: Text120
    note: Note = ""
    key: Key | None = None


class LoyaltyCancelIn(In):
    note: Note = ""


def programme_out(p) -> dict:
    return {
        "name": p.name,
        "currency": p.currency,
        "base_rate": p.base_rate,
        "min_spend": p.min_spend,
        "expiry_months": p.expiry_months,
        "auto_enrol": p.auto_enrol,
        "active": p.active,
        "tier_window_months": p.tier_window_months,
        "review_every_months": p.review_every_months,
        "updated_at": p.updated_at,
    }


def rule_out(r) -> dict:
    return {
        "id": r.public_id,
        "kind": r.kind,
        "category": r.category,
        "channel": r.channel,
        "extra_per_unit": r.extra_per_unit,
        "multiplier": r.multiplier,
        "active": r.active,
    }


def campaign_out(c) -> dict:
    fields = ("name", "starts_on", "ends_on", "multiplier", "bonus_points", "category")
    return {"id": c.public_id, **{f: getattr(c, f) for f in fields}, "channel": c.channel,
            "active": c.active}  # fmt: skip


def tier_out(t) -> dict:
    fields = ("name", "threshold", "position", "benefits", "multiplier")
    return {"id": t.public_id, **{f: getattr(t, f) for f in fields}}


def member_out(account, *, earned: int) -> dict:
    return {
        "id": account.public_id,
        "party": account.party.public_id,
        "party_name": account.party.display_name,
        "balance": account.balance,
        "tier": account.tier.name if account.tier_id else None,
        "enrolled_at": account.enrolled_at,
        "next_review_on": account.next_review_on,
        "earned_in_window": earned,
    }


def entry_out(e, *, party_public_id: str) -> dict:
    return {
        "id": e.public_id,
        "party": party_public_id,
        "kind": e.kind,
        "points": e.points,
        "balance_after": e.balance_after,
        "occurred_at": e.occurred_at,
        "expires_at": e.expires_at,
        "remaining": e.remaining,
        "unrecovered": e.unrecovered,
        "order": e.order.public_id if e.order_id else None,
        "related": e.related.public_id if e.related_id else None,
        "reference": e.reference,
        "note": e.note,
    }
