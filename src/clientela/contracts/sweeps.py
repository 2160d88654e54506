"""Contracts: the sweep that expires ended contracts and reminds of renewals.

Each run (every CLIENTELA_SWEEP_MINUTES, or `clientela desk sweep`):
1. every signed/active contract whose `end_on` has passed becomes `expired` (an amendment by
   the system with the note "expired");
2. the client's account manager is reminded once when a signed/active contract's renewal
   date comes within `renewal_warning_days` (desk setting), key
   `contract-renewal:{contract public id}:{renewal date}`;
3. and once when its notice deadline (renewal date minus `notice_days`) is reached, until the
   renewal date, key `contract-notice:{contract public id}:{deadline}`.
Exactly once even with two workers: a `ContractReminder` row (unique per contract, kind and
date) is inserted with the notification in one transaction; the second insert fails and
sends nothing. Changing a renewal date makes a new date, which is reminded again.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from clientela.contracts.models import BINDING, Contract, ContractReminder, ReminderKind
from clientela.notifications.sweeps import register


@register("contracts.renewals")
def contracts_sweep(*, now: dt.datetime) -> int:
    """Expire ended contracts, then send the due reminders; returns reminders sent."""
    from clientela.clientdesk.settings import desk_setting
    from clientela.contracts.selectors import contracts_to_expire
    from clientela.contracts.services import contract_expire

    today = timezone.localtime(now).date()
    for contract in contracts_to_expire(today=today):
        contract_expire(contract=contract, today=today)
    warning = dt.timedelta(days=int(desk_setting("renewal_warning_days")))
    sent = 0
    for contract, kind, on in _due(today=today, warning=warning):
        if _remind(contract=contract, kind=kind, on=on, now=now):
            sent += 1
    return sent


def _due(*, today: dt.date, warning: dt.timedelta):
    rows = (
        Contract.objects.filter(status__in=BINDING, relationship__owner__isnull=False)
        .exclude(renewal_on__isnull=True, end_on__isnull=True)
        .select_related("party", "relationship__owner")
        .order_by("id")
    )
    done = set(
        ContractReminder.objects.filter(contract__in=rows).values_list("contract_id", "kind", "on")
    )
    for contract in rows:
        renewal = contract.renewal_date
        if renewal is None or renewal < today or not contract.relationship.owner.is_active:
            continue
        if renewal - warning <= today and (contract.pk, ReminderKind.RENEWAL, renewal) not in done:
            yield contract, ReminderKind.RENEWAL, renewal
        deadline = contract.notice_deadline
        if deadline <= today and (contract.pk, ReminderKind.NOTICE, deadline) not in done:
            yield contract, ReminderKind.NOTICE, deadline


def reminder_key(*, contract: Contract, kind: str, on: dt.date) -> str:
    return f"contract-{kind}:{contract.public_id}:{on.isoformat()}"


def _remind(*, contract: Contract, kind: str, on: dt.date, now: dt.datetime) -> bool:
    from clientela.notifications.services import notification_send

    owner = contract.relationship.owner
    values = {
        "title": contract.title,
        "name": contract.party.display_name,
        "date": on.isoformat(),
        "renewal": contract.renewal_date.isoformat(),
    }
    try:
        with transaction.atomic():
            ContractReminder.objects.create(contract=contract, kind=kind, on=on, sent_at=now)
            with override(getattr(owner, "language", None) or None):
                if kind == ReminderKind.RENEWAL:
                    subject = _("Contract renewal on %(date)s: %(name)s") % values
                    body = (
                        _("The contract “%(title)s” with %(name)s renews on %(renewal)s.") % values
                    )
                else:
                    subject = _("Notice deadline on %(date)s: %(name)s") % values
                    body = (
                        _(
                            "The last day to give notice on the contract “%(title)s” with %(name)s "
                            "is %(date)s; it renews on %(renewal)s."
                        )
                        % values
                    )
            notification_send(
                key=reminder_key(contract=contract, kind=kind, on=on),
                kind=f"contract_{kind}",
                subject=subject,
                body=body,
                user=owner,
                link=reverse("contracts:detail", args=[contract.public_id]),
            )
    except IntegrityError:
        return False
    return True
