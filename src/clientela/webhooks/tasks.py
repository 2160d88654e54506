"""The worker's webhook task: one attempt at one delivery (see `delivery`)."""

from __future__ import annotations

from django_tasks import task


@task()
def deliver(*, delivery_id: str) -> dict:
    """Attempt the delivery `delivery_id` (a public id) once and return the outcome:
    succeeded, failed (a later attempt is queued), gave_up, skipped (another worker has it,
    it is not due, or it is already done) or missing (its subscription was deleted)."""
    from clientela.webhooks.delivery import webhook_delivery_attempt

    return {"delivery": delivery_id, "outcome": webhook_delivery_attempt(delivery_id=delivery_id)}
