"""Rewards: the catalogue pages and the party card's actions. Thin: parse, call a service
or selector, render. Every signed-in role reads the catalogue; creating and editing follow
LOYALTY_CONFIGURE, redeeming, fulfilling and cancelling LOYALTY_REDEEM."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clientela.accounts.permissions import Action, is_allowed
from clientela.core.errors import ApplicationError, ErrorCode
from clientela.rewards import selectors, services
from clientela.rewards.forms import CancelForm, RedeemForm, RewardForm
from clientela.rewards.models import RewardKind
from clientela.web.forms import attach_error, parse
from clientela.web.views.common import safe_next

_FORM_FIELDS = (
    "name", "kind", "points_cost", "description", "stock", "is_active", "valid_from",
    "valid_to", "coupon_kind", "coupon_value", "coupon_valid_days",
)  # fmt: skip


@require_GET
def catalogue(request):
    """The catalogue as a grid of cards, with the latest redemptions."""
    kind = request.GET.get("kind", "")
    kind = kind if kind in RewardKind.values else ""
    today = timezone.localdate()
    rewards = list(selectors.reward_list(kind=kind or None))
    for reward in rewards:
        reward.available = reward.available_on(today)
    context = {
        "rewards": rewards,
        "kinds": RewardKind.choices,
        "kind": kind,
        "recent": list(selectors.reward_redemption_list()[:10]),
        "may_configure": is_allowed(request.user, Action.LOYALTY_CONFIGURE),
        "may_redeem": is_allowed(request.user, Action.LOYALTY_REDEEM),
    }
    return render(request, "rewards/catalogue.html", context)


@require_http_methods(["GET", "POST"])
def reward_new(request):
    return _edit(request, None)


@require_http_methods(["GET", "POST"])
def reward_edit(request, public_id: str):
    return _edit(request, selectors.reward_get(public_id=public_id))


def _edit(request, reward):
    may_configure = is_allowed(request.user, Action.LOYALTY_CONFIGURE)
    status = 200
    if request.method == "POST" and may_configure:
        form = RewardForm(request.POST)
        try:
            data = parse(form)
            data["coupon_kind"] = data["coupon_kind"] or ""
            if reward is None:
                reward = services.reward_create(actor=request.user, **data)
                messages.success(request, _("The reward is in the catalogue."))
            else:
                # Stock left as shown is not sent: redemptions made while the form was open
                # took stock that a re-save of the old number would give back.
                if _as_text(data["stock"]) == request.POST.get("stock_shown", "").strip():
                    del data["stock"]
                services.reward_update(actor=request.user, reward=reward, **data)
                messages.success(request, _("The reward is saved."))
        except ApplicationError as error:
            if error.code != ErrorCode.VALIDATION:
                raise
            attach_error(form, error)
            status = 422
        else:
            return redirect(reverse("rewards:catalogue"))
    elif reward is not None:
        form = RewardForm(initial={name: getattr(reward, name) for name in _FORM_FIELDS})
    else:
        form = RewardForm(initial={"kind": "free_item", "is_active": True,
                                   "coupon_valid_days": 30})  # fmt: skip
    context = {"form": form, "reward": reward, "may_configure": may_configure}
    return render(request, "rewards/edit.html", context, status=status)


def _as_text(value) -> str:
    return "" if value is None else str(value)


@require_POST
def redeem(request, public_id: str):
    """Redeem a reward for the party `public_id` (from its card), back to its page."""
    from clientela.parties.selectors import party_get

    party = party_get(public_id=public_id)
    data = parse(RedeemForm(request.POST))
    reward = selectors.reward_get(public_id=data["reward"])
    redemption = services.reward_redeem(
        actor=request.user, party=party, reward=reward, note=data["note"]
    )
    text = _("%(reward)s redeemed for %(points)s points.") % {
        "reward": reward.name, "points": redemption.points,
    }  # fmt: skip
    if redemption.coupon_id:
        text += " " + _("Coupon %(code)s issued.") % {"code": redemption.coupon.code}
    messages.success(request, text)
    return redirect(safe_next(request, reverse("web:party", args=[party.public_id])))


@require_POST
def fulfil(request, public_id: str):
    redemption = selectors.reward_redemption_get(public_id=public_id)
    services.reward_redemption_fulfil(actor=request.user, redemption=redemption)
    messages.success(request, _("Marked as handed over."))
    return redirect(safe_next(request, reverse("web:party", args=[redemption.party.public_id])))


@require_POST
def cancel(request, public_id: str):
    redemption = selectors.reward_redemption_get(public_id=public_id)
    data = parse(CancelForm(request.POST))
    services.reward_redemption_cancel(actor=request.user, redemption=redemption, note=data["note"])
    messages.success(request, _("The redemption is cancelled: the points are back."))
    return redirect(safe_next(request, reverse("web:party", args=[redemption.party.public_id])))
