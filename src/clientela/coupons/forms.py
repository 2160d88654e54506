"""Coupons: the forms of the desk pages (parsing only; the services decide)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from clientela.coupons.models import CouponKind


class DateInput(forms.DateInput):
    input_type = "date"

    def format_value(self, value):
        return value.isoformat() if hasattr(value, "isoformat") else (value or "")


class BatchForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=CouponKind.choices)
    value = forms.DecimalField(
        label=_("Value"), min_value=0, max_digits=14, decimal_places=2,
        help_text=_("A percentage (up to 100) or an amount."),
    )  # fmt: skip
    currency = forms.CharField(
        label=_("Currency"), max_length=3, required=False, help_text=_("Fixed amounts only.")
    )
    min_spend = forms.DecimalField(
        label=_("Minimum spend"), min_value=0, max_digits=14, decimal_places=2, required=False
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput)
    valid_to = forms.DateField(
        label=_("Valid to"), widget=DateInput, required=False, help_text=_("Empty: no end.")
    )
    max_redemptions = forms.IntegerField(
        label=_("Uses per code"), min_value=1, required=False,
        help_text=_("1 = single use; empty = unlimited."),
    )  # fmt: skip
    per_customer_limit = forms.IntegerField(
        label=_("Uses per customer"), min_value=1, required=False,
        help_text=_("Over the whole batch; empty = unlimited."),
    )  # fmt: skip
    code_count = forms.IntegerField(label=_("Number of codes"), min_value=1, max_value=50000)
    prefix = forms.CharField(
        label=_("Code prefix"), max_length=12, required=False,
        help_text=_("Letters and digits, e.g. SPRING."),
    )  # fmt: skip
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class PersonalForm(forms.Form):
    party = forms.CharField(label=_("Customer"), max_length=40, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("Kind"), choices=CouponKind.choices)
    value = forms.DecimalField(label=_("Value"), min_value=0, max_digits=14, decimal_places=2)
    valid_days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=3660)
    min_spend = forms.DecimalField(
        label=_("Minimum spend"), min_value=0, max_digits=14, decimal_places=2, required=False
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class CounterForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40)
    party = forms.CharField(
        label=_("Customer"), max_length=300,
        help_text=_("The customer's email address or id."),
    )  # fmt: skip
    order_amount = forms.DecimalField(
        label=_("Order amount"), min_value=0, max_digits=14, decimal_places=2
    )
    key = forms.CharField(max_length=120, required=False, widget=forms.HiddenInput)
