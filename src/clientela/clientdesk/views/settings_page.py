"""The desk settings page: everyone reads, admins change (the service enforces it)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from clientela.accounts.permissions import Action, is_allowed
from clientela.clientdesk.settings import (
    DEFAULTS,
    desk_settings_get,
    desk_settings_update,
)
from clientela.clientdesk.views.common import channel_choices
from clientela.core.errors import validation_error

# key -> (label, help)
LABELS = {
    "guard_owner_for_onboarding": (
        gettext_lazy("Account manager before onboarding"),
        gettext_lazy("A client enters onboarding (and later stages) only with an account manager."),
    ),
    "guard_contract_for_purchase": (
        gettext_lazy("Signed contract before purchase"),
        gettext_lazy("A client enters purchase only with a signed or active contract."),
    ),
    "guard_onboarding_for_management": (
        gettext_lazy("Onboarding done before relationship management"),
        gettext_lazy(
            "A client enters relationship management only when its onboarding plan is complete."
        ),
    ),
    "restrict_contract_documents": (
        gettext_lazy("Restrict contract documents"),
        gettext_lazy(
            "Account managers see signed documents of their own clients only (owner or backup)."
        ),
    ),
    "checkin_every_days": (
        gettext_lazy("Check-in every (days)"),
        gettext_lazy("The check-in rhythm a new client gets."),
    ),
    "checkin_channel": (
        gettext_lazy("Check-in channel"),
        gettext_lazy("The preferred channel a new client gets."),
    ),
    "review_every_months": (
        gettext_lazy("Performance review every (months)"),
        gettext_lazy("The rhythm of performance reviews a new client gets."),
    ),
    "renewal_warning_days": (
        gettext_lazy("Renewal warning (days)"),
        gettext_lazy("How far ahead renewals reach the morning list and lower client health."),
    ),
    "booking_link_days": (
        gettext_lazy("Link validity (days)"),
        gettext_lazy("How long a signed booking or review link stays valid."),
    ),
}


def settings_rows(current: dict) -> list[dict]:
    rows = []
    for key, default in DEFAULTS.items():
        label, help_text = LABELS[key]
        kind = (
            "bool" if isinstance(default, bool) else "int" if isinstance(default, int) else "choice"
        )
        rows.append(
            {
                "key": key,
                "label": label,
                "help": help_text,
                "kind": kind,
                "value": current[key],
                "default": default,
                "choices": channel_choices() if kind == "choice" else (),
            }
        )
    return rows


@require_http_methods(["GET", "POST"])
def desk_settings(request):
    if request.method == "POST":
        desk_settings_update(actor=request.user, **_from_post(request.POST))
        messages.success(request, _("The client desk settings are saved."))
        return redirect(reverse("clientdesk:settings"))
    context = {
        "rows": settings_rows(desk_settings_get()),
        "may_change": is_allowed(request.user, Action.SETTINGS_MANAGE),
    }
    return render(request, "clientdesk/settings.html", context)


def _from_post(post) -> dict:
    """Checkboxes absent mean off; numbers must be whole numbers (the service checks ranges)."""
    values = {}
    for key, default in DEFAULTS.items():
        if isinstance(default, bool):
            values[key] = post.get(key) == "on"
        elif isinstance(default, int):
            raw = (post.get(key) or "").strip()
            if not raw:
                continue
            try:
                values[key] = int(raw)
            except ValueError as exc:
                raise validation_error(key, _("must be a whole number")) from exc
        elif post.get(key):
            values[key] = post.get(key)
    return values
