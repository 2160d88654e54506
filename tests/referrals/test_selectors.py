"""The reads other apps use: the radar's referrals per party and the overview."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from clientela.commerce.services import LineIn, order_record
from clientela.referrals.selectors import referral_overview, referrals_made_by_party
from clientela.referrals.services import programme_update, referral_claim, referral_code_ensure
from tests.factories import make_party

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 6, 30, tzinfo=UTC)


def _refer(referrer, name: str, *, days_ago: int, buys: bool):
    friend = make_party(given_name=name)
    code = referral_code_ensure(actor=None, party=referrer)[0].code
    at = NOW - timedelta(days=days_ago + 1)
    referral_claim(actor=None, code=code, referred_party=friend, at=at)
    if buys:
        order_record(
            actor=None, payer=friend, currency="EUR", placed_at=NOW - timedelta(days=days_ago),
            lines=[LineIn(description="x", unit_price=Decimal("30"))],
        )  # fmt: skip
    return friend


def test_referrals_made_and_the_overview_count_qualified_referrals():
    programme_update(actor=None, referrer_points=0, referred_points=0, window_days=60)
    ana, bea, cid = make_party(given_name="Ana"), make_party(given_name="Bea"), make_party()
    _refer(ana, "F1", days_ago=40, buys=True)
    _refer(ana, "F2", days_ago=10, buys=True)
    _refer(ana, "F3", days_ago=5, buys=False)
    _refer(bea, "F4", days_ago=3, buys=True)
    _refer(cid, "F5", days_ago=2, buys=False)

    assert referrals_made_by_party() == {ana.pk: 2, bea.pk: 1}
    assert referrals_made_by_party(party_ids=[bea.pk, cid.pk]) == {bea.pk: 1}
    assert referral_overview(now=NOW) == {"ambassadors": 2, "referred": 5, "qualified_30d": 2}
