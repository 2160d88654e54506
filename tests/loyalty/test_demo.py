from collections import Counter
from datetime import UTC, datetime

import pytest
from django.db.models import Sum

from clientela.demo import demo_load
from clientela.loyalty.demo import demo_load as loyalty_demo_load
from clientela.loyalty.models import EntryKind, LoyaltyAccount, PointsEntry
from clientela.loyalty.selectors import loyalty_overview, programme_get

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 10, 31, tzinfo=UTC)  # the end of the demo history


def _lots_match_balances() -> bool:
    lots = dict(
        PointsEntry.objects.filter(remaining__gt=0)
        .values("account_id")
        .annotate(t=Sum("remaining"))
        .values_list("account_id", "t")
    )
    return all(lots.get(a, 0) == b for a, b in LoyaltyAccount.objects.values_list("id", "balance"))


def test_the_cafe_demo_has_members_with_every_kind_of_line_deterministically():
    demo_load(business="cafe", size="small", seed=42, desk=False)

    created = loyalty_demo_load(business="cafe", seed=42, now=NOW)

    assert created == 3 + 3 + 1 + 1018 + 6001 + 1978 + 83
    assert Counter(PointsEntry.objects.values_list("kind", flat=True)) == {
        "earn": 6001, "expire": 1978, "redeem": 83,
    }  # fmt: skip
    assert loyalty_overview(now=NOW) == {
        "members": 1018,
        "points_outstanding": 44110,
        "points_earned_30d": 5041,
        "points_redeemed_30d": 200,
        "tier_counts": {"Bean": 913, "Silver": 77, "Gold": 28},
    }
    assert (programme_get().active, programme_get().auto_enrol) == (True, True)
    assert _lots_match_balances()
    assert not PointsEntry.objects.filter(kind=EntryKind.EARN, points__lte=0).exists()
    # a second load adds nothing
    assert loyalty_demo_load(business="cafe", seed=42, now=NOW) == 0


def test_the_bank_demo_enrols_customers_only():
    demo_load(business="bank", size="small", seed=42, desk=False)

    created = loyalty_demo_load(business="bank", seed=42, now=NOW)

    assert created == 3 + 2 + 1 + 852 + 6150 + 2085 + 84
    assert Counter(PointsEntry.objects.values_list("kind", flat=True)) == {
        "earn": 6150, "expire": 2085, "redeem": 84,
    }  # fmt: skip
    assert loyalty_overview(now=NOW)["tier_counts"] == {
        "Classic": 707, "Premier": 110, "Private": 35,
    }  # fmt: skip
    assert not LoyaltyAccount.objects.exclude(party__current_kind="customer").exists()
    assert _lots_match_balances()


def test_the_agency_has_no_loyalty_programme():
    assert loyalty_demo_load(business="agency", seed=42, now=NOW) == 0
