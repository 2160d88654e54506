from datetime import UTC, datetime
from decimal import Decimal

import pytest

from clientela.coupons.demo import demo_load as coupons_demo_load
from clientela.coupons.models import Coupon, CouponBatch, CouponRedemption
from clientela.coupons.selectors import coupon_batch_report, coupon_overview
from clientela.demo import demo_load

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 10, 31, tzinfo=UTC)  # the end of the demo history


def _reports():
    return [
        (b.name, r.codes_issued, r.codes_used, r.redemptions, r.discount_total)
        for b in CouponBatch.objects.filter(party__isnull=True).order_by("id")
        for r in [coupon_batch_report(batch=b)]
    ]


def test_the_cafe_gets_a_used_up_batch_a_running_one_and_personal_coupons():
    demo_load(business="cafe", size="small", seed=42, desk=False)

    created = coupons_demo_load(business="cafe", seed=42, now=NOW)

    assert created == 434
    assert _reports() == [
        ("Summer iced coffee −20%", 40, 40, 40, Decimal("62.10")),
        ("Autumn pastry 2 € off", 300, 36, 36, Decimal("72.00")),
    ]
    assert CouponBatch.objects.filter(party__isnull=False).count() == 8
    assert CouponRedemption.objects.count() == 76
    assert all(r.order.payer_id == r.party_id for r in CouponRedemption.objects.all())
    assert coupon_overview(now=NOW) == {
        "active_codes": 272, "redemptions_30d": 36, "discount_30d": Decimal("72.00"),
    }  # fmt: skip
    # a second load adds nothing
    assert coupons_demo_load(business="cafe", seed=42, now=NOW) == 0
    assert Coupon.objects.count() == 348


def test_the_bank_gets_a_multi_use_code_and_the_agency_nothing():
    demo_load(business="bank", size="small", seed=42, desk=False)

    assert coupons_demo_load(business="bank", seed=42, now=NOW) == 98
    assert _reports() == [
        ("Welcome bonus 25 €", 30, 30, 30, Decimal("750.00")),
        ("Card spend 5% back", 1, 1, 24, Decimal("43.56")),
    ]
    assert coupons_demo_load(business="agency", seed=42, now=NOW) == 0
