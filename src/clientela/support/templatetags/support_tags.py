"""Support template helpers: business minutes as "2 h 05 min"."""

from __future__ import annotations

from django import template

from clientela.support.selectors import format_minutes

register = template.Library()


@register.filter
def business_minutes(value) -> str:
    """Business minutes (float) as hours and minutes, without the sign."""
    if value is None:
        return ""
    return format_minutes(abs(value))
