"""Performance reviews: the API's request and response shapes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field

from clientela.api.schemas.common import In, ListQuery, PublicId, Username

ReviewStatusName = Literal["scheduled", "sent", "answered", "closed"]


class PartyRef(Schema):
    id: str
    name: str


class ReviewOut(Schema):
    id: str
    relationship: str
    party: PartyRef
    owner: str | None = Field(description="The client's account manager (username).")
    origin: Literal["schedule", "manual"]
    status: ReviewStatusName
    due_on: date
    sent_at: datetime | None
    emailed_to: str = Field(description="Empty: the link must be sent by hand.")
    link: str | None = Field(
        description="The questionnaire link, while the review waits for an answer and only "
        "for those who may change the client."
    )
    answered_at: datetime | None
    answers: dict[str, int] = Field(
        description="overall 0-10, results 1-5, communication 1-5, responsiveness 1-5, "
        "recommend 0-10."
    )
    score: float | None = Field(description="Mean of the answers rescaled to 0..10, 1 decimal.")
    comment: str
    notes: str
    notes_by: str | None
    notes_at: datetime | None
    closed_at: datetime | None
    created_at: datetime
    updated_at: datetime


class ReviewQuery(ListQuery):
    status: ReviewStatusName | None = None
    party: PublicId | None = Field(None, description="A party's public id.")
    owner: Username | None = Field(None, description="An account manager's username.")


class ReviewCreate(In):
    relationship: PublicId = Field(description="The client relationship's public id.")


class ReviewPatch(In):
    notes: Annotated[str, Field(max_length=10000)] | None = None
    status: Literal["closed"] | None = Field(None, description='Send "closed" to close it.')


class ScheduleOut(Schema):
    relationship: str
    every_months: int
    next_due_on: date
    active: bool
    updated_at: datetime


class ScheduleIn(In):
    every_months: int = Field(ge=1, le=24)
    next_due_on: date | None = Field(
        None, description="Default: kept, or today + every_months for a new schedule."
    )
    active: bool = True


def review_out(review, *, link: str | None) -> dict:
    relationship = review.relationship
    return {
        "id": review.public_id,
        "relationship": relationship.public_id,
        "party": {"id": relationship.party.public_id, "name": relationship.party.display_name},
        "owner": relationship.owner.username if relationship.owner_id else None,
        "origin": review.origin,
        "status": review.status,
        "due_on": review.due_on,
        "sent_at": review.sent_at,
        "emailed_to": review.sent_to,
        "link": link,
        "answered_at": review.answered_at,
        "answers": dict(review.answers or {}),
        "score": float(review.score) if review.score is not None else None,
        "comment": review.client_comment,
        "notes": review.notes,
        "notes_by": review.notes_by.username if review.notes_by_id else None,
        "notes_at": review.notes_at,
        "closed_at": review.closed_at,
        "created_at": review.created_at,
        "updated_at": review.updated_at,
    }


def schedule_out(schedule) -> dict:
    return {
        "relationship": schedule.relationship.public_id,
        "every_months": schedule.every_months,
        "next_due_on": schedule.next_due_on,
        "active": schedule.active,
        "updated_at": schedule.updated_at,
    }
