"""/parties: the directory, one party, and its names, tags, consent, contact points and
memberships. Writes go through parties.services, exactly as the party page's forms."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from clientela.api.etags import conditional_write, with_etag
from clientela.api.locks import lock_party
from clientela.api.pagination import keyset_page, page_schema
from clientela.api.routers._common import (
    PathId,
    actor,
    created,
    links_to,
    page,
    party_ref,
    responses,
    user_ref,
)
from clientela.api.schemas.parties import (
    ConsentIn,
    ContactPointIn,
    ContactPointOut,
    MembershipIn,
    MembershipOut,
    PartyIn,
    PartyOut,
    PartyPatch,
    PartyQuery,
    TagsIn,
    party_out,
    party_out_of_values,
)
from clientela.parties import services
from clientela.parties.selectors import (
    DirectoryFilters,
    directory_page,
    parties_filtered,
    party_details_load,
    party_get,
    party_values_get,
)

router = Router(tags=["parties"])
PartyPage = page_schema(PartyOut)


def _represent(public_id: str) -> dict:
    return party_out_of_values(party_values_get(public_id=public_id))


@router.get("", response=responses(200, PartyPage), operation_id="listParties")
def list_parties(request: HttpRequest, query: Query[PartyQuery]):
    """The directory: filter by prefix search, current kind, stage, owner or tag. Ordered by
    name (default) or creation/update time; cursor-paginated."""
    owner = user_ref("owner", query.owner) if query.owner else None
    filters = DirectoryFilters(
        q=query.q,
        kind=query.kind,
        stage=query.stage,
        owner_id=owner.pk if owner else None,
        tag=query.tag,
    )
    if query.order_by == "name":
        found = directory_page(filters=filters, cursor=query.cursor, size=query.limit)
        rows, next_cursor = found.rows, found.next_cursor
    else:
        tie = "-id" if query.order_by.startswith("-") else "id"
        rows, next_cursor = keyset_page(
            parties_filtered(filters=filters),
            ordering=(query.order_by, tie),
            cursor=query.cursor,
            limit=query.limit,
            tag="parties",
        )
    return page(party_details_load(parties=rows), next_cursor, party_out)


@router.post(
    "",
    response=responses(201, PartyOut),
    operation_id="createParty",
    openapi_extra=links_to(
        "getParty",
        "updateParty",
        "setPartyTags",
        "setPartyConsent",
        "listActivities",
        "logActivity",
        "getPartyScore",
        "getPartyClassification",
    ),
)
def create_party(request: HttpRequest, response: HttpResponse, payload: PartyIn):
    """Create a person or organisation with contact points and tags, optionally opening
    its relationship (client or customer) at once. All or nothing."""
    data = payload.model_dump()
    data["owner"] = user_ref("owner", payload.owner)
    party = services.party_create(actor=actor(request), **data)
    body = with_etag(response, _represent(party.public_id))
    return created(response, body, path=f"parties/{party.public_id}")


@router.get("/{public_id}", response=responses(200, PartyOut), operation_id="getParty")
def get_party(request: HttpRequest, response: HttpResponse, public_id: PathId):
    return with_etag(response, _represent(public_id))


@router.patch(
    "/{public_id}",
    response=responses(200, PartyOut, conditional=True),
    operation_id="updateParty",
)
def update_party(
    request: HttpRequest, response: HttpResponse, public_id: PathId, payload: PartyPatch
):
    """Change names, language, notes or external id (only the fields sent). Honours
    If-Match."""
    with conditional_write(request, lambda: lock_party(public_id), lambda: _represent(public_id)):
        services.party_update(
            actor=actor(request),
            party=party_get(public_id=public_id),
            **payload.model_dump(exclude_unset=True),
        )
    return with_etag(response, _represent(public_id))


@router.put(
    "/{public_id}/tags",
    response=responses(200, PartyOut, conditional=True),
    operation_id="setPartyTags",
)
def set_party_tags(
    request: HttpRequest, response: HttpResponse, public_id: PathId, payload: TagsIn
):
    """Replace the party's tags (marketers may too). Honours If-Match."""
    with conditional_write(request, lambda: lock_party(public_id), lambda: _represent(public_id)):
        services.party_set_tags(
            actor=actor(request), party=party_get(public_id=public_id), tags=payload.tags
        )
    return with_etag(response, _represent(public_id))


@router.put(
    "/{public_id}/consent",
    response=responses(200, PartyOut, conditional=True),
    operation_id="setPartyConsent",
)
def set_party_consent(
    request: HttpRequest, response: HttpResponse, public_id: PathId, payload: ConsentIn
):
    """Record marketing consent given or withdrawn, with its source. Honours If-Match."""
    with conditional_write(request, lambda: lock_party(public_id), lambda: _represent(public_id)):
        services.party_set_consent(
            actor=actor(request),
            party=party_get(public_id=public_id),
            consent=payload.consent,
            source=payload.source,
            at=payload.at,
        )
    return with_etag(response, _represent(public_id))


@router.post(
    "/{public_id}/contact-points",
    response=responses(201, ContactPointOut),
    operation_id="addContactPoint",
)
def add_contact_point(
    request: HttpRequest, response: HttpResponse, public_id: PathId, payload: ContactPointIn
):
    point = services.party_add_contact_point(
        actor=actor(request),
        party=party_get(public_id=public_id),
        kind=payload.kind,
        value=payload.value,
        label=payload.label,
        primary=payload.primary,
    )
    return created(
        response,
        {
            "kind": point.kind,
            "value": point.value,
            "label": point.label,
            "is_primary": point.is_primary,
        },
    )


@router.post(
    "/{public_id}/memberships",
    response=responses(201, MembershipOut),
    operation_id="addMembership",
)
def add_membership(
    request: HttpRequest, response: HttpResponse, public_id: PathId, payload: MembershipIn
):
    """Place the person (this party) in an organisation with a role."""
    person = party_get(public_id=public_id)
    organisation = party_ref("organisation", payload.organisation)
    membership = services.membership_add(
        actor=actor(request),
        person=person,
        organisation=organisation,
        role=payload.role,
        title=payload.title,
    )
    return created(
        response,
        {
            "person": person.public_id,
            "person_name": person.display_name,
            "organisation": organisation.public_id,
            "organisation_name": organisation.display_name,
            "role": membership.role,
            "title": membership.title,
        },
    )
