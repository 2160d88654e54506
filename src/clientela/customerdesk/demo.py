"""The customer desk in the demo: nothing of its own to add.

The base demo (clientela.demo) already gives every customer the journey its orders imply:
no order before purchase, the first paid order when it enters purchase, the second when it
enters retention, and the customer's touchpoints (web visits, social interactions,
campaign opens) on the timeline. The automatic stage moves (`stages.py`) therefore have
nothing to do on a freshly loaded demo (tests/customerdesk/test_demo.py checks it), and the
overview, the channel mix and the retention view read the base demo's rows as they are."""

from __future__ import annotations

from datetime import datetime


def demo_load(*, business: str, seed: int, now: datetime) -> int:
    """Rows created: always 0 (see the module docstring); idempotent by construction."""
    return 0
