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


def activities_filtered(
    *, party_id: int, kind: str = "", since=None, until=None
) -> QuerySet[Activity]:
    """The party's activities matching the filters (`since` inclusive, `until` exclusive),
    unordered, with party, staff and relationship loaded."""
    qs = Activity.objects.filter(party_id=party_id).select_related("party", "staff", "relationship")
    if kind:
        qs = qs.filter(kind=kind)
    if since is not None:
        qs = qs.filter(occurred_at__gte=since)
    if until is not None:
        qs = qs.filter(occurred_at__lt=until)
    return qs


def activity_get(*, public_id: str) -> Activity:
    """The activity with party, staff and relationship loaded; NOT_FOUND otherwise."""
    from django.utils.translation import gettext as _

    from clientela.core.errors import ApplicationError, ErrorCode

    found = (
        Activity.objects.select_related("party", "staff", "relationship")
        .filter(public_id=public_id)
        .first()
    )
    if found is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, _("No such activity."))
    return found
