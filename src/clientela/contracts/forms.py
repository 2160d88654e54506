"""Contracts: the forms of the desk pages (parsing only; the services decide)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from clientela.contracts.models import BillingRhythm, ContractStatus


class DateInput(forms.DateInput):
    input_type = "date"

    def format_value(self, value):
        return value.isoformat() if hasattr(value, "isoformat") else (value or "")


class ContractForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    value = forms.DecimalField(
        label=_("Value per period"), min_value=0, max_digits=14, decimal_places=2
    )
    currency = forms.CharField(label=_("Currency"), max_length=3, min_length=3)
    billing = forms.ChoiceField(label=_("Billing rhythm"), choices=BillingRhythm.choices)
    start_on = forms.DateField(label=_("Start"), widget=DateInput)
    end_on = forms.DateField(label=_("End"), required=False, widget=DateInput)
    renewal_on = forms.DateField(
        label=_("Renewal"),
        required=False,
        widget=DateInput,
        help_text=_("Empty: the end date."),
    )
    notice_days = forms.IntegerField(label=_("Notice (days)"), min_value=0, max_value=3650)
    exclusive = forms.BooleanField(label=_("Exclusive provider"), required=False)
    signatories = forms.MultipleChoiceField(
        label=_("Signatories"), required=False, widget=forms.CheckboxSelectMultiple
    )
    services = forms.MultipleChoiceField(
        label=_("Services"), required=False, widget=forms.CheckboxSelectMultiple
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, signatory_choices=(), service_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signatories"].choices = list(signatory_choices)
        self.fields["services"].choices = list(service_choices)


class AmendForm(ContractForm):
    note = forms.CharField(
        label=_("Why (amendment note)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TransitionForm(forms.Form):
    status = forms.ChoiceField(choices=ContractStatus.choices)
    reason = forms.CharField(required=False, max_length=500)


class DocumentForm(forms.Form):
    document = forms.FileField(label=_("Signed document"), required=False)
    note = forms.CharField(required=False, max_length=2000)


FILTER_RENEWING_DAYS = 60
