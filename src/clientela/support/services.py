"""Support: opening, routing and working tickets.

Every function needs TICKET_WORK (admins, managers, account managers, support agents;
`actor=None` is the system), writes in one transaction with an audit event, and e-mails
public replies to the party through `notifications.services.notification_send` (one e-mail
per reply: the key is the reply's id).

The clocks (business minutes of the ticket's calendar, see `support.clock`):
- first response is due `first_response_minutes` after creation and is met by the first
  public staff reply;
- resolution is due `resolution_minutes` after creation, pushed by the business time the
  ticket spent pending (waiting on the customer), resolved or closed;
- a priority change takes the policy of the new priority and recomputes both from creation.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.accounts.permissions import Action, authorize, is_allowed
from clientela.core.errors import validation_error
from clientela.core.services import audit_record
from clientela.support.clock import business_add, business_between
from clientela.support.models import (
    PAUSED_STATUSES,
    Ticket,
    TicketChannel,
    TicketKind,
    TicketMessage,
    TicketPriority,
    TicketStatus,
)
from clientela.support.setup import calendar_clock, calendar_default, policy_for

MAX_BODY = 50_000
MAX_SUBJECT = 300


def ticket_create(
    *,
    actor,
    party,
    subject: str,
    body: str = "",
    channel: str = TicketChannel.WEB,
    priority: str = TicketPriority.NORMAL,
    category: str = "",
    at: datetime | None = None,
    message_id: str | None = None,
    from_name: str = "",
    from_email: str = "",
) -> Ticket:
    """Open a ticket for `party`; `body` (optional) is the customer's message.

    Guarantees: kind comes from the party's current relationship (client, customer, or
    other without one); a client's ticket is assigned to the relationship's owner (their
    account manager's queue), anyone else's stays unassigned (the support queue); the due
    times come from the (kind, priority) policy on its calendar; the ticket gets the next
    reference number (TKT-n, unique even under concurrency)."""
    from clientela.parties.selectors import relationship_current

    authorize(actor, Action.TICKET_WORK)
    subject = _text("subject", subject, MAX_SUBJECT, required=True)
    body = _text("body", body, MAX_BODY)
    _choice("channel", channel, TicketChannel.values)
    _choice("priority", priority, TicketPriority.values)
    category = _category(category)
    at = _moment("at", at)
    relationship = relationship_current(party=party)
    kind = relationship.kind if relationship is not None else TicketKind.OTHER
    assignee = None
    if relationship is not None and relationship.kind == TicketKind.CLIENT:
        owner = relationship.owner
        if owner is not None and owner.is_active and is_allowed(owner, Action.TICKET_WORK):
            assignee = owner
    policy = policy_for(kind=kind, priority=priority)
    calendar = policy.calendar or calendar_default()
    ticket = Ticket(
        party=party,
        relationship=relationship,
        kind=kind,
        subject=subject,
        channel=channel,
        priority=priority,
        category=category,
        status=TicketStatus.NEW,
        assignee=assignee,
        calendar=calendar,
        first_response_minutes=policy.first_response_minutes,
        resolution_minutes=policy.resolution_minutes,
        created_at=at,
        updated_at=at,
    )
    _dues_set(ticket)
    with transaction.atomic():
        _insert_numbered(ticket)
        if body:
            TicketMessage.objects.create(
                ticket=ticket,
                from_customer=True,
                author_name=(from_name or party.display_name)[:200],
                author_email=from_email[:300],
                body=body,
                at=at,
                message_id=message_id or None,
                created_at=at,
            )
        audit_record(
            actor=actor,
            action="ticket.created",
            target=ticket,
            data={
                "party": party.public_id,
                "kind": kind,
                "priority": priority,
                "channel": channel,
                "assignee": getattr(assignee, "username", None),
            },
        )
    return ticket


def ticket_open(*, actor, party=None, email: str = "", name: str = "", **fields) -> Ticket:
    """A ticket for `party`, or for the requester at `email` (found, or created as a new
    party); one transaction, so a ticket refused for any reason leaves no new party behind.
    `fields` are `ticket_create`'s."""
    with transaction.atomic():
        if party is None:
            party = ticket_requester_find_or_create(actor=actor, email=email, name=name)
        return ticket_create(actor=actor, party=party, **fields)


def ticket_requester_find_or_create(*, actor, email: str, name: str = ""):
    """The party a ticket from `email` belongs to: the party with that e-mail address, or
    a new party without a relationship named after `name` (or the address). Guarantees:
    only a role that works tickets gets here (checked before anything is looked up or
    created: the requester is not staff, so the party is created by the system); a bad
    address is a VALIDATION error on `email`."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    from clientela.parties.selectors import party_find_by_email
    from clientela.parties.services import party_create

    authorize(actor, Action.TICKET_WORK)
    address = (email or "").strip()
    try:
        validate_email(address)
    except ValidationError:
        raise validation_error("email", _("is not an e-mail address")) from None
    party = party_find_by_email(email=address)
    if party is not None:
        return party
    name = (name or "").strip()
    if name:
        given, _sep, family = name.rpartition(" ")
        if not given:
            given, family = family, ""
    else:
        given, family = address.split("@", 1)[0], ""
    return party_create(
        actor=None, given_name=given[:100], family_name=family[:100], emails=[address]
    )


def _insert_numbered(ticket: Ticket) -> None:
    for _attempt in range(10):
        ticket.number = (Ticket.objects.aggregate(n=Max("number"))["n"] or 1000) + 1
        try:
            with transaction.atomic():
                ticket.save()
            return
        except IntegrityError:
            ticket.pk = None
            continue
    raise IntegrityError("could not allocate a ticket number")


def ticket_assign(*, actor, ticket: Ticket, assignee) -> Ticket:
    """Assign (or, with None, return to the unassigned queue). The assignee must be an
    active user whose role works tickets."""
    authorize(actor, Action.TICKET_WORK)
    if assignee is not None and (
        not assignee.is_active or not is_allowed(assignee, Action.TICKET_WORK)
    ):
        raise validation_error("assignee", _("this user's role does not work tickets"))
    with transaction.atomic():
        ticket = _locked(ticket)
        before = ticket.assignee.username if ticket.assignee_id else None
        ticket.assignee = assignee
        ticket.updated_at = timezone.now()
        ticket.save(update_fields=["assignee", "updated_at"])
        audit_record(
            actor=actor,
            action="ticket.assigned",
            target=ticket,
            data={"from": before, "to": getattr(assignee, "username", None)},
        )
    return ticket


def ticket_take(*, actor, ticket: Ticket) -> Ticket:
    """The actor takes the ticket into their own queue."""
    return ticket_assign(actor=actor, ticket=ticket, assignee=actor)


def ticket_reply(
    *, actor, ticket: Ticket, body: str, internal: bool = False, at: datetime | None = None
) -> TicketMessage:
    """A staff reply (e-mailed to the party's primary e-mail, once) or an internal note.

    The first public reply sets `first_responded_at` (the first-response clock stops); a
    public reply on a new ticket opens it."""
    authorize(actor, Action.TICKET_WORK)
    body = _text("body", body, MAX_BODY, required=True)
    if not isinstance(internal, bool):
        raise validation_error("internal", _("must be true or false"))
    at = _moment("at", at)
    with transaction.atomic():
        ticket = _locked(ticket)
        message = TicketMessage(
            ticket=ticket,
            author=actor if getattr(actor, "pk", None) else None,
            author_name=str(actor) if actor is not None else "",
            body=body,
            is_internal=internal,
            at=at,
            created_at=at,
        )
        message.assign_public_id()
        if not internal:
            message.message_id = f"<{message.public_id}@clientela>"
        message.save()
        if not internal:
            fields = ["updated_at"]
            if ticket.first_responded_at is None:
                ticket.first_responded_at = at
                fields.append("first_responded_at")
            if ticket.status == TicketStatus.NEW:
                ticket.status = TicketStatus.OPEN
                fields.append("status")
            ticket.updated_at = timezone.now()
            ticket.save(update_fields=fields)
            _email_reply(ticket=ticket, message=message)
        audit_record(
            actor=actor,
            action="ticket.noted" if internal else "ticket.replied",
            target=ticket,
            data={"message": message.public_id},
        )
    return message


def _email_reply(*, ticket: Ticket, message: TicketMessage) -> None:
    from clientela.notifications.services import notification_send
    from clientela.parties.models import ContactPoint

    point = (
        ContactPoint.objects.filter(party_id=ticket.party_id, kind="email")
        .order_by("-is_primary", "id")
        .first()
    )
    if point is None:
        return
    notification_send(
        key=f"support-reply:{message.public_id}",
        kind="support_reply",
        subject=f"[{ticket.reference}] {ticket.subject}",
        body=message.body,
        email=point.value,
    )


def ticket_customer_message(
    *,
    actor,
    ticket: Ticket,
    body: str,
    from_name: str = "",
    from_email: str = "",
    message_id: str | None = None,
    at: datetime | None = None,
) -> TicketMessage:
    """The customer wrote again (e-mail in): the message joins the conversation and a
    pending, resolved or closed ticket opens again (its resolution clock runs on)."""
    authorize(actor, Action.TICKET_WORK)
    body = _text("body", body, MAX_BODY, required=True)
    at = _moment("at", at)
    with transaction.atomic():
        ticket = _locked(ticket)
        message = TicketMessage.objects.create(
            ticket=ticket,
            from_customer=True,
            author_name=(from_name or ticket.party.display_name)[:200],
            author_email=from_email[:300],
            body=body,
            at=at,
            message_id=message_id or None,
            created_at=at,
        )
        if ticket.status in PAUSED_STATUSES:
            _status_change(ticket, TicketStatus.OPEN, now=max(at, ticket.created_at))
        ticket.updated_at = timezone.now()
        ticket.save()
        audit_record(
            actor=actor,
            action="ticket.customer_wrote",
            target=ticket,
            data={"message": message.public_id},
        )
    return message


def ticket_status_set(*, actor, ticket: Ticket, status: str, at: datetime | None = None) -> Ticket:
    """Move to `status`. Pending, resolved and closed stop the resolution clock; going back
    to new or open resumes it and pushes the resolution due time by the business time it
    was stopped, and so does resolving or closing straight from pending (the time spent
    waiting on the requester never counts against the target). Resolving sets
    `resolved_at`; reopening clears it."""
    authorize(actor, Action.TICKET_WORK)
    _choice("status", status, TicketStatus.values)
    now = _moment("at", at)
    with transaction.atomic():
        ticket = _locked(ticket)
        if ticket.status == status:
            return ticket
        before = ticket.status
        _status_change(ticket, status, now=max(now, ticket.created_at))
        ticket.updated_at = timezone.now()
        ticket.save()
        audit_record(
            actor=actor,
            action="ticket.status_changed",
            target=ticket,
            data={"from": before, "to": status},
        )
    return ticket


def _status_change(ticket: Ticket, status: str, *, now: datetime) -> None:
    paused_before = ticket.status in PAUSED_STATUSES
    paused_after = status in PAUSED_STATUSES
    # Resolved straight from pending: the wait on the requester is credited as for a
    # ticket that went back to open first, and the clock stays stopped from now on.
    settles_a_wait = ticket.status == TicketStatus.PENDING and status in (
        TicketStatus.RESOLVED,
        TicketStatus.CLOSED,
    )
    if ((paused_before and not paused_after) or settles_a_wait) and ticket.paused_since is not None:
        stopped = business_between(ticket.paused_since, now, _clock(ticket))
        ticket.paused_seconds += int(stopped.total_seconds())
        ticket.paused_since = now if paused_after else None
        _dues_set(ticket)
    elif paused_after and not paused_before:
        ticket.paused_since = now
    if status in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
        ticket.resolved_at = ticket.resolved_at or now
    else:
        ticket.resolved_at = None
    ticket.status = status


def ticket_priority_set(*, actor, ticket: Ticket, priority: str) -> Ticket:
    """Change the priority: the targets of the new priority's policy, both due times
    recomputed from creation (the resolution one still pushed by the time paused)."""
    authorize(actor, Action.TICKET_WORK)
    _choice("priority", priority, TicketPriority.values)
    with transaction.atomic():
        ticket = _locked(ticket)
        if ticket.priority == priority:
            return ticket
        before = ticket.priority
        policy = policy_for(kind=ticket.kind, priority=priority)
        ticket.priority = priority
        ticket.first_response_minutes = policy.first_response_minutes
        ticket.resolution_minutes = policy.resolution_minutes
        _dues_set(ticket)
        ticket.updated_at = timezone.now()
        ticket.save()
        audit_record(
            actor=actor,
            action="ticket.priority_changed",
            target=ticket,
            data={"from": before, "to": priority},
        )
    return ticket


def ticket_category_set(*, actor, ticket: Ticket, category: str) -> Ticket:
    authorize(actor, Action.TICKET_WORK)
    category = _category(category)
    with transaction.atomic():
        ticket = _locked(ticket)
        ticket.category = category
        ticket.updated_at = timezone.now()
        ticket.save(update_fields=["category", "updated_at"])
        audit_record(
            actor=actor, action="ticket.category_changed", target=ticket, data={"to": category}
        )
    return ticket


# -- helpers ------------------------------------------------------------------------------


def _clock(ticket: Ticket):
    from clientela.support.models import BusinessCalendar

    calendar = (
        BusinessCalendar.objects.filter(pk=ticket.calendar_id).first()
        if ticket.calendar_id
        else None
    )
    return calendar_clock(calendar or calendar_default())


def _dues_set(ticket: Ticket) -> None:
    clock = calendar_clock(ticket.calendar) if ticket.calendar else _clock(ticket)
    ticket.first_response_due = business_add(
        ticket.created_at, timedelta(minutes=ticket.first_response_minutes), clock
    )
    ticket.resolution_due = business_add(
        ticket.created_at,
        timedelta(minutes=ticket.resolution_minutes, seconds=ticket.paused_seconds),
        clock,
    )


def _locked(ticket: Ticket) -> Ticket:
    return (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("party", "calendar")
        .get(pk=ticket.pk)
    )


def _text(field: str, value, limit: int, *, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise validation_error(field, _("must be text"))
    value = value.strip()
    if "\x00" in value:
        raise validation_error(field, _("must not contain the NUL character"))
    if required and not value:
        raise validation_error(field, _("is required"))
    if len(value) > limit:
        raise validation_error(field, _("is too long (at most %(n)s characters)") % {"n": limit})
    return value


def _choice(field: str, value, choices) -> None:
    if value not in choices:
        raise validation_error(
            field, _("must be one of %(choices)s") % {"choices": ", ".join(choices)}
        )


def _category(value) -> str:
    from clientela.support.setup import categories_list

    value = (value or "").strip() if isinstance(value, str) else value
    if not value:
        return ""
    keys = [c.key for c in categories_list()]
    _choice("category", value, keys)
    return value


def _moment(field: str, value: datetime | None) -> datetime:
    now = timezone.now()
    if value is None:
        return now
    if timezone.is_naive(value):
        raise validation_error(field, _("needs a time zone"))
    if value > now + timedelta(minutes=5):
        raise validation_error(field, _("cannot be in the future"))
    return value
