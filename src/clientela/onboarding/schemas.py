"""Onboarding: the API's request and response shapes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field

from clientela.api.schemas.common import In, ListQuery, PublicId, Username


class DocumentIn(In):
    id: PublicId | None = Field(
        None, description="Keep a document the template already has (then nothing else)."
    )
    name: Annotated[str, Field(max_length=200)] = ""
    url: Annotated[str, Field(max_length=2000)] = ""


class DocumentOut(Schema):
    id: str
    name: str
    url: str = Field(description="The link, or the download path of an uploaded file.")
    uploaded: bool


class TemplateTaskIn(In):
    title: Annotated[str, Field(min_length=1, max_length=200)]
    instructions: Annotated[str, Field(max_length=10000)] = ""
    assignee: Username | None = Field(
        None, description="A staff user's username; null: the client's account manager."
    )
    offset_days: Annotated[int, Field(ge=0, le=3650)] = 0
    documents: Annotated[list[DocumentIn], Field(max_length=20)] = []


class TemplateTaskOut(Schema):
    title: str
    instructions: str
    assignee_kind: Literal["account_manager", "staff"]
    assignee: str | None
    offset_days: int
    documents: list[DocumentOut]


class TemplateIn(In):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    service: PublicId | None = Field(
        None, description="A personalised catalogue item; null: the default template."
    )
    active: bool = True
    position: Annotated[int, Field(ge=0, le=100000)] = 0
    tasks: Annotated[list[TemplateTaskIn], Field(max_length=100)] = []


class TemplateOut(Schema):
    id: str
    name: str
    service: str | None
    service_name: str | None
    active: bool
    position: int
    tasks: list[TemplateTaskOut]
    created_at: datetime
    updated_at: datetime


class PlanTaskOut(Schema):
    id: str
    title: str
    instructions: str
    assignee: str | None
    due_on: date
    done_at: datetime | None
    done_by: str | None
    late: bool
    reopen_reason: str
    documents: list[DocumentOut]


class PlanOut(Schema):
    id: str
    relationship: str
    party: str
    party_name: str
    owner: str | None
    template: str | None
    template_name: str
    start_on: date
    started_at: datetime
    completed_at: datetime | None
    done: int
    total: int
    late: int
    tasks: list[PlanTaskOut]


class PlanSummaryOut(Schema):
    id: str
    relationship: str
    party: str
    party_name: str
    owner: str | None
    template_name: str
    start_on: date
    started_at: datetime
    completed_at: datetime | None


class PlanIn(In):
    relationship: PublicId = Field(description="A current client relationship.")
    template: PublicId


class ReopenIn(In):
    reason: Annotated[str, Field(min_length=1, max_length=500)]


class PlanQuery(ListQuery):
    status: Literal["open", "completed"] | None = None
    relationship: PublicId | None = None
    owner: Username | None = Field(None, description="The client's account manager.")
