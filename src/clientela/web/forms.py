"""Forms that parse and render the web UI's input. They hold no business rules: a view hands
the cleaned data to one service, which validates and decides. An invalid form becomes the
same ApplicationError (naming the field) that a service would raise, via `parse`."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from clientela.accounts.selectors import user_list_account_managers
from clientela.activities.models import ActivityKind, Direction
from clientela.core.errors import validation_error
from clientela.journeys.definitions import Stage
from clientela.parties.models import (
    AcquisitionChannel,
    ContactPointKind,
    PartyKind,
    RelationshipKind,
)

KIND_FILTER_CHOICES = [
    ("", _("Any kind")),
    ("client", _("Clients")),
    ("customer", _("Customers")),
    ("none", _("No relationship")),
]


def parse(form: forms.Form) -> dict:
    """The form's cleaned data, or a validation ApplicationError naming the first bad field."""
    if form.is_valid():
        return form.cleaned_data
    field, errors = next(iter(form.errors.items()))
    raise validation_error(field, str(errors[0]))


def attach_error(form: forms.Form, error) -> None:
    """Put an ApplicationError's field errors on the form's fields (the rest on the form),
    so a re-rendered form shows each problem next to what the user typed."""
    fields = error.extra.get("fields") or {"__all__": [error.message]}
    for name, problems in fields.items():
        target = name if name in form.fields else None
        for problem in problems:
            if target is None or problem not in form.errors.get(target, []):
                form.add_error(target, problem if target else f"{name}: {problem}")


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return str(obj)


def _owner_field(*, required: bool = False, empty_label=None) -> OwnerChoiceField:
    return OwnerChoiceField(
        queryset=user_list_account_managers(),
        required=required,
        empty_label=empty_label or _("Nobody"),
        label=_("Owner"),
    )


class DirectoryForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label=_("Search"))
    kind = forms.ChoiceField(required=False, choices=KIND_FILTER_CHOICES, label=_("Kind"))
    stage = forms.ChoiceField(
        required=False, choices=[("", _("Any stage")), *Stage.choices], label=_("Stage")
    )
    owner = _owner_field(empty_label=_("Any owner"))
    tag = forms.CharField(required=False, max_length=60, label=_("Tag"))
    cursor = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(choices=ActivityKind.choices, label=_("Kind"))
    direction = forms.ChoiceField(
        choices=Direction.choices, initial=Direction.OUTBOUND, label=_("Direction")
    )
    subject = forms.CharField(required=False, max_length=200, label=_("Subject"))
    body = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_("Notes")
    )


class MoveForm(forms.Form):
    to_stage = forms.ChoiceField(choices=Stage.choices, label=_("Move to"))
    reason = forms.CharField(required=False, max_length=500, label=_("Reason"))


class ConvertForm(forms.Form):
    owner = _owner_field()
    stage = forms.ChoiceField(
        required=False, choices=[("", _("Default stage")), *Stage.choices], label=_("Stage")
    )
    reason = forms.CharField(max_length=300, label=_("Reason"))


class AssignOwnerForm(forms.Form):
    owner = _owner_field()


class TagsForm(forms.Form):
    tags = forms.CharField(
        required=False,
        max_length=1000,
        label=_("Tags"),
        help_text=_("Separate tags with commas."),
    )

    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.cleaned_data["tags"].split(",") if t.strip()]


class ConsentForm(forms.Form):
    consent = forms.TypedChoiceField(
        choices=[("yes", _("Consent given")), ("no", _("Consent withdrawn"))],
        coerce=lambda value: value == "yes",
        label=_("Marketing consent"),
    )
    source = forms.CharField(max_length=100, label=_("Source"))


class ContactPointForm(forms.Form):
    kind = forms.ChoiceField(choices=ContactPointKind.choices, label=_("Kind"))
    value = forms.CharField(max_length=300, label=_("Value"))
    label = forms.CharField(required=False, max_length=40, label=_("Label"))
    primary = forms.BooleanField(required=False, label=_("Primary"))


class PartyCreateForm(forms.Form):
    kind = forms.ChoiceField(choices=PartyKind.choices, initial=PartyKind.PERSON, label=_("Kind"))
    given_name = forms.CharField(required=False, max_length=100, label=_("Given name"))
    family_name = forms.CharField(required=False, max_length=100, label=_("Family name"))
    organisation_name = forms.CharField(
        required=False, max_length=200, label=_("Organisation name")
    )
    email = forms.CharField(required=False, max_length=300, label=_("Email"))
    phone = forms.CharField(required=False, max_length=60, label=_("Phone"))
    relationship_kind = forms.ChoiceField(
        required=False,
        choices=[("", _("No relationship yet")), *RelationshipKind.choices],
        label=_("Relationship"),
    )
    acquisition_channel = forms.ChoiceField(
        choices=AcquisitionChannel.choices,
        initial=AcquisitionChannel.OTHER,
        label=_("Acquisition channel"),
    )
    owner = _owner_field()
    stage = forms.ChoiceField(
        required=False, choices=[("", _("Awareness (default)")), *Stage.choices], label=_("Stage")
    )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES, label=_("Language"))
