"""Referrals: the API's request and response shapes."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Schema
from pydantic import AwareDatetime, Field

from clientela.api.schemas.common import In, ListQuery, PublicId

Amount = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
Points = Annotated[int, Field(ge=0, le=1_000_000)]


class ProgrammeOut(Schema):
    is_active: bool
    referrer_points: int
    referred_points: int
    min_purchase: Decimal = Field(
        description="In the business currency; an order total at or above it qualifies."
    )
    currency: str
    window_days: int = Field(description="Days after the referral in which a purchase qualifies.")
    yearly_cap: int | None = Field(
        description="Rewarded referrals per referrer a year; null: none."
    )
    updated_at: datetime


class ProgrammeIn(In):
    is_active: bool
    referrer_points: Points
    referred_points: Points
    min_purchase: Amount
    window_days: Annotated[int, Field(ge=1, le=3660)]
    yearly_cap: Annotated[int, Field(ge=1, le=10_000)] | None = None


class CodeIn(In):
    party: PublicId


class CodePatch(In):
    is_active: bool = Field(description="false switches the code and its link off.")


class CodeOut(Schema):
    code: str
    party: str
    link: str = Field(description="The public landing page's path.")
    is_active: bool
    created_at: datetime


class ClaimIn(In):
    code: Annotated[str, Field(min_length=1, max_length=20)]
    party: PublicId = Field(description="The referred party.")
    at: AwareDatetime | None = Field(
        None, description="When the referral happened; now by default."
    )


class ReferralOut(Schema):
    id: str
    referrer: str
    referred: str
    code: str | None
    status: str
    source: str
    referred_at: datetime
    expires_at: datetime
    qualified_at: datetime | None
    order: str | None
    rewarded: bool
    reward_note: str
    created_at: datetime
    updated_at: datetime


class ReferralQuery(ListQuery):
    status: Literal["pending", "qualified", "expired"] | None = None
    referrer: PublicId | None = Field(None, description="The referrer party's id.")
    referred: PublicId | None = Field(None, description="The referred party's id.")


class LeaderboardQuery(Schema):
    period: Literal["30", "90", "365", "all"] = "90"
    limit: int = Field(50, ge=1, le=200)


class AmbassadorOut(Schema):
    party: str
    name: str
    code: str | None
    qualified: int
    pending: int
    revenue: Decimal


class LeaderboardOut(Schema):
    period: str
    currency: str
    items: list[AmbassadorOut]
