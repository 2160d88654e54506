"""This app's card on the party page (see clientdesk.cards.party_customer_desk_context):
the touchpoints per channel and a compact journey timeline."""

from __future__ import annotations

from django.utils import timezone


def party_card(*, party, relationship, user) -> dict | None:
    """Per-channel touchpoints (last 90 days and all time) and the latest touchpoints and
    orders by day, for clients and customers alike; None when the party has neither
    touchpoints nor orders (nothing to show)."""
    from clientela.customerdesk.selectors import journey_timeline, touchpoint_summary

    now = timezone.now()
    channels = touchpoint_summary(party_id=party.pk, now=now)
    timeline = journey_timeline(party_id=party.pk, limit=10)
    if not channels and not timeline:
        return None
    return {
        "party": party,
        "channels": [
            {
                "row": row,
                "pct": round(row.share * 100),
                "pct_recent": round(row.share_recent * 100),
            }
            for row in channels
        ],
        "recent_total": sum(row.count_recent for row in channels),
        "total": sum(row.count for row in channels),
        "timeline": timeline,
        "now": now,
    }
