"""Check-ins: the desk queue, logging a check-in inline (htmx), and the cadence form of the
party card. Thin: parse, call the services and selectors, render."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from clientela.accounts.models import Role
from clientela.checkins import selectors, services
from clientela.checkins.models import CheckinChannel
from clientela.web.forms import parse
from clientela.web.views.common import safe_next

WEEK = 7
# Roles that may log a check-in on every client they see in the queue (account managers
# only ever see their own clients there); the service checks again.
_LOGGING_ROLES = {Role.ADMIN, Role.MANAGER, Role.ACCOUNT_MANAGER, Role.SUPPORT_AGENT}


class CheckinForm(forms.Form):
    channel = forms.ChoiceField(choices=CheckinChannel.choices, label=gettext_lazy("Channel"))
    note = forms.CharField(required=False, max_length=10000, label=gettext_lazy("Note"))


class CadenceForm(forms.Form):
    every_days = forms.IntegerField(min_value=1, max_value=366, label=gettext_lazy("Every (days)"))
    channel = forms.ChoiceField(choices=CheckinChannel.choices, label=gettext_lazy("Channel"))
    is_active = forms.BooleanField(required=False, label=gettext_lazy("Active"))


@require_GET
def queue(request):
    """Overdue check-ins and those due this week, per account manager: account managers see
    their own clients; everyone else chooses one account manager or all of them."""
    from clientela.accounts.selectors import user_list_account_managers

    user = request.user
    owners = list(user_list_account_managers())
    if user.role == Role.ACCOUNT_MANAGER:
        owner, chosen = user, user.username
    else:
        chosen = request.GET.get("owner", "")
        owner = next((u for u in owners if u.username == chosen), None)
        chosen = owner.username if owner else ""
    today = timezone.localdate()
    rows = selectors.checkins_due(
        owner_id=owner.pk if owner else None, today=today, within_days=WEEK
    )
    names = {u.pk: str(u) for u in owners}
    context = {
        "overdue": [r for r in rows if r.days_overdue > 0],
        "due_soon": [r for r in rows if r.days_overdue <= 0],
        "owners": owners,
        "owner_names": names,
        "chosen": chosen,
        "show_owner": owner is None,
        "may_choose": user.role != Role.ACCOUNT_MANAGER,
        "may_log": user.role in _LOGGING_ROLES,
        "channels": CheckinChannel.choices,
        "today": today,
        "now": timezone.now(),
    }
    return render(request, "checkins/queue.html", context)


@require_POST
def log(request, public_id: str):
    """Log a check-in. From the queue (htmx): answer the row again, or nothing (the row
    goes) when the new due date is beyond this week. Otherwise redirect back."""
    from clientela.parties.selectors import relationship_get

    relationship = relationship_get(public_id=public_id)
    data = parse(CheckinForm(request.POST))
    services.checkin_log(
        actor=request.user, relationship=relationship, channel=data["channel"], note=data["note"]
    )
    today = timezone.localdate()
    status = selectors.checkin_status(relationship_id=relationship.pk, today=today)
    if getattr(request, "htmx", False):
        if status is None or status.due_on > today + timedelta(days=WEEK):
            response = HttpResponse("")
        else:
            response = render(
                request,
                "checkins/_row.html",
                {
                    "row": status,
                    "may_log": True,
                    "show_owner": request.POST.get("show_owner") == "1",
                    "owner_names": {},
                    "channels": CheckinChannel.choices,
                    "now": timezone.now(),
                },
            )
        response["HX-Trigger"] = "checkins:logged"
        return response
    messages.success(request, _("The check-in is logged."))
    return redirect(safe_next(request, reverse("checkins:queue")))


@require_POST
def cadence(request, public_id: str):
    """Create or change a client's cadence from the party card."""
    from clientela.parties.selectors import relationship_get

    relationship = relationship_get(public_id=public_id)
    data = parse(CadenceForm(request.POST))
    services.cadence_set(
        actor=request.user,
        relationship=relationship,
        every_days=data["every_days"],
        channel=data["channel"],
        is_active=data["is_active"],
    )
    messages.success(request, _("The check-in cadence is saved."))
    return redirect(safe_next(request, reverse("web:party", args=[relationship.party.public_id])))
