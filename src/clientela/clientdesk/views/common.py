"""Helpers shared by the desk's views."""

from __future__ import annotations

from django.utils import timezone

from clientela.core.errors import validation_error


def today():
    """Today in the installation's time zone."""
    return timezone.localdate()


def staff_by_username(username: str, field: str = "owner"):
    """The active user able to own clients with this username, or a validation error."""
    from django.utils.translation import gettext as _

    from clientela.accounts.selectors import user_list_account_managers

    user = user_list_account_managers().filter(username=username).first()
    if user is None:
        raise validation_error(field, _("is not an active account manager"))
    return user


def channel_choices() -> list[tuple[str, str]]:
    """The check-in channels with their labels in the active language."""
    from django.utils.translation import gettext as _

    from clientela.clientdesk.settings import CHANNELS

    labels = {
        "call": _("Call"),
        "email": _("Email"),
        "virtual_meeting": _("Virtual meeting"),
        "in_person_meeting": _("In-person meeting"),
    }
    return [(c, labels.get(c, c)) for c in CHANNELS]
