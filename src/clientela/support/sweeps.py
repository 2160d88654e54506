"""Support: the SLA sweep (registered as "support.sla").

For every ticket still needing work and each target not yet done (first response until the
first public reply; resolution while new or open):
- a warning when the business minutes left reach 20% of the target (at least 15 minutes):
  to the assignee, or, unassigned, to every active support agent and manager;
- a breach notice when the due time has passed: to every active manager (admins when there
  is none). A ticket found already breached gets the breach notice only.
Exactly once per ticket, target and stage: an `SlaNotice` row (unique triple) is inserted
in the same transaction as the notifications, whose keys are deterministic
(`support-sla:<ticket>:<target>:<stage>:<user>`), so a second or concurrent sweep sends
nothing again.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from clientela.support.models import OPEN_STATUSES, SlaNotice, Ticket, TicketStatus
from clientela.support.selectors import AT_RISK, BREACHED, Clocks, format_minutes, ticket_sla

WARNING, BREACH = "warning", "breach"


def sla_sweep(*, now: datetime) -> int:
    """Send what is due at `now`; returns how many notifications this call sent."""
    from clientela.accounts.models import Role, User

    tickets = list(
        Ticket.objects.filter(status__in=OPEN_STATUSES)
        .select_related("party", "assignee")
        .order_by("id")
    )
    if not tickets:
        return 0
    sent_before = set(
        SlaNotice.objects.filter(ticket_id__in=[t.pk for t in tickets]).values_list(
            "ticket_id", "target", "stage"
        )
    )
    staff = list(
        User.objects.filter(is_active=True, role__in=[Role.MANAGER, Role.SUPPORT_AGENT, Role.ADMIN])
    )
    managers = [u for u in staff if u.role == Role.MANAGER] or [
        u for u in staff if u.role == Role.ADMIN
    ]
    desk = [u for u in staff if u.role in (Role.MANAGER, Role.SUPPORT_AGENT)]
    clocks = Clocks()
    sent = 0
    for ticket in tickets:
        sla = ticket_sla(ticket, now=now, clocks=clocks)
        targets = [sla.first_response]
        if ticket.status != TicketStatus.PENDING:
            targets.append(sla.resolution)
        for target in targets:
            if target.state == BREACHED:
                stage, recipients = BREACH, managers
            elif target.state == AT_RISK:
                stage = WARNING
                assignee = (
                    ticket.assignee if ticket.assignee and ticket.assignee.is_active else None
                )
                recipients = [assignee] if assignee else desk
            else:
                continue
            if (ticket.pk, target.target, stage) in sent_before:
                continue
            sent += _notify(
                ticket=ticket, target=target, stage=stage, recipients=recipients, now=now
            )
    return sent


def notice_key(*, ticket_id: int, target: str, stage: str, user_id: int) -> str:
    return f"support-sla:{ticket_id}:{target}:{stage}:{user_id}"


def _notify(*, ticket, target, stage, recipients, now) -> int:
    from clientela.notifications.services import notification_send

    names = {"first_response": _("first response"), "resolution": _("resolution")}
    link = reverse("support:ticket", args=[ticket.public_id])
    try:
        with transaction.atomic():
            SlaNotice.objects.create(ticket=ticket, target=target.target, stage=stage, sent_at=now)
            if stage == BREACH:
                # a breach found first also closes the warning for this target
                SlaNotice.objects.get_or_create(
                    ticket=ticket, target=target.target, stage=WARNING, defaults={"sent_at": now}
                )
            count = 0
            values = {
                "ref": ticket.reference,
                "subject": ticket.subject,
                "party": ticket.party.display_name,
                "target": names[target.target],
                "left": format_minutes(target.minutes_left),
            }
            for user in recipients:
                if stage == BREACH:
                    subject = _("SLA breached: %(ref)s %(target)s") % values
                    body = _("%(ref)s (%(subject)s) for %(party)s missed its %(target)s target.")
                else:
                    subject = _("SLA at risk: %(ref)s %(target)s") % values
                    body = _(
                        "%(ref)s (%(subject)s) for %(party)s: %(left)s of business time left "
                        "for the %(target)s."
                    )
                notification_send(
                    key=notice_key(
                        ticket_id=ticket.pk, target=target.target, stage=stage, user_id=user.pk
                    ),
                    kind=f"support_sla_{stage}",
                    subject=subject,
                    body=body % values,
                    user=user,
                    link=link,
                )
                count += 1
    except IntegrityError:
        return 0  # another sweep sent it first
    return count
