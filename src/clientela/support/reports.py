"""Support reports: how fast the desk answers and resolves, per period.

For the tickets opened from `start` to `end` (local dates, both included), at `now`:
- median first response: business minutes from opening to the first public reply, over
  the answered tickets;
- median resolution: business minutes from opening to resolution, minus the business time
  spent pending (waiting on the customer), over the resolved tickets;
- share met: met / (met + missed + breached) per target; tickets still running inside
  their target are not counted yet;
- breaches: per kind (client, customer, other) and priority, the tickets with a missed or
  breached first response, and with a missed or breached resolution;
- volume per category.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from clientela.support.clock import business_minutes_between
from clientela.support.models import Ticket, TicketKind, TicketPriority
from clientela.support.selectors import BREACHED, MET, MISSED, Clocks, ticket_sla


@dataclass
class SupportReport:
    start: date
    end: date
    tickets: int = 0
    median_first_response_minutes: float | None = None
    median_resolution_minutes: float | None = None
    first_response_met_share: float | None = None
    resolution_met_share: float | None = None
    # (kind, priority) -> {"tickets", "first_response", "resolution"} breach counts
    breaches: list[dict] = field(default_factory=list)
    by_category: list[dict] = field(default_factory=list)


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    low = datetime.combine(start, time(0), tzinfo=zone)
    high = datetime.combine(end + timedelta(days=1), time(0), tzinfo=zone)
    return low, high


def support_report(*, start: date, end: date, now: datetime) -> SupportReport:
    from clientela.support.setup import categories_list

    low, high = _bounds(start, end)
    tickets = list(Ticket.objects.filter(created_at__gte=low, created_at__lt=high).order_by("id"))
    report = SupportReport(start=start, end=end, tickets=len(tickets))
    clocks = Clocks()
    first_minutes, resolution_minutes = [], []
    tally = {
        "first_response": {MET: 0, MISSED: 0, BREACHED: 0},
        "resolution": {MET: 0, MISSED: 0, BREACHED: 0},
    }
    breaches = {
        (k, p): {"kind": k, "priority": p, "tickets": 0, "first_response": 0, "resolution": 0}
        for k in TicketKind.values
        for p in TicketPriority.values
    }
    categories: dict[str, int] = {}
    for ticket in tickets:
        clock = clocks(ticket.calendar_id)
        sla = ticket_sla(ticket, now=now, clocks=clocks)
        row = breaches[(ticket.kind, ticket.priority)]
        row["tickets"] += 1
        for target in (sla.first_response, sla.resolution):
            if target.state in tally[target.target]:
                tally[target.target][target.state] += 1
            if target.state in (MISSED, BREACHED):
                row[target.target] += 1
        if ticket.first_responded_at is not None:
            first_minutes.append(
                business_minutes_between(ticket.created_at, ticket.first_responded_at, clock)
            )
        if ticket.resolved_at is not None:
            spent = business_minutes_between(ticket.created_at, ticket.resolved_at, clock)
            resolution_minutes.append(max(spent - ticket.paused_seconds / 60, 0.0))
        categories[ticket.category] = categories.get(ticket.category, 0) + 1
    report.median_first_response_minutes = (
        statistics.median(first_minutes) if first_minutes else None
    )
    report.median_resolution_minutes = (
        statistics.median(resolution_minutes) if resolution_minutes else None
    )
    report.first_response_met_share = _share(tally["first_response"])
    report.resolution_met_share = _share(tally["resolution"])
    report.breaches = [row for row in breaches.values() if row["tickets"]]
    names = {c.key: c.name for c in categories_list()}
    report.by_category = sorted(
        (
            {"category": key, "name": names.get(key, key) if key else "", "tickets": n}
            for key, n in categories.items()
        ),
        key=lambda r: (-r["tickets"], r["category"]),
    )
    return report


def _share(counts: dict) -> float | None:
    decided = sum(counts.values())
    return round(counts[MET] / decided, 4) if decided else None
