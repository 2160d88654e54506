"""Loyalty: the programme page (settings, earning rules, campaigns, tiers). Everyone signed
in reads it; the forms show for LOYALTY_CONFIGURE and post to `loyalty.configure`."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from clientela.accounts.permissions import Action, is_allowed
from clientela.commerce.models import SalesChannel
from clientela.loyalty import configure, selectors
from clientela.loyalty.models import Campaign, EarningRule, RuleKind, Tier
from clientela.web.forms import parse

RATE = {"max_digits": 10, "decimal_places": 4, "min_value": Decimal("0")}
MULT = {"max_digits": 6, "decimal_places": 3, "min_value": Decimal("0")}


class ProgrammeForm(forms.Form):
    name = forms.CharField(max_length=120, label=gettext_lazy("Name"))
    currency = forms.CharField(max_length=3, min_length=3, label=gettext_lazy("Currency"))
    base_rate = forms.DecimalField(label=gettext_lazy("Points per currency unit"), **RATE)
    min_spend = forms.DecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal("0"), label=gettext_lazy("Minimum spend")
    )
    expiry_months = forms.IntegerField(
        min_value=0, max_value=120, label=gettext_lazy("Points expire after (months, 0 = never)")
    )
    tier_window_months = forms.IntegerField(
        min_value=1, max_value=60, label=gettext_lazy("Tier window (months)")
    )
    review_every_months = forms.IntegerField(
        min_value=1, max_value=60, label=gettext_lazy("Tier review every (months)")
    )
    auto_enrol = forms.BooleanField(required=False)
    active = forms.BooleanField(required=False)


class RuleForm(forms.Form):
    kind = forms.ChoiceField(choices=RuleKind.choices)
    category = forms.CharField(required=False, max_length=80)
    channel = forms.ChoiceField(required=False, choices=[("", "—"), *SalesChannel.choices])
    extra_per_unit = forms.DecimalField(required=False, **RATE)
    multiplier = forms.DecimalField(**MULT)


class CampaignForm(forms.Form):
    name = forms.CharField(max_length=120)
    starts_on = forms.DateField()
    ends_on = forms.DateField()
    multiplier = forms.DecimalField(**MULT)
    bonus_points = forms.IntegerField(min_value=0, max_value=10**7)
    category = forms.CharField(required=False, max_length=80)
    channel = forms.ChoiceField(required=False, choices=[("", "—"), *SalesChannel.choices])


class TierForm(forms.Form):
    name = forms.CharField(max_length=60)
    threshold = forms.IntegerField(min_value=0, max_value=10**9)
    position = forms.IntegerField(min_value=0, max_value=1000, required=False)
    multiplier = forms.DecimalField(**MULT)
    benefits = forms.CharField(required=False, max_length=2000)


@require_GET
def programme(request):
    from clientela.commerce.models import CatalogItem

    categories = sorted(
        {c for c in CatalogItem.objects.values_list("category", flat=True).distinct() if c}
    )
    context = {
        "programme": selectors.programme_get(),
        "rules": list(EarningRule.objects.all()),
        "campaigns": list(Campaign.objects.all()),
        "tiers": selectors.tiers_list(),
        "tier_counts": selectors.loyalty_overview(now=_now())["tier_counts"],
        "channels": SalesChannel.choices,
        "categories": categories,
        "may_configure": is_allowed(request.user, Action.LOYALTY_CONFIGURE),
    }
    return render(request, "loyalty/programme.html", context)


def _now():
    from django.utils import timezone

    return timezone.now()


def _back():
    return redirect(reverse("loyalty:programme"))


@require_POST
def programme_save(request):
    data = parse(ProgrammeForm(request.POST))
    configure.programme_update(actor=request.user, **data)
    messages.success(request, _("The programme is saved."))
    return _back()


@require_POST
def rule_add(request):
    data = parse(RuleForm(request.POST))
    if data.get("extra_per_unit") is None:
        data["extra_per_unit"] = Decimal("0")
    configure.rule_create(actor=request.user, **data)
    messages.success(request, _("The earning rule is added."))
    return _back()


@require_POST
def rule_delete(request, public_id: str):
    configure.rule_delete(
        actor=request.user, rule=get_object_or_404(EarningRule, public_id=public_id)
    )
    messages.success(request, _("The earning rule is deleted."))
    return _back()


@require_POST
def campaign_add(request):
    data = parse(CampaignForm(request.POST))
    configure.campaign_create(actor=request.user, **data)
    messages.success(request, _("The campaign is added."))
    return _back()


@require_POST
def campaign_delete(request, public_id: str):
    configure.campaign_delete(
        actor=request.user, campaign=get_object_or_404(Campaign, public_id=public_id)
    )
    messages.success(request, _("The campaign is deleted."))
    return _back()


@require_POST
def tier_add(request):
    data = parse(TierForm(request.POST))
    data["position"] = data.get("position") or 0
    configure.tier_create(actor=request.user, **data)
    messages.success(request, _("The tier is added."))
    return _back()


@require_POST
def tier_delete(request, public_id: str):
    configure.tier_delete(actor=request.user, tier=get_object_or_404(Tier, public_id=public_id))
    messages.success(request, _("The tier is deleted."))
    return _back()
