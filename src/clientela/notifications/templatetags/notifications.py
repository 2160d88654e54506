"""`{% notification_bell %}`: the top bar's bell with the unread count, linking to
/notifications/ (one COUNT query on an indexed column per page)."""

from __future__ import annotations

from django import template

from clientela.notifications.selectors import notification_unread_count

register = template.Library()


@register.inclusion_tag("notifications/_bell.html", takes_context=True)
def notification_bell(context):
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return {"unread": notification_unread_count(user=user) if user is not None else 0}


@register.simple_tag
def email_overview():
    """What the settings page's email section shows (see `selectors.email_overview`)."""
    from clientela.notifications.selectors import email_overview as overview

    return overview()
