"""Performance reviews: the REST endpoints under /api/v1/reviews. Thin over reviews.services
and reviews.selectors, the functions the desk pages call. See docs/client-desk.md."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router

from clientela.api.etags import conditional_write, with_etag
from clientela.api.pagination import keyset_page, page_schema
from clientela.api.routers._common import (
    PathId,
    actor,
    created,
    links_to,
    not_found,
    page,
    party_ref,
    referenced,
    responses,
    user_ref,
)
from clientela.reviews import services
from clientela.reviews.models import Review, ReviewStatus
from clientela.reviews.schemas import (
    ReviewCreate,
    ReviewOut,
    ReviewPatch,
    ReviewQuery,
    ScheduleIn,
    ScheduleOut,
    review_out,
    schedule_out,
)

router = Router(tags=["Performance reviews"])
ReviewPage = page_schema(ReviewOut)


def _relationship(public_id: str):
    from clientela.parties.selectors import relationship_get

    return relationship_get(public_id=public_id)


def _get(public_id: str) -> Review:
    from clientela.reviews.selectors import review_get

    review = review_get(public_id=public_id)
    if review is None:
        raise not_found(_("No review %(id)s.") % {"id": public_id})
    return review


def _represent(request: HttpRequest, review: Review) -> dict:
    from clientela.reviews.links import review_link

    link = None
    if review.status == ReviewStatus.SENT and services.review_may_change(
        actor(request), review.relationship
    ):
        link = review_link(public_id=review.public_id, sent_at=review.sent_at)
    return review_out(review, link=link)


def _lock(public_id: str) -> None:
    if not list(Review.objects.select_for_update().filter(public_id=public_id).values_list("pk")):
        raise not_found(_("No review %(id)s.") % {"id": public_id})


@router.get("", response=responses(200, ReviewPage), operation_id="listReviews")
def list_reviews(request: HttpRequest, query: Query[ReviewQuery]):
    """Reviews, newest first; filter by status, party (public id) or account manager."""
    rows = Review.objects.select_related("relationship__party", "relationship__owner", "notes_by")
    if query.status:
        rows = rows.filter(status=query.status)
    if query.party:
        party = party_ref("party", query.party)
        rows = rows.filter(relationship__party_id=party.pk)
    if query.owner:
        owner = user_ref("owner", query.owner)
        rows = rows.filter(relationship__owner_id=owner.pk)
    found, next_cursor = keyset_page(
        rows, ordering=("-created_at", "-id"), cursor=query.cursor, limit=query.limit, tag="reviews"
    )
    return page(found, next_cursor, lambda review: _represent(request, review))


@router.post(
    "",
    response=responses(201, ReviewOut),
    operation_id="sendReview",
    openapi_extra=links_to("getReview", "updateReview"),
)
def send_review(request: HttpRequest, response: HttpResponse, payload: ReviewCreate):
    """Send a review to a client now: emailed to its primary address (or, without one, the
    link in the response is for the account manager to send by hand). 409 while another
    review waits for an answer."""
    relationship = referenced("relationship", lambda: _relationship(payload.relationship))
    review = services.review_send(actor=actor(request), relationship=relationship)
    body = with_etag(response, _represent(request, _get(review.public_id)))
    return created(response, body, path=f"reviews/{review.public_id}")


@router.get(
    "/schedules/{relationship_id}",
    response=responses(200, ScheduleOut),
    operation_id="getReviewSchedule",
)
def get_schedule(request: HttpRequest, relationship_id: PathId):
    """A client's review schedule (404 when it has none)."""
    from clientela.reviews.selectors import review_schedule_for

    relationship = _relationship(relationship_id)
    schedule = review_schedule_for(relationship_id=relationship.pk)
    if schedule is None:
        raise not_found(_("This relationship has no review schedule."))
    return schedule_out(schedule)


@router.put(
    "/schedules/{relationship_id}",
    response=responses(200, ScheduleOut),
    operation_id="setReviewSchedule",
)
def set_schedule(request: HttpRequest, relationship_id: PathId, payload: ScheduleIn):
    """Create or replace a client's review schedule (every 1 to 24 months)."""
    schedule = services.review_schedule_set(
        actor=actor(request),
        relationship=_relationship(relationship_id),
        every_months=payload.every_months,
        next_due_on=payload.next_due_on,
        active=payload.active,
    )
    return schedule_out(schedule)


@router.get("/{public_id}", response=responses(200, ReviewOut), operation_id="getReview")
def get_review(request: HttpRequest, response: HttpResponse, public_id: PathId):
    return with_etag(response, _represent(request, _get(public_id)))


@router.patch(
    "/{public_id}",
    response=responses(200, ReviewOut, conditional=True),
    operation_id="updateReview",
)
def update_review(
    request: HttpRequest, response: HttpResponse, public_id: PathId, payload: ReviewPatch
):
    """Replace the account manager's notes and/or close the review. Honours If-Match."""
    with conditional_write(
        request, lambda: _lock(public_id), lambda: _represent(request, _get(public_id))
    ):
        review = _get(public_id)
        if payload.notes is not None:
            review = services.review_notes_update(
                actor=actor(request), review=review, notes=payload.notes
            )
        if payload.status == "closed":
            services.review_close(actor=actor(request), review=review)
    return with_etag(response, _represent(request, _get(public_id)))
