"""Contracts: the API's request and response shapes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field

from clientela.api.schemas.common import In, ListQuery, PublicId
from clientela.contracts.models import BillingRhythm, Contract

Currency = Annotated[str, Field(min_length=3, max_length=3, pattern=r"^[A-Za-z]{3}$")]
Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
Status = Literal["draft", "sent", "signed", "active", "expired", "terminated"]
Day = Annotated[dt.date, Field(ge=dt.date(1900, 1, 1), le=dt.date(2999, 12, 31))]
Note = Annotated[str, Field(max_length=2000)]
Ids = Annotated[list[PublicId], Field(max_length=100)]


class DocumentOut(Schema):
    name: str
    size: int
    content_type: str
    sha256: str
    uploaded_at: dt.datetime | None


class ContractOut(Schema):
    id: str
    title: str
    status: str
    party: str
    party_name: str
    relationship: str
    owner: str | None
    signatories: list[str]
    services: list[str]
    value: Decimal
    currency: str
    billing: str
    annual_value: Decimal = Field(
        description="Value per year: monthly x12, quarterly x4, yearly and one-off x1."
    )
    start_on: dt.date
    end_on: dt.date | None
    renewal_on: dt.date | None = Field(description="As set; null means the end date.")
    renewal_date: dt.date | None = Field(description="renewal_on, or end_on when unset.")
    notice_days: int
    notice_deadline: dt.date | None
    exclusive: bool
    signed_on: dt.date | None
    terminated_on: dt.date | None
    termination_reason: str
    notes: str
    allowed_transitions: list[str]
    document: DocumentOut | None
    created_at: dt.datetime
    updated_at: dt.datetime


class ContractIn(In):
    party: PublicId = Field(description="The client (party id); its current relationship.")
    title: Annotated[str, Field(min_length=1, max_length=200)]
    value: Money = Decimal("0")
    currency: Currency | None = Field(None, description="Defaults to the business currency.")
    billing: BillingRhythm = BillingRhythm.MONTHLY
    start_on: Day
    end_on: Day | None = None
    renewal_on: Day | None = None
    notice_days: Annotated[int, Field(ge=0, le=3650)] = 30
    exclusive: bool = False
    notes: Annotated[str, Field(max_length=5000)] = ""
    signatories: Ids = Field(default_factory=list, description="People (party ids) who sign.")
    services: Ids = Field(default_factory=list, description="Personalised catalogue item ids.")


class ContractPatch(In):
    """Only the fields sent change. Once signed, `note` is required (an amendment)."""

    title: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    value: Money | None = None
    currency: Currency | None = None
    billing: BillingRhythm | None = None
    start_on: Day | None = None
    end_on: Day | None = None
    renewal_on: Day | None = None
    notice_days: Annotated[int, Field(ge=0, le=3650)] | None = None
    exclusive: bool | None = None
    notes: Annotated[str, Field(max_length=5000)] | None = None
    signatories: Ids | None = None
    services: Ids | None = None
    note: Note = ""


class TransitionIn(In):
    status: Status
    reason: Annotated[str, Field(max_length=500)] = ""


class AmendmentOut(Schema):
    at: dt.datetime
    actor: str | None
    changes: dict
    note: str


class ContractQuery(ListQuery):
    status: Status | Literal[""] = ""
    party: Annotated[str, Field(max_length=40)] = ""
    owner: Annotated[str, Field(max_length=150)] = ""
    renewing_before: Day | None = Field(
        None, description="Signed/active contracts renewing on or before this date."
    )


def contract_out(contract: Contract) -> dict:
    owner = contract.relationship.owner
    document = None
    if contract.document:
        document = {
            "name": contract.document_name,
            "size": contract.document_size,
            "content_type": contract.document_content_type,
            "sha256": contract.document_sha256,
            "uploaded_at": contract.document_uploaded_at,
        }
    return {
        "id": contract.public_id,
        "title": contract.title,
        "status": contract.status,
        "party": contract.party.public_id,
        "party_name": contract.party.display_name,
        "relationship": contract.relationship.public_id,
        "owner": owner.username if owner else None,
        "signatories": sorted(p.public_id for p in contract.signatories.all()),
        "services": sorted(i.public_id for i in contract.services.all()),
        "value": contract.value,
        "currency": contract.currency,
        "billing": contract.billing,
        "annual_value": contract.annual_value,
        "start_on": contract.start_on,
        "end_on": contract.end_on,
        "renewal_on": contract.renewal_on,
        "renewal_date": contract.renewal_date,
        "notice_days": contract.notice_days,
        "notice_deadline": contract.notice_deadline,
        "exclusive": contract.exclusive,
        "signed_on": contract.signed_on,
        "terminated_on": contract.terminated_on,
        "termination_reason": contract.termination_reason,
        "notes": contract.notes,
        "allowed_transitions": list(contract.allowed_transitions),
        "document": document,
        "created_at": contract.created_at,
        "updated_at": contract.updated_at,
    }


def amendment_out(amendment) -> dict:
    return {
        "at": amendment.at,
        "actor": amendment.actor.username if amendment.actor else None,
        "changes": amendment.changes,
        "note": amendment.note,
    }
