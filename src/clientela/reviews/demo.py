"""Performance reviews in the demo: a schedule for every agency or bank client in relationship
management or retention, with 1 to 6 answered past reviews each (scores mostly good, some
falling, a few negative in the last 60 days) and some reviews sent and still waiting."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from clientela.reviews.questionnaire import QUESTIONS, score_of
from clientela.reviews.services import add_months

_STAGES = ("relationship_management", "retention")
_RHYTHMS = (3, 3, 3, 4, 6)
_COMMENTS_GOOD = (
    "Great work this quarter, thank you.",
    "Very responsive team.",
    "Results as agreed. Keep it up.",
    "",
    "",
)
_COMMENTS_BAD = (
    "Reports arrive late and we have to chase them.",
    "We expected more for the fees we pay.",
    "Hard to reach our account manager lately.",
)


def _answers(rng: random.Random, level: float) -> dict[str, int]:
    """Answers around `level` (0..1) on every item's scale."""
    result = {}
    for q in QUESTIONS:
        raw = q.low + level * (q.high - q.low) + rng.uniform(-0.6, 0.6)
        result[q.key] = max(q.low, min(q.high, round(raw)))
    return result


def _levels(rng: random.Random, count: int, pattern: str) -> list[float]:
    if pattern == "falling":
        start = rng.uniform(0.8, 0.95)
        return [max(0.35, start - 0.12 * i) for i in range(count)]
    if pattern == "negative":
        good = [rng.uniform(0.7, 0.9) for _ in range(count - 1)]
        return [*good, rng.uniform(0.25, 0.5)]
    return [min(1.0, rng.uniform(0.72, 0.97)) for _ in range(count)]


def _emails(relationship_ids: list[int]) -> dict[int, str]:
    """Each relationship's client's primary (else first) email address."""
    from clientela.parties.models import ContactPoint, Relationship

    party_of = dict(
        Relationship.objects.filter(id__in=relationship_ids).values_list("party_id", "id")
    )
    found: dict[int, str] = {}
    for party_id, value in (
        ContactPoint.objects.filter(party_id__in=list(party_of), kind="email")
        .order_by("party_id", "-is_primary", "id")
        .values_list("party_id", "value")
    ):
        found.setdefault(party_of[party_id], value)
    return found


def demo_load(*, business: str, seed: int, now: dt.datetime) -> int:
    """Create the schedules and reviews; returns the rows created. Deterministic from `seed`
    (clients visited by start time, name, id). `cafe` has no clients: 0."""
    from clientela.parties.models import Relationship
    from clientela.reviews.models import Review, ReviewSchedule

    if business not in {"agency", "bank"}:
        return 0
    if timezone.is_naive(now):
        now = timezone.make_aware(now, dt.UTC)
    today = now.astimezone(dt.UTC).date()
    clients = list(
        Relationship.objects.filter(
            kind="client",
            is_current=True,
            status="active",
            stage__in=_STAGES,
            review_schedule__isnull=True,
        )
        .order_by("started_at", "party__sort_key", "id")
        .values_list("id", "started_at")
    )
    emails = _emails([rid for rid, _ in clients])
    rng = random.Random(f"reviews:{seed}")
    schedules: list[ReviewSchedule] = []
    reviews: list[Review] = []
    for rid, started_at in clients:
        every = rng.choice(_RHYTHMS)
        count = rng.randint(1, 6)
        roll = rng.random()
        pattern = "negative" if roll < 0.1 else "falling" if roll < 0.25 else "good"
        waiting = rng.random() < 0.2
        last_answered = now - dt.timedelta(
            days=rng.randint(3, 55) if pattern == "negative" else rng.randint(3, 80)
        )
        if waiting:
            last_answered -= dt.timedelta(days=30)
        levels = _levels(rng, count, pattern)
        for index, level in enumerate(levels):
            answered_at = last_answered - dt.timedelta(days=30 * every * (count - 1 - index))
            sent_at = answered_at - dt.timedelta(days=rng.randint(1, 9), hours=rng.randint(0, 8))
            answers = _answers(rng, level)
            bad = level < 0.55
            is_last = index == count - 1
            comment = rng.choice(_COMMENTS_BAD if bad else _COMMENTS_GOOD)
            review = Review(
                relationship_id=rid,
                origin="schedule",
                due_on=sent_at.date(),
                status="answered" if is_last else "closed",
                sent_at=sent_at,
                sent_to=emails.get(rid, ""),
                answered_at=answered_at,
                answers=answers,
                score=score_of(answers),
                client_comment=comment,
                closed_at=None if is_last else answered_at + dt.timedelta(days=3),
                created_at=sent_at,
                updated_at=answered_at,
            )
            review.assign_public_id()
            reviews.append(review)
        last_due = reviews[-1].due_on
        if waiting:
            sent_at = now - dt.timedelta(days=rng.randint(1, 14), hours=rng.randint(0, 8))
            review = Review(
                relationship_id=rid,
                origin="schedule",
                due_on=sent_at.date(),
                status="sent",
                sent_at=sent_at,
                sent_to=emails.get(rid, ""),
                created_at=sent_at,
                updated_at=sent_at,
            )
            review.assign_public_id()
            reviews.append(review)
            last_due = review.due_on
        next_due = add_months(last_due, every)
        if next_due <= today:
            next_due = today + dt.timedelta(days=rng.randint(1, 30))
        schedules.append(
            ReviewSchedule(
                relationship_id=rid,
                every_months=every,
                next_due_on=next_due,
                created_at=min(started_at, now),
                updated_at=now,
            )
        )
    with transaction.atomic():
        ReviewSchedule.objects.bulk_create(schedules, batch_size=2000)
        Review.objects.bulk_create(reviews, batch_size=2000)
    return len(schedules) + len(reviews)
