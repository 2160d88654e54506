"""Relationships (client or customer), their conversion and their journey."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from ninja import Schema
from pydantic import AwareDatetime, Field

from clientela.api.schemas.common import In, ListQuery, PublicId, Username
from clientela.api.schemas.parties import Stage
from clientela.parties.models import AcquisitionChannel, RelationshipKind

Reason = Annotated[str, Field(max_length=300)]


class RelationshipOut(Schema):
    id: str
    party: str
    party_name: str
    kind: str
    status: str
    stage: str
    stage_entered_at: datetime
    owner: str | None
    acquisition_channel: str
    is_current: bool
    started_at: datetime
    ended_at: datetime | None
    end_reason: str
    converted_from: str | None
    created_at: datetime
    updated_at: datetime


class RelationshipIn(In):
    party: PublicId
    kind: RelationshipKind
    acquisition_channel: AcquisitionChannel = AcquisitionChannel.OTHER
    owner: Username | None = None
    stage: Stage | None = Field(None, description="Where it enters its journey (awareness).")
    reason: Reason = ""
    at: AwareDatetime | None = None


class RelationshipPatch(In):
    owner: Username | None = Field(description="The new owner's username; null: nobody.")


class ConvertIn(In):
    reason: Annotated[str, Field(min_length=1, max_length=300)]
    owner: Username | None = None
    stage: Stage | None = Field(None, description="Where the new journey starts (consideration).")
    at: AwareDatetime | None = None


class EndIn(In):
    reason: Annotated[str, Field(min_length=1, max_length=300)]
    at: AwareDatetime | None = None


class MoveIn(In):
    to_stage: Stage
    reason: Annotated[str, Field(max_length=500)] = ""
    at: AwareDatetime | None = None


class TransitionOut(Schema):
    relationship: str
    from_stage: str
    to_stage: str
    at: datetime
    actor: str | None
    reason: str


class RelationshipQuery(ListQuery):
    party: Annotated[str, Field(max_length=40)] = ""
    kind: Literal["client", "customer", ""] = ""
    status: Literal["active", "paused", "converted", "ended", ""] = ""
    stage: Stage | Literal[""] = ""
    owner: Annotated[str, Field(max_length=150)] = ""
    current: bool | None = None
    order_by: Literal["-started_at", "started_at", "-updated_at", "updated_at"] = "-started_at"


class StageOut(Schema):
    stage: str
    label: str


class JourneyOut(Schema):
    kind: str
    stages: list[StageOut]


class RuleOut(Schema):
    rule: str
    description: str


class JourneysOut(Schema):
    journeys: list[JourneyOut]
    rules: list[RuleOut]


def relationship_out(relationship) -> dict:
    """The representation of a relationship with party, owner and converted_from loaded."""
    return {
        "id": relationship.public_id,
        "party": relationship.party.public_id,
        "party_name": relationship.party.display_name,
        "kind": relationship.kind,
        "status": relationship.status,
        "stage": relationship.stage,
        "stage_entered_at": relationship.stage_entered_at,
        "owner": relationship.owner.username if relationship.owner_id else None,
        "acquisition_channel": relationship.acquisition_channel,
        "is_current": relationship.is_current,
        "started_at": relationship.started_at,
        "ended_at": relationship.ended_at,
        "end_reason": relationship.end_reason,
        "converted_from": relationship.converted_from.public_id
        if relationship.converted_from_id
        else None,
        "created_at": relationship.created_at,
        "updated_at": relationship.updated_at,
    }


def transition_out(transition, relationship) -> dict:
    return {
        "relationship": relationship.public_id,
        "from_stage": transition.from_stage,
        "to_stage": transition.to_stage,
        "at": transition.at,
        "actor": transition.actor.username if transition.actor_id else None,
        "reason": transition.reason,
    }
