from collections import Counter
from datetime import UTC, datetime

import pytest

from clientela.clientdesk.demo import demo_load as desk_backups_load
from clientela.clientdesk.models import RelationshipBackup
from clientela.demo import demo_load

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 10, 31, tzinfo=UTC)  # the end of the demo history


def test_the_bank_demo_gets_backups_deterministically():
    demo_load(business="bank", size="small", seed=42, desk=False)
    created = desk_backups_load(business="bank", seed=42, now=NOW)
    rows = list(
        RelationshipBackup.objects.values_list("relationship__owner__username", "user__username")
    )
    assert created == len(rows) == 24
    assert all(owner != user for owner, user in rows)
    assert Counter(rows) == {
        ("elena.am", "javier.am"): 6,
        ("elena.am", "tomasz.am"): 4,
        ("javier.am", "elena.am"): 3,
        ("tomasz.am", "elena.am"): 7,
        ("tomasz.am", "javier.am"): 4,
    }
    assert desk_backups_load(business="bank", seed=42, now=NOW) == 0


def test_the_cafe_has_no_backups():
    assert desk_backups_load(business="cafe", seed=42, now=NOW) == 0


def test_the_demo_fills_every_desk_app_in_order():
    steps = []
    summary = demo_load(
        business="agency", size="small", seed=7, progress=lambda s, d, t: steps.append((s, d, t))
    )
    counts = summary.desk
    # The other apps' own demo tests check their counts; here: the order, and ours.
    assert counts["clientdesk"] == 15 == RelationshipBackup.objects.count()
    # The customer desk's overview has no rows of its own (it reads the other apps).
    # The agency serves clients only: the customer desk's apps load nothing for it (their
    # own demo tests check the café and the bank).
    customer_desk = ("customerdesk", "loyalty", "rewards", "coupons", "referrals", "support")
    assert {app: counts[app] for app in customer_desk} == dict.fromkeys(customer_desk, 0)
    assert all(counts[app] > 0 for app in counts if app not in customer_desk)
    assert list(counts) == [
        "contracts",
        "onboarding",
        "checkins",
        "reviews",
        "booking",
        "customerdesk",
        "loyalty",
        "rewards",
        "coupons",
        "referrals",
        "support",
        "notifications",
        "clientdesk",
    ]
    assert [s for s in steps if s[0] == "desks"] == [("desks", done, 13) for done in range(1, 14)]
