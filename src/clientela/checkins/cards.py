"""The check-ins card on a party page (integrated by the client desk)."""

from __future__ import annotations

from django.utils import timezone


def party_card(*, relationship, user) -> dict | None:
    """The rhythm, preferred channel, last contact, next due date and punctuality of the
    client's cadence, with the forms `user` may use: change the cadence (RELATIONSHIP_CHANGE)
    and log a check-in (ACTIVITY_LOG). None for a customer, and for a client without a
    cadence when `user` may not create one."""
    from clientela.accounts.permissions import Action, is_allowed
    from clientela.checkins.models import CheckinChannel
    from clientela.checkins.selectors import cadence_for, checkin_punctuality, checkin_status
    from clientela.clientdesk.settings import desk_settings_get

    if relationship is None or relationship.kind != "client":
        return None
    party = relationship.party
    may_change = relationship.is_current and is_allowed(
        user, Action.RELATIONSHIP_CHANGE, party=party
    )
    cadence = cadence_for(relationship_id=relationship.pk)
    if cadence is None and not may_change:
        return None
    today = timezone.localdate()
    status = checkin_status(relationship_id=relationship.pk, today=today) if cadence else None
    punctuality = (
        checkin_punctuality(relationship_ids=[relationship.pk], today=today)[relationship.pk]
        if cadence
        else None
    )
    defaults = desk_settings_get()
    return {
        "relationship": relationship,
        "cadence": cadence,
        "status": status,
        "punctuality": punctuality,
        "punctuality_pct": round(punctuality * 100) if punctuality is not None else None,
        "may_change": may_change,
        "may_log": cadence is not None and is_allowed(user, Action.ACTIVITY_LOG, party=party),
        "channels": CheckinChannel.choices,
        "every_days": cadence.every_days if cadence else defaults["checkin_every_days"],
        "channel": cadence.channel if cadence else defaults["checkin_channel"],
        "now": timezone.now(),
    }
