"""The support card on the party page: open tickets with their SLA state, a new-ticket
link for roles that work tickets."""

from __future__ import annotations

from django.utils import timezone


def party_card(*, party, relationship, user) -> dict | None:
    """Open tickets (most urgent first) and how many earlier ones were closed. Shown for
    every party with a ticket, and for every party to the roles that can open one."""
    from clientela.accounts.permissions import Action, is_allowed
    from clientela.support.models import OPEN_STATUSES, Ticket
    from clientela.support.selectors import tickets_with_sla

    tickets = Ticket.objects.filter(party=party)
    open_tickets = list(tickets.filter(status__in=OPEN_STATUSES).order_by("-created_at")[:20])
    closed = tickets.exclude(status__in=OPEN_STATUSES).count()
    may_work = is_allowed(user, Action.TICKET_WORK)
    if not open_tickets and not closed and not may_work:
        return None
    return {
        "party": party,
        "rows": tickets_with_sla(open_tickets, now=timezone.now()),
        "closed": closed,
        "may_work": may_work,
    }
