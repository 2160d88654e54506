"""Check-ins: reading the cadences, the clock and the queue.

The clock: the last staff interaction on the party is the latest activity, on any of the
party's relationships, of a person-to-person kind (call, email, virtual or in-person
meeting, chat, service call) that staff took part in (a staff member is recorded on it, or
it went outbound). Web visits, campaign opens and clicks, social interactions, store visits,
notes, and inbound messages nobody on the staff handled do not count. Activities after
`today` do not count either, so the queue for a day is the same whenever it is read.

A cadence's next check-in is due `every_days` after the date of that interaction, or after
`started_on` without one. The last interaction is computed by the database (one correlated
subquery per cadence on the timeline's (party, -occurred_at) index, no per-row queries);
the due date is then plain date arithmetic on the fetched rows, which keeps the SQL the same
on SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from clientela.activities.models import Activity, ActivityKind, Direction
from clientela.checkins.models import CheckinCadence, CheckinReminder

# Person-to-person kinds: what a check-in can be.
STAFF_KINDS = (
    ActivityKind.CALL,
    ActivityKind.EMAIL,
    ActivityKind.MEETING_VIRTUAL,
    ActivityKind.MEETING_IN_PERSON,
    ActivityKind.CHAT,
    ActivityKind.SERVICE_CALL,
)
PUNCTUALITY_DAYS = 365


@dataclass(frozen=True)
class CheckinDue:
    relationship_id: int
    relationship_public_id: str
    party_public_id: str
    party_name: str
    owner_id: int | None
    channel: str
    every_days: int
    last_contact_at: datetime | None
    due_on: date
    days_overdue: int  # > 0 overdue, 0 due today, < 0 due in that many days


def staff_interactions() -> QuerySet[Activity]:
    """The activities that reset the check-in clock (see the module docstring)."""
    return Activity.objects.filter(kind__in=STAFF_KINDS).filter(
        Q(staff__isnull=False) | Q(direction=Direction.OUTBOUND)
    )


def day_end(day: date) -> datetime:
    """The first instant after `day` in the current time zone (activities before it count)."""
    return datetime.combine(
        day + timedelta(days=1), time.min, tzinfo=timezone.get_current_timezone()
    )


def local_date(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def due_date(*, started_on: date, every_days: int, last_contact_at: datetime | None) -> date:
    """The next check-in date: `every_days` after the last contact's date, else after the start."""
    base = local_date(last_contact_at) if last_contact_at is not None else started_on
    return base + timedelta(days=every_days)


def cadences_with_clock(*, today: date) -> QuerySet[CheckinCadence]:
    """Cadences annotated with `last_contact_at` (the latest staff interaction on the party up
    to the end of `today`, or None), in one query."""
    latest = (
        staff_interactions()
        .filter(party_id=OuterRef("relationship__party_id"), occurred_at__lt=day_end(today))
        .order_by("-occurred_at")
        .values("occurred_at")[:1]
    )
    return CheckinCadence.objects.annotate(last_contact_at=Subquery(latest))


def cadence_for(*, relationship_id: int) -> CheckinCadence | None:
    return CheckinCadence.objects.filter(relationship_id=relationship_id).first()


def cadence_get(*, relationship_public_id: str) -> CheckinCadence:
    """The cadence of a relationship by the relationship's public id, or NOT_FOUND."""
    from django.utils.translation import gettext as _

    from clientela.core.errors import ApplicationError, ErrorCode

    cadence = (
        CheckinCadence.objects.select_related("relationship__party")
        .filter(relationship__public_id=relationship_public_id)
        .first()
    )
    if cadence is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, _("This client has no check-in cadence."))
    return cadence


def checkin_status(*, relationship_id: int, today: date) -> CheckinDue | None:
    """The clock of one relationship's cadence, active or paused, due or not; None without
    a cadence."""
    qs = cadences_with_clock(today=today).filter(relationship_id=relationship_id)
    rows = _due_rows(qs, today)
    return rows[0] if rows else None


def checkins_due(*, owner_id: int | None, today: date, within_days: int = 7) -> list[CheckinDue]:
    """The active cadences of current, active client relationships (of `owner_id`'s clients,
    or everyone's with None) whose check-in is overdue or due within `within_days` days of
    `today`, most overdue first, then by client name."""
    qs = _live(cadences_with_clock(today=today))
    if owner_id is not None:
        qs = qs.filter(relationship__owner_id=owner_id)
    horizon = today + timedelta(days=within_days)
    rows = [row for row in _due_rows(qs, today) if row.due_on <= horizon]
    rows.sort(key=lambda row: (row.due_on, row.party_name.lower(), row.relationship_id))
    return rows


def checkin_overdue_count_by_owner(*, today: date) -> dict[int, int]:
    """How many check-ins are overdue (due before `today`) per account manager (clients
    without one are left out)."""
    counts: dict[int, int] = {}
    for row in _due_rows(_live(cadences_with_clock(today=today)), today):
        if row.days_overdue > 0 and row.owner_id is not None:
            counts[row.owner_id] = counts.get(row.owner_id, 0) + 1
    return counts


def checkin_punctuality(*, relationship_ids: list[int], today: date) -> dict[int, float | None]:
    """Per relationship: the share of its cadence periods within the last 365 days that had
    a staff interaction on the party, or None without a cadence (or before its first period
    ended).

    Periods are [started_on + i*every_days, started_on + (i+1)*every_days) in days; counted
    are the complete ones (ending by `today`, exclusive) that begin on or after
    `today - 365 days`. A paused cadence is judged on the same periods. Two queries."""
    cadences = list(
        CheckinCadence.objects.filter(relationship_id__in=relationship_ids).values(
            "relationship_id", "relationship__party_id", "every_days", "started_on"
        )
    )
    result: dict[int, float | None] = {rid: None for rid in relationship_ids}
    if not cadences:
        return result
    window_start = today - timedelta(days=PUNCTUALITY_DAYS)
    since = datetime.combine(window_start, time.min, tzinfo=timezone.get_current_timezone())
    days_by_party: dict[int, set[date]] = {}
    for party_id, moment in (
        staff_interactions()
        .filter(
            party_id__in={c["relationship__party_id"] for c in cadences},
            occurred_at__gte=since,
            occurred_at__lt=day_end(today),
        )
        .values_list("party_id", "occurred_at")
    ):
        days_by_party.setdefault(party_id, set()).add(local_date(moment))
    for cadence in cadences:
        result[cadence["relationship_id"]] = _punctuality(
            started_on=cadence["started_on"],
            every_days=cadence["every_days"],
            days=days_by_party.get(cadence["relationship__party_id"], set()),
            window_start=window_start,
            today=today,
        )
    return result


def _punctuality(
    *, started_on: date, every_days: int, days: set[date], window_start: date, today: date
) -> float | None:
    step = timedelta(days=every_days)
    first = 0
    if started_on < window_start:
        first = -(-(window_start - started_on).days // every_days)  # ceiling division
    periods = kept = 0
    start = started_on + first * step
    while start + step <= today:
        periods += 1
        end = start + step
        if any(start <= day < end for day in days):
            kept += 1
        start = end
    return kept / periods if periods else None


def reminder_sent(*, relationship_id: int, due_on: date) -> bool:
    return CheckinReminder.objects.filter(relationship_id=relationship_id, due_on=due_on).exists()


def _live(qs: QuerySet[CheckinCadence]) -> QuerySet[CheckinCadence]:
    """Active cadences of current, active client relationships: the ones that are due."""
    from clientela.parties.models import RelationshipKind, RelationshipStatus

    return qs.filter(
        is_active=True,
        relationship__is_current=True,
        relationship__kind=RelationshipKind.CLIENT,
        relationship__status=RelationshipStatus.ACTIVE,
    )


def _due_rows(qs: QuerySet[CheckinCadence], today: date) -> list[CheckinDue]:
    rows = []
    for values in qs.values(
        "relationship_id",
        "relationship__public_id",
        "relationship__party__public_id",
        "relationship__party__display_name",
        "relationship__owner_id",
        "channel",
        "every_days",
        "started_on",
        "last_contact_at",
    ):
        due_on = due_date(
            started_on=values["started_on"],
            every_days=values["every_days"],
            last_contact_at=values["last_contact_at"],
        )
        rows.append(
            CheckinDue(
                relationship_id=values["relationship_id"],
                relationship_public_id=values["relationship__public_id"],
                party_public_id=values["relationship__party__public_id"],
                party_name=values["relationship__party__display_name"],
                owner_id=values["relationship__owner_id"],
                channel=values["channel"],
                every_days=values["every_days"],
                last_contact_at=values["last_contact_at"],
                due_on=due_on,
                days_overdue=(today - due_on).days,
            )
        )
    return rows
