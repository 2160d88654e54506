"""The permission tests record orders as scaffolding (for the order services' own cases); the
customer desk's automatic journey moves would move their customers out of the stages the
journey cases start from, so they are switched off here. They have their own tests in
tests/customerdesk."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _no_automatic_stage_moves(db):
    from clientela.customerdesk.settings import customer_desk_settings_update

    customer_desk_settings_update(actor=None, auto_stage_moves=False)
