"""Rewards: the forms of the desk pages (parsing only; the services decide)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from clientela.rewards.models import RewardKind


class DateInput(forms.DateInput):
    input_type = "date"

    def format_value(self, value):
        return value.isoformat() if hasattr(value, "isoformat") else (value or "")


class RewardForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=RewardKind.choices)
    points_cost = forms.IntegerField(label=_("Points"), min_value=1, max_value=100_000_000)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    stock = forms.IntegerField(
        label=_("Stock"), min_value=0, required=False, help_text=_("Empty: unlimited.")
    )
    is_active = forms.BooleanField(label=_("Active"), required=False)
    valid_from = forms.DateField(label=_("Available from"), required=False, widget=DateInput)
    valid_to = forms.DateField(label=_("Available until"), required=False, widget=DateInput)
    coupon_kind = forms.ChoiceField(
        label=_("Coupon kind"), required=False,
        choices=[("", "—"), ("percent", _("Percentage")), ("fixed", _("Fixed amount"))],
        help_text=_("Discount rewards: the personal coupon they issue."),
    )  # fmt: skip
    coupon_value = forms.DecimalField(
        label=_("Coupon value"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    coupon_valid_days = forms.IntegerField(
        label=_("Coupon valid for (days)"), min_value=1, max_value=3660, initial=30
    )


class RedeemForm(forms.Form):
    reward = forms.CharField(max_length=40)
    note = forms.CharField(max_length=500, required=False)


class CancelForm(forms.Form):
    note = forms.CharField(max_length=500, required=False)
