"""The booking card on a party's page: the client's upcoming bookings and a button that
makes a booking link (for whoever may change the relationship)."""

from __future__ import annotations

from django.urls import reverse


def party_card(*, relationship, user) -> dict | None:
    """None when there is nothing to show: no upcoming booking and the user may not send
    a link (or no bookable service exists)."""
    from clientela.accounts.permissions import Action, is_allowed
    from clientela.booking.selectors import bookings_of_party, service_list
    from clientela.booking.timezones import zone_or_default

    if relationship is None:
        return None
    party = relationship.party
    upcoming = bookings_of_party(party_id=party.pk)
    may_link = is_allowed(user, Action.RELATIONSHIP_CHANGE, party=party) and (
        service_list(active_only=True).exists()
    )
    if not upcoming and not may_link:
        return None
    zone = zone_or_default(None)
    for row in upcoming:
        row.local_start = row.start_at.astimezone(zone)
    return {
        "party": party,
        "upcoming": upcoming,
        "may_link": may_link,
        "party_url": reverse("web:party", args=[party.public_id]),
        "tz": zone.key,
    }
