"""Check-ins: changing a cadence and logging a check-in.

A check-in is an ordinary activity on the party's timeline, logged through
`activities.services.activity_log`: the same rights (account managers on their own clients,
managers, admins, support agents), the same audit event and webhook, and, like any other
staff interaction logged anywhere, it resets the clock (see `checkins.selectors`).
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.accounts.permissions import Action, authorize
from clientela.activities.models import Activity, ActivityKind
from clientela.checkins.models import CheckinCadence, CheckinChannel
from clientela.core.errors import from_django_validation, validation_error
from clientela.core.services import audit_record

# The activity a check-in on each preferred channel is logged as.
CHANNEL_KIND = {
    CheckinChannel.CALL: ActivityKind.CALL,
    CheckinChannel.EMAIL: ActivityKind.EMAIL,
    CheckinChannel.VIRTUAL_MEETING: ActivityKind.MEETING_VIRTUAL,
    CheckinChannel.IN_PERSON_MEETING: ActivityKind.MEETING_IN_PERSON,
}


def checkin_log(
    *, actor, relationship, channel: str, note: str = "", at: datetime | None = None
) -> Activity:
    """Log a check-in with the client of `relationship` on `channel` (call, email,
    virtual_meeting, in_person_meeting) at `at` (now by default; never in the future).

    Guarantees: the activity rules decide who may (PERMISSION_DENIED otherwise); the activity
    and a `checkin.logged` audit event are written in one transaction; the clock of the
    party's cadence restarts from the day of `at`."""
    from clientela.activities.services import activity_log

    authorize(actor, Action.ACTIVITY_LOG, party=relationship.party)
    if channel not in CheckinChannel.values:
        raise validation_error(
            "channel",
            _("must be one of %(choices)s") % {"choices": ", ".join(CheckinChannel.values)},
        )
    if at is not None and timezone.is_naive(at):
        raise validation_error("at", _("needs a time zone"))
    if at is not None and at > timezone.now():
        raise validation_error("at", _("cannot be in the future"))
    if len(note or "") > 10000:
        raise validation_error("note", _("is too long"))
    with transaction.atomic():
        activity = activity_log(
            actor=actor,
            party=relationship.party,
            kind=CHANNEL_KIND[CheckinChannel(channel)],
            occurred_at=at,
            subject=_("Check-in"),
            body=note or "",
            properties={"checkin": True},
        )
        audit_record(
            actor=actor,
            action="checkin.logged",
            target=relationship,
            data={"activity": activity.public_id, "channel": channel},
        )
    return activity


def cadence_set(
    *,
    actor,
    relationship,
    every_days: int | None = None,
    channel: str | None = None,
    is_active: bool | None = None,
    started_on: date | None = None,
) -> CheckinCadence:
    """Create or change the check-in cadence of a client relationship; what is not given
    keeps its value (or, for a new cadence, the desk settings' `checkin_every_days` /
    `checkin_channel`, started today).

    Guarantees: RELATIONSHIP_CHANGE on the party (account managers on their own clients);
    only client relationships have a cadence; every_days in 1..366 and a known channel, or a
    VALIDATION error naming the field; one cadence per relationship (row-locked update);
    an audit event records the values."""
    from clientela.parties.models import Relationship, RelationshipKind

    authorize(actor, Action.RELATIONSHIP_CHANGE, party=relationship.party)
    if relationship.kind != RelationshipKind.CLIENT:
        raise validation_error("relationship", _("only clients have a check-in cadence"))
    _check(every_days=every_days, channel=channel, is_active=is_active)
    with transaction.atomic():
        # Lock the relationship: two first edits at once create one cadence, not a conflict.
        Relationship.objects.select_for_update().filter(pk=relationship.pk).exists()
        cadence = (
            CheckinCadence.objects.select_for_update().filter(relationship=relationship).first()
        )
        created = cadence is None
        if created:
            cadence = _new(relationship=relationship, started_on=started_on)
        if every_days is not None:
            cadence.every_days = every_days
        if channel is not None:
            cadence.channel = channel
        if is_active is not None:
            cadence.is_active = is_active
        if started_on is not None:
            cadence.started_on = started_on
        cadence.updated_at = timezone.now()
        _save(cadence)
        audit_record(
            actor=actor,
            action="checkin.cadence_created" if created else "checkin.cadence_changed",
            target=relationship,
            data={
                "every_days": cadence.every_days,
                "channel": cadence.channel,
                "is_active": cadence.is_active,
                "started_on": cadence.started_on,
            },
        )
    return cadence


def cadence_ensure_default(*, relationship, at: datetime | None = None) -> CheckinCadence | None:
    """Give a client relationship the default cadence (desk settings) started on the day of
    `at`, unless it has one. The system acts (called by the journey hook, inside the move's
    transaction); returns the new cadence, or None when there was one already."""
    from clientela.parties.models import RelationshipKind

    if relationship.kind != RelationshipKind.CLIENT:
        return None
    if CheckinCadence.objects.filter(relationship=relationship).exists():
        return None
    started_on = timezone.localtime(at).date() if at is not None else timezone.localdate()
    cadence = _new(relationship=relationship, started_on=started_on)
    _save(cadence)
    audit_record(
        actor=None,
        action="checkin.cadence_created",
        target=relationship,
        data={"every_days": cadence.every_days, "channel": cadence.channel, "default": True},
    )
    return cadence


def _new(*, relationship, started_on: date | None) -> CheckinCadence:
    from clientela.clientdesk.settings import desk_settings_get

    settings = desk_settings_get()
    return CheckinCadence(
        relationship=relationship,
        every_days=settings["checkin_every_days"],
        channel=settings["checkin_channel"],
        started_on=started_on or timezone.localdate(),
    )


def _check(*, every_days, channel, is_active) -> None:
    if every_days is not None and (
        isinstance(every_days, bool)
        or not isinstance(every_days, int)
        or not 1 <= every_days <= 366
    ):
        raise validation_error("every_days", _("must be a whole number of days from 1 to 366"))
    if channel is not None and channel not in CheckinChannel.values:
        raise validation_error(
            "channel",
            _("must be one of %(choices)s") % {"choices": ", ".join(CheckinChannel.values)},
        )
    if is_active is not None and not isinstance(is_active, bool):
        raise validation_error("is_active", _("must be true or false"))


def _save(cadence: CheckinCadence) -> None:
    from django.core.exceptions import ValidationError

    try:
        cadence.full_clean()
    except ValidationError as exc:
        raise from_django_validation(exc) from exc
    cadence.save()
