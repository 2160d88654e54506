"""Activities and touchpoints on a party's timeline."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import AwareDatetime, Field

from clientela.activities.models import ActivityKind, Channel, Direction
from clientela.api.schemas.common import In, ListQuery, Username


class ActivityOut(Schema):
    id: str
    party: str
    relationship: str | None
    kind: str
    channel: str
    direction: str
    staff: str | None
    occurred_at: datetime
    subject: str
    body: str
    properties: dict[str, Any]
    external_id: str | None
    created_at: datetime


class ActivityIn(In):
    kind: ActivityKind
    channel: Channel | None = Field(None, description="Defaults to the kind's usual channel.")
    direction: Direction = Direction.OUTBOUND
    staff: Username | None = Field(None, description="Staff username; defaults to the caller.")
    occurred_at: AwareDatetime | None = None
    subject: Annotated[str, Field(max_length=200)] = ""
    body: Annotated[str, Field(max_length=20000)] = ""
    properties: dict[str, Any] = Field(default_factory=dict)
    external_id: Annotated[str, Field(min_length=1, max_length=120)] | None = None


class ActivityQuery(ListQuery):
    kind: Literal[tuple(ActivityKind.values)] | Literal[""] = ""  # type: ignore[valid-type]
    since: AwareDatetime | None = Field(None, description="Inclusive.")
    until: AwareDatetime | None = Field(None, description="Exclusive.")
    order_by: Literal["-occurred_at", "occurred_at"] = "-occurred_at"


def activity_out(activity) -> dict:
    return {
        "id": activity.public_id,
        "party": activity.party.public_id,
        "relationship": activity.relationship.public_id if activity.relationship_id else None,
        "kind": activity.kind,
        "channel": activity.channel,
        "direction": activity.direction,
        "staff": activity.staff.username if activity.staff_id else None,
        "occurred_at": activity.occurred_at,
        "subject": activity.subject,
        "body": activity.body,
        "properties": activity.properties or {},
        "external_id": activity.external_id,
        "created_at": activity.created_at,
    }
