"""Parties (people and organisations) with their contact points, tags, memberships and
consent, and the summary of their current relationship."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from ninja import Schema
from pydantic import AwareDatetime, Field

from clientela.api.schemas.common import In, ListQuery, PublicId, Username
from clientela.parties.models import (
    AcquisitionChannel,
    ContactPointKind,
    MembershipRole,
    PartyKind,
    RelationshipKind,
)
from clientela.parties.selectors import PARTY_SHOWN

Stage = Literal[
    "awareness", "consideration", "purchase", "onboarding", "relationship_management", "retention"
]
Name = Annotated[str, Field(max_length=200)]
ShortText = Annotated[str, Field(max_length=300)]
TagName = Annotated[str, Field(max_length=60)]


class ContactPointOut(Schema):
    kind: str
    value: str
    label: str
    is_primary: bool


class MembershipOut(Schema):
    person: str
    person_name: str
    organisation: str
    organisation_name: str
    role: str
    title: str


class CurrentRelationshipOut(Schema):
    id: str
    kind: str
    stage: str
    status: str
    owner: str | None


class PartyOut(Schema):
    id: str
    kind: str
    display_name: str
    given_name: str
    family_name: str
    organisation_name: str
    language: str
    external_id: str | None
    notes: str
    tags: list[str]
    marketing_consent: bool
    consent_at: datetime | None
    consent_source: str
    contact_points: list[ContactPointOut]
    memberships: list[MembershipOut]
    current_relationship: CurrentRelationshipOut | None
    created_at: datetime
    updated_at: datetime


class PartyIn(In):
    kind: PartyKind = PartyKind.PERSON
    given_name: Name = ""
    family_name: Name = ""
    organisation_name: Name = ""
    language: Annotated[str, Field(max_length=8)] = ""
    external_id: Annotated[str, Field(max_length=100)] | None = None
    emails: Annotated[list[ShortText], Field(max_length=20)] = []
    phones: Annotated[list[ShortText], Field(max_length=20)] = []
    addresses: Annotated[list[ShortText], Field(max_length=20)] = []
    tags: Annotated[list[TagName], Field(max_length=50)] = []
    marketing_consent: bool = False
    consent_source: Annotated[str, Field(max_length=100)] = ""
    notes: Annotated[str, Field(max_length=10000)] = ""
    relationship_kind: RelationshipKind | None = Field(
        None, description="Open a relationship at once: client or customer."
    )
    acquisition_channel: AcquisitionChannel = AcquisitionChannel.OTHER
    owner: Username | None = Field(None, description="Username of the account manager.")
    stage: Stage | None = None


class PartyPatch(In):
    given_name: Name | None = None
    family_name: Name | None = None
    organisation_name: Name | None = None
    language: Annotated[str, Field(max_length=8)] | None = None
    notes: Annotated[str, Field(max_length=10000)] | None = None
    external_id: Annotated[str, Field(max_length=100)] | None = None


class TagsIn(In):
    tags: Annotated[list[TagName], Field(max_length=50)]


class ConsentIn(In):
    consent: bool
    source: Annotated[str, Field(min_length=1, max_length=100)]
    at: AwareDatetime | None = None


class ContactPointIn(In):
    kind: ContactPointKind
    value: Annotated[str, Field(min_length=1, max_length=300)]
    label: Annotated[str, Field(max_length=40)] = ""
    primary: bool = False


class MembershipIn(In):
    organisation: PublicId = Field(description="The organisation the person belongs to.")
    role: MembershipRole
    title: Annotated[str, Field(max_length=100)] = ""


class PartyQuery(ListQuery):
    q: Annotated[str, Field(max_length=200)] = Field(
        "", description="Prefix of the name, family name or email."
    )
    kind: Literal["client", "customer", "none", ""] = Field(
        "", description="The current relationship's kind; `none`: no relationship yet."
    )
    stage: Stage | Literal[""] = ""
    owner: Annotated[str, Field(max_length=150)] = Field("", description="Owner's username.")
    tag: Annotated[str, Field(max_length=60)] = ""
    order_by: Literal["name", "created_at", "-created_at", "updated_at", "-updated_at"] = "name"


def party_out(party) -> dict:
    """The representation of a party loaded by `party_get` or `party_details_load` (with
    `current`: the current relationship or None)."""
    current = getattr(party, "current", None)
    memberships = sorted(
        [_membership(m, person=party, organisation=m.organisation) for m in party.memberships.all()]
        + [_membership(m, person=m.person, organisation=party) for m in party.members.all()],
        key=lambda m: (m["organisation"], m["person"], m["role"]),
    )
    return {
        "id": party.public_id,
        "kind": party.kind,
        "display_name": party.display_name,
        "given_name": party.given_name,
        "family_name": party.family_name,
        "organisation_name": party.organisation_name,
        "language": party.language,
        "external_id": party.external_id,
        "notes": party.notes,
        "tags": sorted(tag.name for tag in party.tags.all()),
        "marketing_consent": party.marketing_consent,
        "consent_at": party.consent_at,
        "consent_source": party.consent_source,
        "contact_points": [
            {"kind": c.kind, "value": c.value, "label": c.label, "is_primary": c.is_primary}
            for c in party.contact_points.all()
        ],
        "memberships": memberships,
        "current_relationship": None
        if current is None
        else {
            "id": current.public_id,
            "kind": current.kind,
            "stage": current.stage,
            "status": current.status,
            "owner": current.owner.username if current.owner_id else None,
        },
        "created_at": party.created_at,
        "updated_at": party.updated_at,
    }


def party_out_of_values(values: dict) -> dict:
    """`party_out` from `parties.selectors.party_values_get`: the same representation, key
    for key (the tests hold the two side by side)."""
    current = values["current"]
    return {
        "id": values["public_id"],
        **{name: values[name] for name in _COPIED},
        "tags": sorted(values["tags"]),
        "contact_points": values["contact_points"],
        "memberships": sorted(
            (
                {
                    "person": m["person__public_id"],
                    "person_name": m["person__display_name"],
                    "organisation": m["organisation__public_id"],
                    "organisation_name": m["organisation__display_name"],
                    "role": m["role"],
                    "title": m["title"],
                }
                for m in values["memberships"]
            ),
            key=lambda m: (m["organisation"], m["person"], m["role"]),
        ),
        "current_relationship": None
        if current is None
        else {
            "id": current["public_id"],
            "kind": current["kind"],
            "stage": current["stage"],
            "status": current["status"],
            "owner": current["owner__username"],
        },
        "created_at": values["created_at"],
        "updated_at": values["updated_at"],
    }


# Copied as they are; the ids and times are placed by name.
_COPIED = tuple(
    name for name in PARTY_SHOWN if name not in {"id", "public_id", "created_at", "updated_at"}
)


def _membership(membership, *, person, organisation) -> dict:
    return {
        "person": person.public_id,
        "person_name": person.display_name,
        "organisation": organisation.public_id,
        "organisation_name": organisation.display_name,
        "role": membership.role,
        "title": membership.title,
    }
