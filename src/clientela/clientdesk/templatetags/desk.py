"""`{% desk_nav %}`: the client desk's sub-navigation, shared by every desk page."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

register = template.Library()

# (url name, label). Every desk page includes the same bar, so a person moves between the
# morning list and the tools it points at without going back to the main navigation.
DESK_PAGES = [
    ("clientdesk:morning", _("Morning list")),
    ("clientdesk:workload", _("Workload")),
    ("contracts:list", _("Contracts")),
    ("onboarding:plans", _("Onboarding")),
    ("checkins:queue", _("Check-ins")),
    ("reviews:list", _("Reviews")),
    ("booking:list", _("Bookings")),
]


@register.inclusion_tag("clientdesk/_subnav.html", takes_context=True)
def desk_nav(context):
    """The bar's links; the current one is marked: the exact page for the desk's own pages,
    any page of the app for the others (a contract's page keeps "Contracts" marked)."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    namespace = match.namespace if match else ""
    current = f"{namespace}:{match.url_name}" if match else ""
    links = []
    for name, label in DESK_PAGES:
        app = name.split(":", 1)[0]
        active = name == current or (app == namespace and app != "clientdesk")
        links.append({"url": reverse(name), "label": label, "active": active})
    return {"links": links}


@register.filter
def get_item(mapping, key):
    """`mapping[key]`, or None (for dicts keyed by ids in the desk's templates)."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None
