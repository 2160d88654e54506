"""E-mail in: a parsed message (posted by the mail gateway) becomes a ticket or a reply.

Guarantees:
- idempotent on `message_id`: a message already stored (a retried post) creates nothing and
  answers the ticket it went to;
- a reply to a known ticket (its reference "[TKT-n]" in the subject, or `in_reply_to` /
  `references` naming the Message-ID of a stored message) joins that ticket and opens it
  again when it was pending, resolved or closed, but only when the sender belongs to it
  (an earlier message of the ticket came from the same address, or the address is one of
  the ticket's party's): ticket numbers are sequential, so a stranger quoting one opens a
  ticket of their own instead of writing into someone else's;
- otherwise a new ticket (channel email, normal priority) for the sender, matched by e-mail
  address (`parties.selectors.party_find_by_email`) or created as a new party without a
  relationship (the system creates it: the sender is not staff);
- bad input is a VALIDATION error naming the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from clientela.accounts.permissions import Action, authorize
from clientela.core.errors import validation_error
from clientela.support.models import Ticket, TicketChannel, TicketMessage
from clientela.support.services import (
    ticket_create,
    ticket_customer_message,
    ticket_requester_find_or_create,
)

REFERENCE = re.compile(r"\[TKT-(\d{1,9})\]", re.IGNORECASE)
MESSAGE_ID = re.compile(r"<[^<>\s]+>")


@dataclass(frozen=True)
class EmailInResult:
    ticket: Ticket
    message: TicketMessage | None
    created_ticket: bool
    duplicate: bool


def email_receive(
    *,
    actor,
    from_email: str,
    from_name: str = "",
    to: str = "",
    subject: str = "",
    text: str = "",
    message_id: str,
    in_reply_to: str = "",
    references: str = "",
    received_at: datetime | None = None,
) -> EmailInResult:
    authorize(actor, Action.TICKET_WORK)
    address = (from_email or "").strip()
    try:
        validate_email(address)
    except ValidationError:
        raise validation_error("from", _("is not an e-mail address")) from None
    message_id = (message_id or "").strip()
    if not message_id or len(message_id) > 300:
        raise validation_error("message_id", _("is required (at most 300 characters)"))
    if not (text or "").strip():
        raise validation_error("text", _("the message has no text"))
    existing = _stored(message_id)
    if existing is not None:
        return EmailInResult(existing.ticket, existing, False, True)
    subject = (subject or "").strip() or _("(no subject)")
    try:
        with transaction.atomic():
            ticket = _thread(subject=subject, in_reply_to=in_reply_to, references=references)
            if ticket is not None and _belongs(ticket=ticket, address=address):
                message = ticket_customer_message(
                    actor=actor,
                    ticket=ticket,
                    body=text,
                    from_name=from_name,
                    from_email=address,
                    message_id=message_id,
                    at=received_at,
                )
                return EmailInResult(ticket, message, False, False)
            party = ticket_requester_find_or_create(actor=actor, email=address, name=from_name)
            ticket = ticket_create(
                actor=actor,
                party=party,
                subject=REFERENCE.sub("", subject).strip()[:300] or _("(no subject)"),
                body=text,
                channel=TicketChannel.EMAIL,
                at=received_at,
                message_id=message_id,
                from_name=from_name,
                from_email=address,
            )
            return EmailInResult(ticket, ticket.messages.first(), True, False)
    except IntegrityError:
        # the same message posted twice at once: the first one won
        existing = _stored(message_id)
        if existing is None:
            raise
        return EmailInResult(existing.ticket, existing, False, True)


def _stored(message_id: str) -> TicketMessage | None:
    return TicketMessage.objects.select_related("ticket").filter(message_id=message_id).first()


def _thread(*, subject: str, in_reply_to: str, references: str) -> Ticket | None:
    match = REFERENCE.search(subject)
    if match:
        ticket = Ticket.objects.filter(number=int(match.group(1))).first()
        if ticket is not None:
            return ticket
    ids = MESSAGE_ID.findall(f"{in_reply_to or ''} {references or ''}")
    ids += [s for s in (in_reply_to or "").split() if s and not s.startswith("<")]
    if ids:
        message = (
            TicketMessage.objects.select_related("ticket")
            .filter(message_id__in=ids[:100])
            .order_by("-at")
            .first()
        )
        if message is not None:
            return message.ticket
    return None


def _belongs(*, ticket: Ticket, address: str) -> bool:
    """True when `address` wrote to the ticket before or is one of its party's addresses."""
    from clientela.parties.selectors import party_find_by_email

    if ticket.messages.filter(from_customer=True, author_email__iexact=address).exists():
        return True
    party = party_find_by_email(email=address)
    return party is not None and party.pk == ticket.party_id
