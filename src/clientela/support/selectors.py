"""Support: reading tickets and their SLA state.

The SLA state of a target (first response, resolution) at a moment `now`:
- met / missed once it is done (first public reply; resolved) on or before / after its due;
- paused: the resolution clock while the ticket is pending (waiting on the customer);
- breached: not done and `now` is at or past the due time;
- at risk: not done and the business minutes left are at most 20% of the target (at least
  15 minutes) — the moment the breach warning goes out;
- on track otherwise.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from clientela.core.errors import ApplicationError, ErrorCode
from clientela.support.clock import business_minutes_between
from clientela.support.models import (
    OPEN_STATUSES,
    BusinessCalendar,
    Ticket,
    TicketMessage,
    TicketStatus,
)

WARN_SHARE = 0.2
WARN_MIN_MINUTES = 15

ON_TRACK, AT_RISK, BREACHED, MET, MISSED, PAUSED = (
    "on_track",
    "at_risk",
    "breached",
    "met",
    "missed",
    "paused",
)


def warn_lead_minutes(target_minutes: int) -> float:
    """Business minutes before the due time when the warning goes out."""
    return max(WARN_SHARE * target_minutes, WARN_MIN_MINUTES)


@dataclass(frozen=True)
class TargetState:
    target: str  # first_response | resolution
    state: str
    due: datetime
    target_minutes: int
    # Business minutes left (negative: overdue by), None once done.
    minutes_left: float | None
    done_at: datetime | None


@dataclass(frozen=True)
class TicketSla:
    first_response: TargetState
    resolution: TargetState

    @property
    def current(self) -> TargetState:
        """The target the ticket is racing now (first response until answered)."""
        if self.first_response.done_at is None and self.first_response.state != MET:
            return self.first_response
        return self.resolution

    @property
    def worst(self) -> str:
        states = {self.first_response.state, self.resolution.state}
        for state in (BREACHED, AT_RISK, MISSED, PAUSED, ON_TRACK, MET):
            if state in states:
                return state
        return ON_TRACK


class Clocks:
    """Calendars loaded once per request, by id (None: the default)."""

    def __init__(self):
        from clientela.support.setup import calendar_clock, calendar_default

        self._clock = calendar_clock
        self._by_id = {c.pk: c for c in BusinessCalendar.objects.all()}
        self._default = next((c for c in self._by_id.values() if c.is_default), None)
        if self._default is None:
            self._default = calendar_default()
            self._by_id[self._default.pk] = self._default
        self._cache: dict = {}

    def __call__(self, calendar_id):
        calendar = self._by_id.get(calendar_id) or self._default
        if calendar.pk not in self._cache:
            self._cache[calendar.pk] = self._clock(calendar)
        return self._cache[calendar.pk]


def _running(name, due, target, now, clock) -> TargetState:
    if now >= due:
        return TargetState(
            name, BREACHED, due, target, -business_minutes_between(due, now, clock), None
        )
    left = business_minutes_between(now, due, clock)
    state = AT_RISK if left <= warn_lead_minutes(target) else ON_TRACK
    return TargetState(name, state, due, target, left, None)


def ticket_sla(ticket: Ticket, *, now: datetime, clocks: Clocks | None = None) -> TicketSla:
    clock = (clocks or Clocks())(ticket.calendar_id)
    if ticket.first_responded_at is not None:
        done = ticket.first_responded_at
        state = MET if done <= ticket.first_response_due else MISSED
        first = TargetState(
            "first_response", state, ticket.first_response_due, ticket.first_response_minutes,
            None, done,
        )  # fmt: skip
    elif ticket.status in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
        # resolved without a public reply: the resolution answered it
        done = ticket.resolved_at
        state = MET if done and done <= ticket.first_response_due else MISSED
        first = TargetState(
            "first_response", state, ticket.first_response_due, ticket.first_response_minutes,
            None, done,
        )  # fmt: skip
    else:
        first = _running(
            "first_response", ticket.first_response_due, ticket.first_response_minutes, now, clock
        )
    if ticket.resolved_at is not None:
        done = ticket.resolved_at
        state = MET if done <= ticket.resolution_due else MISSED
        resolution = TargetState(
            "resolution", state, ticket.resolution_due, ticket.resolution_minutes, None, done
        )
    elif ticket.status == TicketStatus.PENDING and ticket.paused_since is not None:
        left = business_minutes_between(ticket.paused_since, ticket.resolution_due, clock)
        resolution = TargetState(
            "resolution", PAUSED, ticket.resolution_due, ticket.resolution_minutes, left, None
        )
    else:
        resolution = _running(
            "resolution", ticket.resolution_due, ticket.resolution_minutes, now, clock
        )
    return TicketSla(first, resolution)


def ticket_get(*, public_id: str) -> Ticket:
    ticket = (
        Ticket.objects.select_related("party", "assignee", "relationship", "calendar")
        .filter(public_id=public_id)
        .first()
    )
    if ticket is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, _("No such ticket."))
    return ticket


def ticket_messages(*, ticket: Ticket, internal: bool = True) -> QuerySet[TicketMessage]:
    rows = TicketMessage.objects.filter(ticket=ticket).select_related("author")
    if not internal:
        rows = rows.filter(is_internal=False)
    return rows.order_by("at", "id")


def tickets_filtered(
    *,
    user=None,
    view: str = "all",
    status: str = "",
    priority: str = "",
    kind: str = "",
    party_id: int | None = None,
    assignee_id: int | None = None,
) -> QuerySet[Ticket]:
    """`view`: mine (assigned to `user`), unassigned, all. `status` "" or "active" means the
    statuses still needing work (new, open, pending); "any" every status; else one status."""
    rows = Ticket.objects.select_related("party", "assignee")
    if view == "mine" and user is not None:
        rows = rows.filter(assignee_id=user.pk)
    elif view == "unassigned":
        rows = rows.filter(assignee__isnull=True)
    if status in ("", "active"):
        rows = rows.filter(status__in=OPEN_STATUSES)
    elif status != "any":
        rows = rows.filter(status=status)
    if priority:
        rows = rows.filter(priority=priority)
    if kind:
        rows = rows.filter(kind=kind)
    if party_id is not None:
        rows = rows.filter(party_id=party_id)
    if assignee_id is not None:
        rows = rows.filter(assignee_id=assignee_id)
    return rows


def tickets_with_sla(tickets, *, now: datetime) -> list[tuple[Ticket, TicketSla]]:
    """Each ticket with its SLA, the most urgent first: breached, at risk, then by the due
    time of the target it is racing."""
    clocks = Clocks()
    rows = [(t, ticket_sla(t, now=now, clocks=clocks)) for t in tickets]
    order = {BREACHED: 0, AT_RISK: 1, ON_TRACK: 2, PAUSED: 3, MISSED: 4, MET: 5}
    rows.sort(key=lambda r: (order[r[1].current.state], r[1].current.due, r[0].pk))
    return rows


def queue_counts(*, user) -> dict[str, int]:
    base = Ticket.objects.filter(status__in=OPEN_STATUSES)
    return {
        "mine": base.filter(assignee_id=user.pk).count(),
        "unassigned": base.filter(assignee__isnull=True).count(),
        "all": base.count(),
    }


def open_tickets_by_party(*, party_ids) -> dict[int, int]:
    """Open tickets (new, open, pending) per party id; parties without any are left out."""
    ids = list(party_ids)
    if not ids:
        return {}
    result: dict[int, int] = {}
    for start in range(0, len(ids), 2000):
        rows = (
            Ticket.objects.filter(party_id__in=ids[start : start + 2000], status__in=OPEN_STATUSES)
            .values("party_id")
            .annotate(n=Count("id"))
        )
        result.update({row["party_id"]: row["n"] for row in rows})
    return result


def support_overview(*, now: datetime) -> dict:
    """open, at_risk, breached_open (open tickets with a target at risk / breached now) and
    the median first response (business minutes) of the tickets opened in the 30 days
    before `now` that were answered (None without any)."""
    clocks = Clocks()
    open_rows = tickets_with_sla(Ticket.objects.filter(status__in=OPEN_STATUSES), now=now)
    breached = sum(1 for _t, sla in open_rows if sla.worst == BREACHED)
    at_risk = sum(1 for _t, sla in open_rows if sla.worst == AT_RISK)
    answered = Ticket.objects.filter(
        created_at__gte=now - timedelta(days=30), created_at__lte=now,
        first_responded_at__isnull=False,
    ).only("created_at", "first_responded_at", "calendar_id")  # fmt: skip
    minutes = [
        business_minutes_between(t.created_at, t.first_responded_at, clocks(t.calendar_id))
        for t in answered
    ]
    return {
        "open": len(open_rows),
        "at_risk": at_risk,
        "breached_open": breached,
        "median_first_response_minutes_30d": statistics.median(minutes) if minutes else None,
    }


def format_minutes(minutes: float | None) -> str:
    """ "2 h 05 min", "45 min"; "" for None. Business minutes, rounded."""
    if minutes is None:
        return ""
    total = int(round(abs(minutes)))
    hours, rest = divmod(total, 60)
    sign = "-" if minutes < 0 and total else ""
    if hours:
        return f"{sign}{hours} h {rest:02d} min"
    return f"{sign}{rest} min"
