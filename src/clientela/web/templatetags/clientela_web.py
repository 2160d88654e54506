"""Presentation helpers for the web templates (no business rules)."""

from __future__ import annotations

from django import template
from django.utils import timezone

from clientela.journeys.definitions import stage_label

register = template.Library()


@register.filter
def days_since(moment) -> int:
    """Whole days from `moment` to now (0 for today or a missing moment)."""
    if not moment:
        return 0
    return max((timezone.now() - moment).days, 0)


@register.filter
def stage_name(stage: str) -> str:
    """The translated label of a journey stage ("" stays "")."""
    return stage_label(stage) if stage else ""


@register.filter
def initials(name: str) -> str:
    parts = [p for p in str(name).split() if p]
    return "".join(p[0] for p in parts[:2]).upper() or "?"
