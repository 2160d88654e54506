"""Performance reviews: what the desk pages and the party card show (reads only)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from clientela.reviews.models import Review, ReviewSchedule, ReviewStatus

PAGE_ROWS = 50
UPCOMING_DAYS = 45
ANSWERED_DAYS = 90


@dataclass
class AnsweredRow:
    review: Review
    previous: Decimal | None
    trend: str  # "up", "down", "flat" or "" (first review)


@dataclass
class ReviewsPage:
    upcoming: list[ReviewSchedule] = field(default_factory=list)
    waiting: list[Review] = field(default_factory=list)
    answered: list[AnsweredRow] = field(default_factory=list)


def _owner_filter(qs: QuerySet, prefix: str, owner_id: int | None) -> QuerySet:
    return qs if owner_id is None else qs.filter(**{f"{prefix}owner_id": owner_id})


def trend_of(score: Decimal | None, previous: Decimal | None) -> str:
    if score is None or previous is None:
        return ""
    if score > previous:
        return "up"
    if score < previous:
        return "down"
    return "flat"


def reviews_page(*, owner_id: int | None, today: dt.date) -> ReviewsPage:
    """Schedules due within UPCOMING_DAYS (soonest first), reviews waiting for an answer
    (oldest first) and reviews answered in the last ANSWERED_DAYS (newest first) with the
    trend against the same client's previous answer; each list capped at PAGE_ROWS and
    restricted to one account manager's clients when given."""
    since = dt.datetime.combine(today - dt.timedelta(days=ANSWERED_DAYS), dt.time.min, dt.UTC)
    upcoming = _owner_filter(
        ReviewSchedule.objects.filter(
            active=True,
            next_due_on__lte=today + dt.timedelta(days=UPCOMING_DAYS),
            relationship__is_current=True,
            relationship__kind="client",
            relationship__status="active",
        ),
        "relationship__",
        owner_id,
    ).select_related("relationship__party", "relationship__owner")
    waiting = _owner_filter(
        Review.objects.filter(status=ReviewStatus.SENT), "relationship__", owner_id
    ).select_related("relationship__party", "relationship__owner")
    answered = _owner_filter(
        Review.objects.filter(answered_at__gte=since, score__isnull=False),
        "relationship__",
        owner_id,
    ).select_related("relationship__party", "relationship__owner")
    answered_rows = list(answered.order_by("-answered_at", "-id")[:PAGE_ROWS])
    previous = _previous_scores(answered_rows)
    return ReviewsPage(
        upcoming=list(upcoming.order_by("next_due_on", "id")[:PAGE_ROWS]),
        waiting=list(waiting.order_by("sent_at", "id")[:PAGE_ROWS]),
        answered=[
            AnsweredRow(r, previous.get(r.pk), trend_of(r.score, previous.get(r.pk)))
            for r in answered_rows
        ],
    )


def _previous_scores(rows: list[Review]) -> dict[int, Decimal]:
    """For each review, the score of the same relationship's answer just before it."""
    relationship_ids = {r.relationship_id for r in rows}
    history: dict[int, list[tuple[dt.datetime, int, Decimal]]] = {}
    for rid, at, pk, score in (
        Review.objects.filter(
            relationship_id__in=relationship_ids, answered_at__isnull=False, score__isnull=False
        )
        .order_by("relationship_id", "answered_at", "id")
        .values_list("relationship_id", "answered_at", "id", "score")
    ):
        history.setdefault(rid, []).append((at, pk, score))
    result: dict[int, Decimal] = {}
    for items in history.values():
        for (_, _, before), (_, pk, _) in zip(items, items[1:], strict=False):
            result[pk] = before
    return result


def review_history(*, relationship_id: int, limit: int = 12) -> list[Review]:
    """The relationship's reviews, newest first."""
    return list(
        Review.objects.filter(relationship_id=relationship_id).order_by("-created_at", "-id")[
            :limit
        ]
    )
