from __future__ import annotations

from django.db.models import QuerySet

from clientela.activities.models import Activity


def activity_timeline(*, party_id: int, limit: int = 100) -> QuerySet[Activity]:
    """The party's timeline, newest first, staff and relationship loaded."""
    return (
        Activity.objects.filter(party_id=party_id)
        .select_related("staff", "relationship")
        .order_by("-occurred_at", "-id")[:limit]
    )


def activity_recent(*, limit: int = 10) -> QuerySet[Activity]:
    """The latest activities across all parties, newest first, party and staff loaded."""
    return Activity.objects.select_related("party", "staff").order_by("-occurred_at", "-id")[:limit]
