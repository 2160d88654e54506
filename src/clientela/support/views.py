"""Support pages: the queue, a ticket, a new ticket, SLA settings and reports. Thin: parse,
call the services and selectors, render. Errors from the services come back as messages
(the middleware redirects a failed POST to the page it came from)."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clientela.accounts.permissions import Action, is_allowed
from clientela.support import selectors, services, setup
from clientela.support.models import (
    TicketChannel,
    TicketKind,
    TicketPriority,
    TicketStatus,
)
from clientela.web.forms import parse

VIEWS = ("mine", "unassigned", "all")
QUEUE_LIMIT = 200


class ReplyForm(forms.Form):
    body = forms.CharField(max_length=50000, label=gettext_lazy("Message"))
    internal = forms.BooleanField(required=False)


class NewTicketForm(forms.Form):
    party = forms.CharField(required=False, max_length=40)
    email = forms.EmailField(required=False, label=gettext_lazy("Requester's e-mail"))
    name = forms.CharField(required=False, max_length=200, label=gettext_lazy("Name"))
    subject = forms.CharField(max_length=300, label=gettext_lazy("Subject"))
    body = forms.CharField(required=False, max_length=50000, label=gettext_lazy("Message"))
    channel = forms.ChoiceField(choices=TicketChannel.choices, label=gettext_lazy("Channel"))
    priority = forms.ChoiceField(choices=TicketPriority.choices, label=gettext_lazy("Priority"))
    category = forms.CharField(required=False, max_length=40, label=gettext_lazy("Category"))


@require_GET
def queue(request):
    """My tickets, the unassigned queue, or all; filtered by status, priority and kind;
    the most urgent first."""
    user = request.user
    view = request.GET.get("view", "")
    if view not in VIEWS:
        view = "mine" if selectors.queue_counts(user=user)["mine"] else "unassigned"
    status = request.GET.get("status", "active")
    if status not in ("active", "any", *TicketStatus.values):
        status = "active"
    priority = request.GET.get("priority", "")
    priority = priority if priority in TicketPriority.values else ""
    kind = request.GET.get("kind", "")
    kind = kind if kind in TicketKind.values else ""
    tickets = selectors.tickets_filtered(
        user=user, view=view, status=status, priority=priority, kind=kind
    ).order_by("-created_at")[:QUEUE_LIMIT]
    now = timezone.now()
    rows = selectors.tickets_with_sla(tickets, now=now)
    context = {
        "rows": rows,
        "view": view,
        "counts": selectors.queue_counts(user=user),
        "overview": selectors.support_overview(now=now),
        "status": status,
        "priority": priority,
        "kind": kind,
        "statuses": TicketStatus.choices,
        "priorities": TicketPriority.choices,
        "kinds": TicketKind.choices,
        "may_work": is_allowed(user, Action.TICKET_WORK),
        "may_configure": is_allowed(user, Action.SUPPORT_CONFIGURE),
        "limit": QUEUE_LIMIT,
        "now": now,
    }
    return render(request, "support/queue.html", context)


@require_GET
def ticket(request, public_id: str):
    from clientela.accounts.models import User

    item = selectors.ticket_get(public_id=public_id)
    now = timezone.now()
    sla = selectors.ticket_sla(item, now=now)
    workers = [
        u
        for u in User.objects.filter(is_active=True).order_by("first_name", "username")
        if is_allowed(u, Action.TICKET_WORK)
    ]
    context = {
        "ticket": item,
        "sla": sla,
        "conversation": list(selectors.ticket_messages(ticket=item)),
        "workers": workers,
        "statuses": TicketStatus.choices,
        "priorities": TicketPriority.choices,
        "categories": setup.categories_list(),
        "may_work": is_allowed(request.user, Action.TICKET_WORK),
        "party_email": item.party.contact_points.filter(kind="email")
        .order_by("-is_primary", "id")
        .values_list("value", flat=True)
        .first(),
        "now": now,
    }
    return render(request, "support/ticket.html", context)


def _back(item) -> str:
    return reverse("support:ticket", args=[item.public_id])


@require_POST
def reply(request, public_id: str):
    item = selectors.ticket_get(public_id=public_id)
    data = parse(ReplyForm(request.POST))
    services.ticket_reply(
        actor=request.user, ticket=item, body=data["body"], internal=data["internal"]
    )
    if data["internal"]:
        messages.success(request, _("The internal note is saved."))
    else:
        messages.success(request, _("The reply is sent."))
    return redirect(_back(item))


@require_POST
def update(request, public_id: str):
    """One change from the ticket page's side panel: take, assign, status or priority."""
    from clientela.accounts.selectors import user_get

    item = selectors.ticket_get(public_id=public_id)
    action = request.POST.get("action", "")
    if action == "take":
        services.ticket_take(actor=request.user, ticket=item)
        messages.success(request, _("The ticket is yours."))
    elif action == "assign":
        name = request.POST.get("assignee", "")
        assignee = user_get(username=name) if name else None
        services.ticket_assign(actor=request.user, ticket=item, assignee=assignee)
        messages.success(request, _("The assignee is changed."))
    elif action == "status":
        services.ticket_status_set(
            actor=request.user, ticket=item, status=request.POST.get("status", "")
        )
        messages.success(request, _("The status is changed."))
    elif action == "priority":
        services.ticket_priority_set(
            actor=request.user, ticket=item, priority=request.POST.get("priority", "")
        )
        messages.success(request, _("The priority is changed; the due times are recomputed."))
    elif action == "category":
        services.ticket_category_set(
            actor=request.user, ticket=item, category=request.POST.get("category", "")
        )
        messages.success(request, _("The category is changed."))
    else:
        messages.error(request, _("Unknown action."))
    return redirect(_back(item))


@require_http_methods(["GET", "POST"])
def new(request):
    """A new ticket: for a known party (`?party=<public id>`, from the party card) or for
    an e-mail address (found, or a new party)."""
    from clientela.parties.selectors import party_get

    party_id = request.GET.get("party") or request.POST.get("party") or ""
    party = party_get(public_id=party_id) if party_id else None
    if request.method == "POST":
        data = parse(NewTicketForm(request.POST))
        if party is None and not data["email"]:
            messages.error(request, _("Give the requester's e-mail address."))
            return redirect(reverse("support:new"))
        item = services.ticket_open(
            actor=request.user,
            party=party,
            email=data["email"],
            name=data["name"],
            subject=data["subject"],
            body=data["body"],
            channel=data["channel"],
            priority=data["priority"],
            category=data["category"],
        )
        messages.success(request, _("Ticket %(ref)s is open.") % {"ref": item.reference})
        return redirect(_back(item))
    context = {
        "party": party,
        "channels": TicketChannel.choices,
        "priorities": TicketPriority.choices,
        "categories": setup.categories_list(),
        "may_work": is_allowed(request.user, Action.TICKET_WORK),
    }
    return render(request, "support/new.html", context)


WEEKDAYS = (
    gettext_lazy("Monday"),
    gettext_lazy("Tuesday"),
    gettext_lazy("Wednesday"),
    gettext_lazy("Thursday"),
    gettext_lazy("Friday"),
    gettext_lazy("Saturday"),
    gettext_lazy("Sunday"),
)


@require_http_methods(["GET", "POST"])
def settings_page(request):
    """SLA policies grid, business hours and holidays, categories (SUPPORT_CONFIGURE to
    change; everyone reads)."""
    from clientela.support.models import SlaPolicy

    if request.method == "POST":
        _settings_save(request)
        return redirect(reverse("support:sla_settings"))
    setup.support_defaults_ensure()
    calendar = setup.calendar_default()
    policies = {(p.kind, p.priority): p for p in SlaPolicy.objects.all()}
    grid = [
        {
            "priority": value,
            "label": label,
            "cells": [
                {
                    "kind": kind,
                    "first": _hours(policies[(kind, value)].first_response_minutes),
                    "resolution": _hours(policies[(kind, value)].resolution_minutes),
                }
                for kind in TicketKind.values
            ],
        }
        for value, label in reversed(TicketPriority.choices)
    ]
    days = [
        {"key": str(i), "label": WEEKDAYS[i], "text": _hours_text(calendar.hours.get(str(i), []))}
        for i in range(7)
    ]
    context = {
        "grid": grid,
        "kinds": TicketKind.choices,
        "calendar": calendar,
        "days": days,
        "holidays_text": "\n".join(
            f"{h['date']} {h.get('name', '')}".strip() for h in calendar.holidays
        ),
        "categories_text": "\n".join(c.name for c in setup.categories_list()),
        "may_configure": is_allowed(request.user, Action.SUPPORT_CONFIGURE),
        "may_work": is_allowed(request.user, Action.TICKET_WORK),
    }
    return render(request, "support/settings.html", context)


def _hours(minutes: int) -> str:
    """Minutes as hours for the grid: 240 -> "4", 90 -> "1.5", 20 -> "0.33"."""
    return f"{minutes / 60:.2f}".rstrip("0").rstrip(".")


def _hours_text(intervals) -> str:
    return ", ".join(f"{a}-{b}" for a, b in intervals)


def _settings_save(request) -> None:
    from clientela.core.errors import validation_error

    part = request.POST.get("part")
    if part == "policies":
        targets = []
        for kind in TicketKind.values:
            for priority in TicketPriority.values:
                values = []
                for name in ("first", "resolution"):
                    raw = request.POST.get(f"{kind}-{priority}-{name}", "").strip()
                    try:
                        values.append(_minutes_from_hours(raw))
                    except ValueError:
                        raise validation_error(
                            f"{kind}.{priority}", _("give hours like 4 or 1.5")
                        ) from None
                targets.append({
                    "kind": kind, "priority": priority,
                    "first_response_minutes": values[0], "resolution_minutes": values[1],
                })  # fmt: skip
        setup.policies_set(actor=request.user, targets=targets)
        messages.success(request, _("The SLA targets are saved."))
    elif part == "calendar":
        hours = {}
        for day in range(7):
            raw = request.POST.get(f"day-{day}", "").strip()
            spans = []
            for chunk in filter(None, (c.strip() for c in raw.split(","))):
                start, sep, end = chunk.partition("-")
                if not sep:
                    raise validation_error(f"hours.{day}", _("write intervals like 09:00-17:00"))
                spans.append([start.strip(), end.strip()])
            hours[str(day)] = spans
        holidays = []
        for line in request.POST.get("holidays", "").splitlines():
            line = line.strip()
            if line:
                day, _sep, name = line.partition(" ")
                holidays.append({"date": day, "name": name.strip()})
        setup.calendar_set(
            actor=request.user,
            time_zone=request.POST.get("time_zone", "").strip(),
            hours=hours,
            holidays=holidays,
        )
        messages.success(request, _("The business hours are saved."))
    elif part == "categories":
        setup.categories_set(
            actor=request.user, names=request.POST.get("categories", "").splitlines()
        )
        messages.success(request, _("The categories are saved."))


def _minutes_from_hours(raw: str) -> int:
    hours = float(raw.replace(",", "."))
    if hours != hours or hours <= 0 or hours > 24 * 365:  # NaN, zero, absurd
        raise ValueError(raw)
    return max(1, round(hours * 60))


@require_GET
def reports(request):
    from clientela.support.charts import breaches_chart
    from clientela.support.reports import support_report

    today = timezone.localdate()
    try:
        end = date.fromisoformat(request.GET.get("to", "")) if request.GET.get("to") else today
        start = (
            date.fromisoformat(request.GET["from"])
            if request.GET.get("from")
            else end - timedelta(days=29)
        )
    except ValueError:
        end, start = today, today - timedelta(days=29)
    if start > end or (end - start).days > 366:
        end, start = today, today - timedelta(days=29)
    report = support_report(start=start, end=end, now=timezone.now())
    context = {
        "report": report,
        "first_response": selectors.format_minutes(report.median_first_response_minutes),
        "resolution": selectors.format_minutes(report.median_resolution_minutes),
        "first_pct": _pct(report.first_response_met_share),
        "resolution_pct": _pct(report.resolution_met_share),
        "chart": breaches_chart(rows=report.breaches),
        "breaches": [
            {
                **row,
                "kind_label": TicketKind(row["kind"]).label,
                "priority_label": TicketPriority(row["priority"]).label,
            }
            for row in report.breaches
        ],
        "max_category": max((r["tickets"] for r in report.by_category), default=0),
        "may_work": is_allowed(request.user, Action.TICKET_WORK),
    }
    return render(request, "support/reports.html", context)


def _pct(share):
    return None if share is None else round(share * 100)
