"""Loyalty: the members list, a member's statement and the actions on it (enrol, redeem,
cancel a redemption, adjust). Thin: parse, call the services and selectors, render; the
services check the rights again, the pages only hide what a role may not use."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from clientela.accounts.permissions import Action, is_allowed
from clientela.loyalty import selectors, services
from clientela.loyalty.models import EntryKind, PointsEntry
from clientela.web.forms import parse
from clientela.web.views.common import safe_next


class AdjustForm(forms.Form):
    points = forms.IntegerField(
        min_value=-(10**9), max_value=10**9, label=gettext_lazy("Points (+/-)")
    )
    note = forms.CharField(max_length=2000, label=gettext_lazy("Note"))


class RedeemForm(forms.Form):
    points = forms.IntegerField(min_value=1, max_value=10**9, label=gettext_lazy("Points"))
    reference = forms.CharField(max_length=120, label=gettext_lazy("For"))
    note = forms.CharField(required=False, max_length=2000, label=gettext_lazy("Note"))


@require_GET
def members(request):
    """Members in name order with their balance, tier, points earned in the window and
    next review; search by name, filter by tier."""
    q = request.GET.get("q", "").strip()[:100]
    tier = request.GET.get("tier", "").strip()[:40]
    now = timezone.now()
    rows, next_cursor = selectors.members_page(
        q=q, tier=tier, cursor=request.GET.get("cursor") or None, now=now
    )
    programme = selectors.programme_get()
    context = {
        "rows": rows,
        "next_cursor": next_cursor,
        "q": q,
        "tier": tier,
        "tiers": selectors.tiers_list(),
        "programme": programme,
        "overview": selectors.loyalty_overview(now=now),
        "may_configure": is_allowed(request.user, Action.LOYALTY_CONFIGURE),
        "now": now,
    }
    return render(request, "loyalty/members.html", context)


@require_GET
def statement(request, public_id: str):
    """A member's statement: balance, tier and progress, next review, points expiring in the
    next 30 days, and the ledger with the running balance."""
    from clientela.parties.selectors import party_get

    party = party_get(public_id=public_id)
    account = selectors.loyalty_account_get(party_id=party.pk)
    now = timezone.now()
    user = request.user
    context = {
        "party": party,
        "account": account,
        "programme": selectors.programme_get(),
        "may_enrol": is_allowed(user, Action.LOYALTY_REDEEM, party=party)
        or is_allowed(user, Action.LOYALTY_CONFIGURE, party=party),
        "may_adjust": is_allowed(user, Action.LOYALTY_ADJUST, party=party),
        "may_redeem": is_allowed(user, Action.LOYALTY_REDEEM, party=party),
        "now": now,
    }
    if account is not None:
        entries, next_cursor = selectors.statement_entries(
            account_id=account.pk, cursor=request.GET.get("cursor") or None
        )
        context.update(
            {
                "entries": entries,
                "next_cursor": next_cursor,
                "cancelled": selectors.cancelled_redemptions(
                    entry_ids=[e.pk for e in entries if e.kind == EntryKind.REDEEM]
                ),
                "progress": selectors.tier_progress(account=account, now=now),
                "expiring": selectors.points_expiring(account_id=account.pk, now=now),
            }
        )
    return render(request, "loyalty/statement.html", context)


def _party(public_id: str):
    from clientela.parties.selectors import party_get

    return party_get(public_id=public_id)


def _back(request, party) -> str:
    return safe_next(request, reverse("loyalty:statement", args=[party.public_id]))


@require_POST
def enrol(request, public_id: str):
    party = _party(public_id)
    services.loyalty_enrol(actor=request.user, party=party)
    messages.success(request, _("%(name)s is a loyalty member.") % {"name": party.display_name})
    return redirect(_back(request, party))


@require_POST
def adjust(request, public_id: str):
    party = _party(public_id)
    data = parse(AdjustForm(request.POST))
    services.points_adjust(
        actor=request.user, party=party, points=data["points"], note=data["note"]
    )
    messages.success(request, _("The points are adjusted."))
    return redirect(_back(request, party))


@require_POST
def redeem(request, public_id: str):
    party = _party(public_id)
    data = parse(RedeemForm(request.POST))
    services.points_redeem(
        actor=request.user,
        party=party,
        points=data["points"],
        reference=data["reference"],
        note=data["note"],
    )
    messages.success(request, _("The points are redeemed."))
    return redirect(_back(request, party))


@require_POST
def cancel_redemption(request, public_id: str):
    entry = get_object_or_404(
        PointsEntry.objects.select_related("account__party"),
        public_id=public_id,
        kind=EntryKind.REDEEM,
    )
    services.points_redemption_cancel(actor=request.user, entry=entry)
    messages.success(request, _("The redemption is cancelled and the points are back."))
    return redirect(_back(request, entry.account.party))
