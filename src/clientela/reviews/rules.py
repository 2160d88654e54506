"""Registered with the journeys and the notifications: the default review schedule when a
client enters relationship management, and the sweep that sends the reviews that fall due.
Imported from `ReviewsConfig.ready()`."""

from __future__ import annotations

import datetime as dt

from clientela.journeys.hooks import on_enter


@on_enter("client", "relationship_management", name="reviews.default")
def schedule_first_review(*, relationship, from_stage, to_stage, actor, at) -> None:
    """A client entering relationship management gets a review schedule (first review today +
    the desk's `review_every_months`) unless it already has one."""
    from clientela.reviews.services import review_schedule_ensure

    review_schedule_ensure(relationship=relationship, at=at, actor=actor)


def reviews_due(*, now: dt.datetime) -> int:
    """Send every review that fell due; idempotent (see `review_send_due`)."""
    from clientela.reviews.services import review_schedules_due_ids, review_send_due

    today = now.astimezone(dt.UTC).date()
    return sum(
        review_send_due(schedule_id=schedule_id, now=now)
        for schedule_id in review_schedules_due_ids(today=today)
    )


def _register_sweep() -> None:
    try:
        from clientela.notifications.sweeps import register
    except ImportError:  # notifications not installed yet
        return
    register("reviews.due")(reviews_due)


_register_sweep()
