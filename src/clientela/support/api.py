"""Support: the REST endpoints under /api/v1/support. Thin: the same services and
selectors as the pages."""

from __future__ import annotations

from datetime import date, timedelta

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from clientela.api.etags import conditional_write, with_etag
from clientela.api.pagination import keyset_page, page_schema
from clientela.api.routers._common import (
    PathId,
    actor,
    created,
    links_to,
    page,
    party_ref,
    responses,
    user_ref,
)
from clientela.api.schemas.common import ListQuery
from clientela.core.errors import ApplicationError, ErrorCode, validation_error
from clientela.support import selectors, services, setup
from clientela.support.email_in import email_receive
from clientela.support.models import SlaPolicy, Ticket
from clientela.support.reports import support_report
from clientela.support.schemas import (
    CalendarIn,
    CalendarOut,
    EmailIn,
    EmailInOut,
    MessageIn,
    MessageOut,
    PoliciesIn,
    PoliciesOut,
    ReportOut,
    ReportQuery,
    TicketIn,
    TicketOut,
    TicketPatch,
    TicketQuery,
)

router = Router(tags=["Support"])
TicketPage = page_schema(TicketOut, "SupportTicketPage")
MessagePage = page_schema(MessageOut, "SupportMessagePage")


def _target(state) -> dict:
    return {
        "state": state.state,
        "due": state.due,
        "target_minutes": state.target_minutes,
        "minutes_left": round(state.minutes_left, 2) if state.minutes_left is not None else None,
        "done_at": state.done_at,
    }


def ticket_out(ticket: Ticket, *, now=None, clocks=None) -> dict:
    sla = selectors.ticket_sla(ticket, now=now or timezone.now(), clocks=clocks)
    return {
        "id": ticket.public_id,
        "reference": ticket.reference,
        "party": ticket.party.public_id,
        "party_name": ticket.party.display_name,
        "kind": ticket.kind,
        "subject": ticket.subject,
        "channel": ticket.channel,
        "priority": ticket.priority,
        "category": ticket.category,
        "status": ticket.status,
        "assignee": ticket.assignee.username if ticket.assignee_id else None,
        "created_at": ticket.created_at,
        "updated_at": ticket.updated_at,
        "first_responded_at": ticket.first_responded_at,
        "resolved_at": ticket.resolved_at,
        "sla": {
            "first_response": _target(sla.first_response),
            "resolution": _target(sla.resolution),
        },
    }


def _etag_body(ticket: Ticket) -> dict:
    """What the ETag covers: the ticket's stored state, not the running clock (which changes
    every minute and would make every If-Match stale)."""
    body = ticket_out(ticket)
    body.pop("sla")
    return body


def message_out(message) -> dict:
    return {
        "id": message.public_id,
        "ticket": message.ticket.public_id,
        "author": message.author.username if message.author_id else None,
        "author_name": message.author_name,
        "from_customer": message.from_customer,
        "internal": message.is_internal,
        "body": message.body,
        "at": message.at,
    }


def _respond(response: HttpResponse, public_id: str) -> dict:
    ticket = selectors.ticket_get(public_id=public_id)
    response["ETag"] = _etag(ticket)
    return ticket_out(ticket)


def _etag(ticket: Ticket) -> str:
    from clientela.api.etags import etag_of

    return etag_of(_etag_body(ticket))


# -- tickets ------------------------------------------------------------------------------


@router.get("/tickets", response=responses(200, TicketPage), operation_id="listSupportTickets")
def list_tickets(request: HttpRequest, query: Query[TicketQuery]):
    """Tickets, newest first; `status=active` (default) lists those still needing work."""
    from clientela.api.routers._common import referenced
    from clientela.parties.selectors import party_get

    assignee = user_ref("assignee", query.assignee) if query.assignee else None
    party = referenced("party", lambda: party_get(public_id=query.party)) if query.party else None
    rows = selectors.tickets_filtered(
        view="unassigned" if query.unassigned else "all",
        status=query.status,
        priority=query.priority or "",
        kind=query.kind or "",
        party_id=party.pk if party else None,
        assignee_id=assignee.pk if assignee else None,
    )
    tag = (
        f"support-tickets:{query.status}:{query.priority}:{query.kind}:{query.assignee}:"
        f"{query.unassigned}:{query.party}"
    )
    found, next_cursor = keyset_page(
        rows, ordering=("-created_at", "-id"), cursor=query.cursor, limit=query.limit, tag=tag
    )
    clocks = selectors.Clocks()
    now = timezone.now()
    return page(found, next_cursor, lambda t: ticket_out(t, now=now, clocks=clocks))


@router.post(
    "/tickets",
    response=responses(201, TicketOut),
    operation_id="createSupportTicket",
    openapi_extra=links_to(
        "getSupportTicket",
        "updateSupportTicket",
        "listSupportTicketMessages",
        "createSupportTicketMessage",
    ),  # fmt: skip
)
def create_ticket(request: HttpRequest, response: HttpResponse, payload: TicketIn):
    """Open a ticket for a party: routed to a client's account manager, else unassigned."""
    party = party_ref("party", payload.party)
    ticket = services.ticket_create(
        actor=actor(request),
        party=party,
        subject=payload.subject,
        body=payload.body,
        channel=payload.channel,
        priority=payload.priority,
        category=payload.category,
    )
    body = _respond(response, ticket.public_id)
    return created(response, body, path=f"support/tickets/{ticket.public_id}")


@router.get(
    "/tickets/{public_id}", response=responses(200, TicketOut), operation_id="getSupportTicket"
)
def get_ticket(request: HttpRequest, response: HttpResponse, public_id: PathId):
    """A ticket with its SLA clocks. The ETag covers the stored fields, not the clocks."""
    return _respond(response, public_id)


def _lock(public_id: str) -> None:
    if not list(Ticket.objects.select_for_update().filter(public_id=public_id).values("pk")):
        raise ApplicationError(ErrorCode.NOT_FOUND, _("No such ticket."))


@router.patch(
    "/tickets/{public_id}",
    response=responses(200, TicketOut, conditional=True),
    operation_id="updateSupportTicket",
)
def update_ticket(
    request: HttpRequest, response: HttpResponse, public_id: PathId, payload: TicketPatch
):
    """Assign (null: back to the queue), change status, priority or category; only the
    fields sent. Honours If-Match."""
    ticket = selectors.ticket_get(public_id=public_id)
    data = payload.model_dump(exclude_unset=True)
    who = actor(request)
    assignee = user_ref("assignee", data["assignee"]) if data.get("assignee") else None
    for name in ("status", "priority", "category"):
        if name in data and data[name] is None:
            raise validation_error(name, _("must not be null"))
    with conditional_write(
        request,
        lambda: _lock(public_id),
        lambda: _etag_body(selectors.ticket_get(public_id=public_id)),
    ):
        if "assignee" in data:
            services.ticket_assign(actor=who, ticket=ticket, assignee=assignee)
        if "priority" in data:
            services.ticket_priority_set(actor=who, ticket=ticket, priority=data["priority"])
        if "category" in data:
            services.ticket_category_set(actor=who, ticket=ticket, category=data["category"])
        if "status" in data:
            services.ticket_status_set(actor=who, ticket=ticket, status=data["status"])
    return _respond(response, public_id)


@router.get(
    "/tickets/{public_id}/messages",
    response=responses(200, MessagePage),
    operation_id="listSupportTicketMessages",
)
def list_messages(request: HttpRequest, public_id: PathId, query: Query[ListQuery]):
    """The conversation, oldest first, internal notes included."""
    ticket = selectors.ticket_get(public_id=public_id)
    found, next_cursor = keyset_page(
        selectors.ticket_messages(ticket=ticket).select_related("ticket"),
        ordering=("at", "id"),
        cursor=query.cursor,
        limit=query.limit,
        tag=f"support-messages:{ticket.public_id}",
    )
    return page(found, next_cursor, message_out)


@router.post(
    "/tickets/{public_id}/messages",
    response=responses(201, MessageOut),
    operation_id="createSupportTicketMessage",
)
def create_message(request: HttpRequest, public_id: PathId, payload: MessageIn):
    """A public reply (e-mailed to the party; the first one meets the first response) or an
    internal note (`internal: true`)."""
    ticket = selectors.ticket_get(public_id=public_id)
    message = services.ticket_reply(
        actor=actor(request), ticket=ticket, body=payload.body, internal=payload.internal
    )
    return Status(201, message_out(message))


# -- e-mail in ----------------------------------------------------------------------------


@router.post(
    "/email-in",
    response=responses(201, EmailInOut, also={200: EmailInOut}),
    operation_id="receiveSupportEmail",
)
def receive_email(request: HttpRequest, payload: EmailIn):
    """A parsed incoming e-mail: a reply to a known ticket joins it (reference "[TKT-n]" in
    the subject, or In-Reply-To/References), anything else opens a ticket. Idempotent on
    `message_id`: a retried post answers 200 with what the first one did."""
    result = email_receive(
        actor=actor(request),
        from_email=payload.from_,
        from_name=payload.from_name,
        to=payload.to,
        subject=payload.subject,
        text=payload.text,
        message_id=payload.message_id,
        in_reply_to=payload.in_reply_to,
        references=payload.references,
        received_at=payload.received_at,
    )
    ticket = selectors.ticket_get(public_id=result.ticket.public_id)
    body = {
        "ticket": ticket_out(ticket),
        "message": result.message.public_id if result.message else None,
        "created_ticket": result.created_ticket,
        "duplicate": result.duplicate,
    }
    return Status(200 if result.duplicate else 201, body)


# -- set-up -------------------------------------------------------------------------------


def _policies() -> dict:
    setup.support_defaults_ensure()
    rows = SlaPolicy.objects.order_by("kind", "priority")
    return {
        "policies": [
            {
                "kind": p.kind,
                "priority": p.priority,
                "first_response_minutes": p.first_response_minutes,
                "resolution_minutes": p.resolution_minutes,
            }
            for p in rows
        ]
    }


@router.get("/policies", response=responses(200, PoliciesOut), operation_id="getSupportPolicies")
def get_policies(request: HttpRequest, response: HttpResponse):
    """First-response and resolution targets (business minutes) per kind and priority."""
    return with_etag(response, _policies())


@router.put("/policies", response=responses(200, PoliciesOut), operation_id="putSupportPolicies")
def put_policies(request: HttpRequest, response: HttpResponse, payload: PoliciesIn):
    """Change the listed policies (admins, managers); the others keep their targets."""
    setup.policies_set(
        actor=actor(request), targets=[item.model_dump() for item in payload.policies]
    )
    return with_etag(response, _policies())


def _calendar() -> dict:
    calendar = setup.calendar_default()
    return {
        "id": calendar.public_id,
        "name": calendar.name,
        "time_zone": calendar.time_zone,
        "hours": calendar.hours,
        "holidays": calendar.holidays,
    }


@router.get("/calendar", response=responses(200, CalendarOut), operation_id="getSupportCalendar")
def get_calendar(request: HttpRequest, response: HttpResponse):
    """The default business-hours calendar: zone, weekly hours (0 = Monday), holidays."""
    return with_etag(response, _calendar())


@router.put("/calendar", response=responses(200, CalendarOut), operation_id="putSupportCalendar")
def put_calendar(request: HttpRequest, response: HttpResponse, payload: CalendarIn):
    """Replace the default calendar (admins, managers)."""
    setup.calendar_set(
        actor=actor(request),
        name=payload.name,
        time_zone=payload.time_zone,
        hours={k: [list(i) for i in v] for k, v in payload.hours.items()},
        holidays=[{"date": h.date.isoformat(), "name": h.name} for h in payload.holidays],
    )
    return with_etag(response, _calendar())


@router.get("/report", response=responses(200, ReportOut), operation_id="getSupportReport")
def get_report(request: HttpRequest, query: Query[ReportQuery]):
    """Medians (business minutes), share met, breaches by kind and priority, volume by
    category for the tickets opened from `from` to `to` (at most 366 days)."""
    today = timezone.localdate()
    end = query.to or today
    if end > date(2999, 12, 31) or end < date(1900, 1, 30):
        raise validation_error("to", _("dates must be between 1900 and 2999"))
    start = query.from_ or end - timedelta(days=29)
    if start < date(1900, 1, 1) or end > date(2999, 12, 31):
        raise validation_error("from", _("dates must be between 1900 and 2999"))
    if start > end:
        raise validation_error("from", _("must not be after `to`"))
    if (end - start).days > 366:
        raise validation_error("from", _("the period is at most 366 days"))
    report = support_report(start=start, end=end, now=timezone.now())
    return report.__dict__
