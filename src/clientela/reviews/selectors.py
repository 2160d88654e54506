"""Performance reviews: reads.

`review_scores` and `reviews_negative` are the agreed cross-app interface (client desk morning
page, health score); their shapes do not change without telling the other apps.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from clientela.reviews.models import Review, ReviewSchedule, ReviewStatus

NEGATIVE_MAX_SCORE = Decimal("6")


@dataclass(frozen=True)
class NegativeReview:
    review_public_id: str
    party_public_id: str
    party_name: str
    relationship_id: int
    owner_id: int | None
    answered_on: dt.date
    score: float
    comment: str


def _utc_date(value: dt.datetime) -> dt.date:
    return value.astimezone(dt.UTC).date()


def _answered() -> QuerySet[Review]:
    """Reviews the client answered (status answered, or closed after an answer)."""
    return Review.objects.filter(answered_at__isnull=False, score__isnull=False)


def review_scores(*, relationship_ids: list[int]) -> dict[int, list[tuple[dt.date, float]]]:
    """The answered reviews' scores (0..10) per relationship, oldest first.

    Guaranteed: every requested id is a key (an empty list when it has no answered review);
    the date is the UTC date of the answer; ties on the same instant keep creation order.
    """
    result: dict[int, list[tuple[dt.date, float]]] = {rid: [] for rid in relationship_ids}
    if not relationship_ids:
        return result
    rows = (
        _answered()
        .filter(relationship_id__in=relationship_ids)
        .order_by("relationship_id", "answered_at", "id")
        .values_list("relationship_id", "answered_at", "score")
    )
    for relationship_id, answered_at, score in rows:
        result[relationship_id].append((_utc_date(answered_at), float(score)))
    return result


def reviews_negative(*, owner_id: int | None, since: dt.date) -> list[NegativeReview]:
    """Answered reviews scoring 6 or less, answered on or after `since` (UTC date).

    `owner_id` restricts to the relationships that account manager owns (None = all).
    Closed reviews are included when they had been answered. Newest answer first.
    """
    start = dt.datetime.combine(since, dt.time.min, tzinfo=dt.UTC)
    qs = _answered().filter(score__lte=NEGATIVE_MAX_SCORE, answered_at__gte=start)
    if owner_id is not None:
        qs = qs.filter(relationship__owner_id=owner_id)
    qs = qs.select_related("relationship__party").order_by("-answered_at", "-id")
    return [
        NegativeReview(
            review_public_id=r.public_id,
            party_public_id=r.relationship.party.public_id,
            party_name=r.relationship.party.display_name,
            relationship_id=r.relationship_id,
            owner_id=r.relationship.owner_id,
            answered_on=_utc_date(r.answered_at),
            score=float(r.score),
            comment=r.client_comment,
        )
        for r in qs
    ]


def review_schedule_for(*, relationship_id: int) -> ReviewSchedule | None:
    return ReviewSchedule.objects.filter(relationship_id=relationship_id).first()


def review_get(*, public_id: str) -> Review | None:
    return (
        Review.objects.select_related("relationship__party", "relationship__owner", "notes_by")
        .filter(public_id=public_id)
        .first()
    )


def review_waiting(*, relationship_id: int) -> Review | None:
    """The review sent to this relationship and not answered yet (newest), if any."""
    return (
        Review.objects.filter(relationship_id=relationship_id, status=ReviewStatus.SENT)
        .order_by("-sent_at", "-id")
        .first()
    )
