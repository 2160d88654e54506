"""Template filters of the loyalty pages."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def plain(value) -> str:
    """A decimal without trailing zeros and never in exponent form: 1.100 -> 1.1, 2.000 -> 2."""
    if not isinstance(value, Decimal):
        return "" if value is None else str(value)
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
