"""Client desk API shapes (request bodies refuse unknown fields)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Schema
from pydantic import ConfigDict, Field

from clientela.api.schemas.common import In
from clientela.clientdesk.settings import CHANNELS

Username = Annotated[str, Field(min_length=1, max_length=150, pattern=r"^[\w.@+-]+$")]
PublicId = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_]+$")]


class HealthOut(Schema):
    relationship: str
    party: str
    score: int = Field(ge=0, le=100)
    band: Literal["good", "watch", "at_risk"]
    reasons: list[str]
    components: dict[str, float]


class HealthBrief(Schema):
    score: int
    band: Literal["good", "watch", "at_risk"]


class ItemOut(Schema):
    """One entry of a morning-list section: the client and the section's own detail."""

    relationship: str
    party: str
    party_name: str
    owner: str | None
    health: HealthBrief | None
    detail: dict[str, str | int | float | None]


class MorningOut(Schema):
    owner: str | None
    today: date
    counts: dict[str, int]
    checkins: list[ItemOut]
    renewals: list[ItemOut]
    falling: list[ItemOut]
    negative: list[ItemOut]
    late_tasks: list[ItemOut]
    at_risk: list[ItemOut]


class MorningQuery(Schema):
    model_config = ConfigDict(extra="forbid")

    owner: Username | None = Field(None, description="An account manager's username.")


class HealthQuery(Schema):
    model_config = ConfigDict(extra="forbid")

    relationship: PublicId = Field(..., description="The relationship's public id.")


class WorkloadOut(Schema):
    username: str
    name: str
    clients: int
    contract_value: str = Field(description="Annualised value of signed and active contracts.")
    overdue_checkins: int
    late_tasks: int
    renewals: int
    average_health: int | None


class ReassignIn(In):
    to_owner: Username
    relationships: Annotated[list[PublicId], Field(max_length=5000)] | None = None
    from_owner: Username | None = Field(
        None, description="Reassign all of this account manager's current relationships."
    )


class ReassignOut(Schema):
    moved: list[str]


class BackupIn(In):
    user: Username


class BackupQuery(Schema):
    model_config = ConfigDict(extra="forbid")

    user: Username


class BackupOut(Schema):
    id: str
    user: str
    name: str
    added_at: datetime


class DeskSettingsOut(Schema):
    guard_owner_for_onboarding: bool
    guard_contract_for_purchase: bool
    guard_onboarding_for_management: bool
    restrict_contract_documents: bool
    checkin_every_days: int
    checkin_channel: str
    review_every_months: int
    renewal_warning_days: int
    booking_link_days: int


Days = Annotated[int, Field(ge=1, le=366)]


class DeskSettingsPatch(In):
    guard_owner_for_onboarding: bool | None = None
    guard_contract_for_purchase: bool | None = None
    guard_onboarding_for_management: bool | None = None
    restrict_contract_documents: bool | None = None
    checkin_every_days: Days | None = None
    checkin_channel: Literal[CHANNELS] | None = None  # type: ignore[valid-type]
    review_every_months: Annotated[int, Field(ge=1, le=24)] | None = None
    renewal_warning_days: Days | None = None
    booking_link_days: Days | None = None
