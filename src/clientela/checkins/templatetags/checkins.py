"""Small filters for the check-in templates."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def absolute(value: int) -> int:
    return abs(value)


@register.filter
def lookup(mapping: dict, key):
    return mapping.get(key) if mapping else None
