from collections import Counter
from datetime import UTC, datetime

import pytest

from clientela.demo import demo_load
from clientela.referrals.demo import demo_load as referrals_demo_load
from clientela.referrals.models import Referral, ReferralCode

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 10, 31, tzinfo=UTC)  # the end of the demo history


def _check_consistent():
    from clientela.commerce.models import Order

    for r in Referral.objects.select_related("order"):
        paid_before = Order.objects.filter(
            payer_id=r.referred_id, status="paid", placed_at__lt=r.referred_at
        )
        assert not paid_before.exists()
        if r.status == "qualified":
            first = Order.objects.filter(payer_id=r.referred_id, status="paid").order_by(
                "placed_at", "id"
            )[0]
            assert first.pk == r.order_id
            assert r.referred_at <= first.placed_at <= r.expires_at
        assert (
            Order.objects.filter(
                payer_id=r.referrer_id, status="paid", placed_at__lt=r.referred_at
            ).exists()
            or r.status != "qualified"
        )
    referrers = set(Referral.objects.values_list("referrer_id", flat=True))
    referred = set(Referral.objects.values_list("referred_id", flat=True))
    assert not referrers & referred  # no chains, so no loops


@pytest.mark.parametrize(
    "business, codes, statuses, points",
    [
        ("cafe", 22, {"qualified": 30, "pending": 6, "expired": 1}, 9000),
        ("bank", 14, {"qualified": 16, "pending": 4, "expired": 1}, 4800),
    ],
)
def test_the_demo_refers_customers_deterministically(business, codes, statuses, points):
    from django.db.models import Sum

    from clientela.loyalty.models import PointsEntry

    demo_load(business=business, size="small", seed=42, desk=False)

    created = referrals_demo_load(business=business, seed=42, now=NOW)

    assert created == codes + sum(statuses.values())
    assert ReferralCode.objects.count() == codes
    assert Counter(Referral.objects.values_list("status", flat=True)) == statuses
    assert (
        PointsEntry.objects.filter(key__startswith="credit:referral:").aggregate(n=Sum("points"))[
            "n"
        ]
        == points
    )
    _check_consistent()
    assert referrals_demo_load(business=business, seed=42, now=NOW) == 0


def test_the_agency_gets_no_referrals():
    assert referrals_demo_load(business="agency", seed=42, now=NOW) == 0
