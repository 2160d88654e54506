"""The customer desk's own pages: the overview, the retention view and the settings."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from clientela.accounts.permissions import Action, is_allowed
from clientela.core.errors import validation_error
from clientela.customerdesk import charts, retention, selectors
from clientela.customerdesk.settings import (
    DEFAULTS,
    customer_desk_settings_get,
    customer_desk_settings_update,
)


@require_GET
def overview(request):
    from clientela.journeys.selectors import journey_stage_counts

    now = timezone.now()
    months = selectors.month_starts(now=now, months=12)
    stages = journey_stage_counts()["customer"]
    context = {
        "tiles": selectors.customer_desk_overview(now=now),
        "mix_chart": charts.channel_mix_chart(
            rows=selectors.channel_mix(now=now, months=12), months=months
        ),
        "sales": selectors.orders_by_sales_channel(now=now),
        "stages": stages,
        "stages_max": max([s.count for s in stages] + [1]),
        "stages_total": sum(s.count for s in stages),
    }
    return render(request, "customerdesk/overview.html", context)


LAPSING_PAGE = 25


@require_GET
def retention_page(request):
    from clientela.api.pagination import decode_cursor, encode_cursor

    now = timezone.now()
    settings = customer_desk_settings_get()
    after = None
    cursor = request.GET.get("after", "")
    if cursor:
        spent, pid = decode_cursor(cursor, "cd-lapsing", [Decimal, int])
        after = (spent, pid)
    rate = retention.repeat_rate(now=now)
    page = retention.lapsing_customers(now=now, limit=LAPSING_PAGE, after=after, settings=settings)
    context = {
        "rate": rate,
        "rate_pct": round(rate.rate * 100) if rate.rate is not None else None,
        "rate_chart": charts.repeat_rate_chart(cohorts=rate.cohorts),
        "bands": retention.p_alive_bands(settings=settings),
        "lapsing": page,
        "next_cursor": encode_cursor("cd-lapsing", list(page.next_after))
        if page.next_after
        else None,
        "settings": settings,
        "may_coupon": is_allowed(request.user, Action.COUPON_MANAGE),
    }
    return render(request, "customerdesk/retention.html", context)


# key -> (label, help)
LABELS = {
    "auto_stage_moves": (
        gettext_lazy("Move customer journeys from purchases"),
        gettext_lazy(
            "A paid order moves a customer to purchase (first purchase) and on to retention "
            "(a repeat purchase within the window). Clients are never moved."
        ),
    ),
    "repeat_window_days": (
        gettext_lazy("Repeat window (days)"),
        gettext_lazy("A purchase this soon after an earlier one is a repeat purchase."),
    ),
    "lapsing_after_days": (
        gettext_lazy("Lapsing after (days)"),
        gettext_lazy("A customer without a purchase for this long is listed as lapsing."),
    ),
    "p_alive_at_risk_below": (
        gettext_lazy("At risk below P(alive)"),
        gettext_lazy("Customers whose P(alive) is below this are at risk (and lapsing)."),
    ),
    "p_alive_watch_below": (
        gettext_lazy("Watch below P(alive)"),
        gettext_lazy("Customers between the two values are to watch; above, healthy."),
    ),
}


@require_http_methods(["GET", "POST"])
def settings_page(request):
    if request.method == "POST":
        customer_desk_settings_update(actor=request.user, **_from_post(request.POST))
        messages.success(request, _("The customer desk settings are saved."))
        return redirect(reverse("customerdesk:settings"))
    current = customer_desk_settings_get()
    rows = []
    for key, default in DEFAULTS.items():
        label, help_text = LABELS[key]
        kind = "bool" if isinstance(default, bool) else "int" if isinstance(default, int) else "p"
        rows.append(
            {
                "key": key,
                "label": label,
                "help": help_text,
                "kind": kind,
                "value": current[key],
                "default": default,
            }
        )
    context = {"rows": rows, "may_change": is_allowed(request.user, Action.SETTINGS_MANAGE)}
    return render(request, "customerdesk/settings.html", context)


def _from_post(post) -> dict:
    """Checkbox absent means off; numbers must be numbers (the service checks ranges)."""
    values = {}
    for key, default in DEFAULTS.items():
        if isinstance(default, bool):
            values[key] = post.get(key) == "on"
            continue
        raw = (post.get(key) or "").strip()
        if not raw:
            continue
        try:
            values[key] = int(raw) if isinstance(default, int) else float(raw)
        except ValueError as exc:
            problem = (
                _("must be a whole number") if isinstance(default, int) else _("must be a number")
            )
            raise validation_error(key, problem) from exc
    return values
