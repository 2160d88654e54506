"""Activities and touchpoints: a party's timeline, and logging one (activities.services,
as the party page's form)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from clientela.activities.selectors import activities_filtered, activity_get
from clientela.activities.services import activity_log
from clientela.api.etags import with_etag
from clientela.api.pagination import keyset_page, page_schema
from clientela.api.routers._common import (
    PathId,
    actor,
    created,
    links_to,
    page,
    responses,
    user_ref,
)
from clientela.api.schemas.activities import ActivityIn, ActivityOut, ActivityQuery, activity_out
from clientela.parties.selectors import party_get

router = Router(tags=["activities"])
ActivityPage = page_schema(ActivityOut)


@router.get(
    "/parties/{public_id}/activities",
    response=responses(200, ActivityPage),
    operation_id="listActivities",
)
def list_activities(request: HttpRequest, public_id: PathId, query: Query[ActivityQuery]):
    """The party's timeline (newest first by default), filtered by kind and time."""
    party = party_get(public_id=public_id)
    tie = "-id" if query.order_by.startswith("-") else "id"
    rows, next_cursor = keyset_page(
        activities_filtered(
            party_id=party.pk, kind=query.kind, since=query.since, until=query.until
        ),
        ordering=(query.order_by, tie),
        cursor=query.cursor,
        limit=query.limit,
        tag="activities",
    )
    return page(rows, next_cursor, activity_out)


@router.post(
    "/parties/{public_id}/activities",
    response=responses(201, ActivityOut),
    operation_id="logActivity",
    openapi_extra=links_to("getActivity"),
)
def log_activity(
    request: HttpRequest, response: HttpResponse, public_id: PathId, payload: ActivityIn
):
    """Log one activity (a call, a visit, a web event) on the party's timeline, linked to its
    current relationship. An `external_id` already recorded is a 409."""
    activity = activity_log(
        actor=actor(request),
        party=party_get(public_id=public_id),
        kind=payload.kind,
        channel=payload.channel or "",
        direction=payload.direction,
        staff=user_ref("staff", payload.staff),
        occurred_at=payload.occurred_at,
        subject=payload.subject,
        body=payload.body,
        properties=payload.properties,
        external_id=payload.external_id,
    )
    body = with_etag(response, activity_out(activity_get(public_id=activity.public_id)))
    return created(response, body, path=f"activities/{activity.public_id}")


@router.get(
    "/activities/{public_id}", response=responses(200, ActivityOut), operation_id="getActivity"
)
def get_activity(request: HttpRequest, response: HttpResponse, public_id: PathId):
    return with_etag(response, activity_out(activity_get(public_id=public_id)))
