"""`{% customer_desk_nav %}`: the customer desk's sub-navigation, shared by every page of
the customer desk (overview, retention, loyalty, coupons, referrals, support)."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

register = template.Library()

# (url name, label). The apps of the customer desk; a page of any of them keeps its
# app's link marked.
CUSTOMER_DESK_PAGES = [
    ("customerdesk:overview", _("Overview")),
    ("customerdesk:retention", _("Retention")),
    ("loyalty:members", _("Loyalty")),
    ("rewards:catalogue", _("Rewards")),
    ("coupons:list", _("Coupons")),
    ("referrals:leaderboard", _("Referrals")),
    ("support:queue", _("Support")),
]
CUSTOMER_DESK_APPS = ("customerdesk", "loyalty", "rewards", "coupons", "referrals", "support")


@register.inclusion_tag("customerdesk/_subnav.html", takes_context=True)
def customer_desk_nav(context):
    """The bar's links; the current one is marked: the exact page for the overview and
    retention, any page of the app for the others."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    namespace = match.namespace if match else ""
    current = f"{namespace}:{match.url_name}" if match else ""
    links = []
    for name, label in CUSTOMER_DESK_PAGES:
        app = name.split(":", 1)[0]
        active = name == current or (app == namespace and app != "customerdesk")
        links.append({"url": reverse(name), "label": label, "active": active})
    return {"links": links}
