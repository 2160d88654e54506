from __future__ import annotations

import pytest
from django.core.cache import cache

from clientela.demo import demo_load

BANK_PARTIES = 400


@pytest.fixture
def bank(db):
    """A small bank (clients and customers, paid, refunded and cancelled orders)."""
    return demo_load(business="bank", size="small", parties=BANK_PARTIES)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Chart SVGs are cached per run; runs' public ids are random, but keep tests apart."""
    cache.clear()
    yield
    cache.clear()
