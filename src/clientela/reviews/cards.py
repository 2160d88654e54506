"""The reviews card on a party page (integrated by the client desk)."""

from __future__ import annotations

from clientela.reviews.charts import score_sparkline
from clientela.reviews.questionnaire import QUESTIONS


def party_card(*, relationship, user) -> dict | None:
    """Score history (sparkline), the last answers, the next review date, the review waiting
    for an answer and whether `user` may send one now. None for a customer, or a client with
    neither a schedule nor any review."""
    from clientela.reviews.models import Review, ReviewStatus
    from clientela.reviews.selectors import review_schedule_for, review_scores
    from clientela.reviews.services import review_may_change

    if relationship is None or relationship.kind != "client":
        return None
    schedule = review_schedule_for(relationship_id=relationship.pk)
    reviews = list(
        Review.objects.filter(relationship=relationship).order_by("-created_at", "-id")[:20]
    )
    may_change = review_may_change(user, relationship) and relationship.is_current
    if schedule is None and not reviews and not may_change:
        return None
    scores = review_scores(relationship_ids=[relationship.pk])[relationship.pk]
    last = next((r for r in reviews if r.answered_at is not None), None)
    waiting = next((r for r in reviews if r.status == ReviewStatus.SENT), None)
    return {
        "relationship": relationship,
        "schedule": schedule,
        "scores": scores,
        "chart": score_sparkline(scores),
        "last": last,
        "last_answers": _answer_rows(last),
        "waiting": waiting,
        "may_send": may_change and waiting is None,
        "recent": reviews[:5],
    }


def _answer_rows(review) -> list[tuple[str, int, int]]:
    """(question, answer, scale top) for a review's answers, in questionnaire order."""
    if review is None:
        return []
    answers = review.answers or {}
    return [(str(q.label), answers[q.key], q.high) for q in QUESTIONS if q.key in answers]
