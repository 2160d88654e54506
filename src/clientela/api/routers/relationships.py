"""/relationships: open, reassign, convert (customer <-> client), end, and move along the
journey. Guard refusals are 409 `transition_refused` naming the rule. Writes go through
parties.services and journeys.services, exactly as the party page's forms."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from clientela.api.etags import conditional_write, with_etag
from clientela.api.locks import lock_relationship
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
from clientela.api.schemas.common import ListQuery
from clientela.api.schemas.relationships import (
    ConvertIn,
    EndIn,
    JourneysOut,
    MoveIn,
    RelationshipIn,
    RelationshipOut,
    RelationshipPatch,
    RelationshipQuery,
    TransitionOut,
    relationship_out,
    transition_out,
)
from clientela.journeys.definitions import journey_stages, stage_label
from clientela.journeys.guards import registered
from clientela.journeys.selectors import journey_transitions
from clientela.journeys.services import journey_move
from clientela.parties import services
from clientela.parties.selectors import relationship_get, relationships_filtered

router = Router(tags=["relationships"])


RelationshipPage = page_schema(RelationshipOut)
TransitionPage = page_schema(TransitionOut)
_LINKS = links_to(
    "getRelationship",
    "updateRelationship",
    "moveRelationship",
    "convertRelationship",
    "endRelationship",
    "listTransitions",
)


def _load(public_id: str):
    relationship = relationship_get(public_id=public_id)
    # relationship_get loads party and owner; converted_from is one more small query.
    relationship.converted_from  # noqa: B018
    return relationship


def _represent(public_id: str) -> dict:
    return relationship_out(_load(public_id))


def _conditional(request: HttpRequest, public_id: str):
    return conditional_write(
        request, lambda: lock_relationship(public_id), lambda: _represent(public_id)
    )


@router.get("", response=responses(200, RelationshipPage), operation_id="listRelationships")
def list_relationships(request: HttpRequest, query: Query[RelationshipQuery]):
    """Every relationship, current and past (converted, ended), filtered and paginated."""
    party = party_ref("party", query.party) if query.party else None
    owner = user_ref("owner", query.owner) if query.owner else None
    rows, next_cursor = keyset_page(
        relationships_filtered(
            party_id=party.pk if party else None,
            kind=query.kind,
            status=query.status,
            stage=query.stage,
            owner_id=owner.pk if owner else None,
            current=query.current,
        ),
        ordering=(query.order_by, "-id" if query.order_by.startswith("-") else "id"),
        cursor=query.cursor,
        limit=query.limit,
        tag="relationships",
    )
    return page(rows, next_cursor, relationship_out)


@router.post(
    "",
    response=responses(201, RelationshipOut),
    operation_id="openRelationship",
    openapi_extra=_LINKS,
)
def open_relationship(request: HttpRequest, response: HttpResponse, payload: RelationshipIn):
    """Open the party's (first) relationship and enter its journey; a party that already has
    a current relationship converts it instead (409)."""
    relationship = services.relationship_open(
        actor=actor(request),
        party=party_ref("party", payload.party),
        kind=payload.kind,
        acquisition_channel=payload.acquisition_channel,
        owner=user_ref("owner", payload.owner),
        stage=payload.stage,
        reason=payload.reason,
        at=payload.at,
    )
    body = with_etag(response, _represent(relationship.public_id))
    return created(response, body, path=f"relationships/{relationship.public_id}")


@router.get(
    "/{public_id}", response=responses(200, RelationshipOut), operation_id="getRelationship"
)
def get_relationship(request: HttpRequest, response: HttpResponse, public_id: PathId):
    return with_etag(response, _represent(public_id))


@router.patch(
    "/{public_id}",
    response=responses(200, RelationshipOut, conditional=True),
    operation_id="updateRelationship",
)
def update_relationship(
    request: HttpRequest, response: HttpResponse, public_id: PathId, payload: RelationshipPatch
):
    """Give the current relationship an owner (null: nobody). Honours If-Match."""
    with _conditional(request, public_id):
        services.relationship_assign_owner(
            actor=actor(request),
            relationship=relationship_get(public_id=public_id),
            owner=user_ref("owner", payload.owner),
        )
    return with_etag(response, _represent(public_id))


@router.post(
    "/{public_id}/convert",
    response=responses(201, RelationshipOut, conditional=True),
    operation_id="convertRelationship",
    openapi_extra=_LINKS,
)
def convert_relationship(
    request: HttpRequest, response: HttpResponse, public_id: PathId, payload: ConvertIn
):
    """Convert a customer into a client (or back): this relationship closes as `converted`
    (kept with its history) and the new one, returned, enters its journey. If-Match
    applies to this (old) relationship."""
    with _conditional(request, public_id):
        new = services.relationship_convert(
            actor=actor(request),
            relationship=relationship_get(public_id=public_id),
            owner=user_ref("owner", payload.owner),
            stage=payload.stage,
            reason=payload.reason,
            at=payload.at,
        )
    body = with_etag(response, _represent(new.public_id))
    return created(response, body, path=f"relationships/{new.public_id}")


@router.post(
    "/{public_id}/end",
    response=responses(200, RelationshipOut, conditional=True),
    operation_id="endRelationship",
)
def end_relationship(
    request: HttpRequest, response: HttpResponse, public_id: PathId, payload: EndIn
):
    """End the current relationship (lost, churned). Honours If-Match."""
    with _conditional(request, public_id):
        services.relationship_end(
            actor=actor(request),
            relationship=relationship_get(public_id=public_id),
            reason=payload.reason,
            at=payload.at,
        )
    return with_etag(response, _represent(public_id))


@router.post(
    "/{public_id}/move",
    response=responses(200, RelationshipOut, conditional=True),
    operation_id="moveRelationship",
)
def move_relationship(
    request: HttpRequest, response: HttpResponse, public_id: PathId, payload: MoveIn
):
    """Move along the journey. Every guard applies; a refusal is 409 `transition_refused`
    with the guard's `rule`. Honours If-Match."""
    with _conditional(request, public_id):
        journey_move(
            actor=actor(request),
            relationship=relationship_get(public_id=public_id),
            to_stage=payload.to_stage,
            reason=payload.reason,
            at=payload.at,
        )
    return with_etag(response, _represent(public_id))


@router.get(
    "/{public_id}/transitions",
    response=responses(200, TransitionPage),
    operation_id="listTransitions",
)
def list_transitions(request: HttpRequest, public_id: PathId, query: Query[ListQuery]):
    """The relationship's journey history, oldest first."""
    relationship = relationship_get(public_id=public_id)
    rows, next_cursor = keyset_page(
        journey_transitions(relationship_id=relationship.pk),
        ordering=("at", "id"),
        cursor=query.cursor,
        limit=query.limit,
        tag="transitions",
    )
    return page(rows, next_cursor, lambda row: transition_out(row, relationship))


journeys_router = Router(tags=["relationships"])


@journeys_router.get("", response=responses(200, JourneysOut), operation_id="listJourneys")
def list_journeys(request: HttpRequest):
    """The two journeys' stages in order, and every guard rule a move must pass."""
    return {
        "journeys": [
            {
                "kind": kind,
                "stages": [
                    {"stage": s, "label": str(stage_label(s))} for s in journey_stages(kind)
                ],
            }
            for kind in ("client", "customer")
        ],
        "rules": [{"rule": g.rule, "description": g.description} for g in registered()],
    }
