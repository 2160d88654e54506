from datetime import UTC, date, datetime, timedelta

from clientela.commerce.services import order_set_status
from clientela.loyalty.configure import tier_create
from clientela.loyalty.models import LoyaltyAccount
from clientela.loyalty.selectors import earned_in_window, tier_progress
from clientela.loyalty.services import points_credit, points_redeem
from clientela.loyalty.tiers import tiers_review
from tests.loyalty.helpers import buy, customer, programme

AS_OF = datetime(2025, 6, 15, 12, 0, tzinfo=UTC)


def _tiers(admin):
    tier_create(actor=admin, name="Bronze", threshold=0, position=1)
    tier_create(actor=admin, name="Silver", threshold=100, position=2)
    tier_create(actor=admin, name="Gold", threshold=500, position=3)


def _account(party) -> LoyaltyAccount:
    return LoyaltyAccount.objects.select_related("tier").get(party=party)


def test_the_window_includes_an_earn_exactly_window_old_and_not_a_second_before(admin):
    programme(tier_window_months=12)
    party = customer()
    edge = datetime(2024, 6, 15, 12, 0, tzinfo=UTC)
    points_credit(actor=None, party=party, points=1, reason="before", key="a",
                  at=edge - timedelta(seconds=1))  # fmt: skip
    points_credit(actor=None, party=party, points=10, reason="edge", key="b", at=edge)
    points_credit(actor=None, party=party, points=100, reason="inside", key="c",
                  at=edge + timedelta(days=1))  # fmt: skip
    points_credit(actor=None, party=party, points=1000, reason="later", key="d",
                  at=AS_OF + timedelta(seconds=1))  # fmt: skip
    account_id = _account(party).pk

    assert earned_in_window(account_id=account_id, as_of=AS_OF) == 110
    assert earned_in_window(account_id=account_id, as_of=AS_OF + timedelta(days=1)) == 1100
    assert earned_in_window(account_id=account_id, as_of=AS_OF + timedelta(days=2)) == 1000


def test_redemptions_do_not_lower_the_tier_but_a_refund_lowers_points_earned(admin):
    programme()
    _tiers(admin)
    party = customer()
    now = datetime.now(UTC)
    kept = buy(party, (150, ""), at=now - timedelta(days=10))
    refunded = buy(party, (400, ""), at=now - timedelta(days=5))
    points_redeem(actor=admin, party=party, points=500, reference="big reward")

    before = (_account(party).tier.name, earned_in_window(account_id=_account(party).pk, as_of=now))
    order_set_status(actor=admin, order=refunded, status="refunded")
    after = earned_in_window(account_id=_account(party).pk, as_of=now)

    assert before == ("Gold", 550)
    assert after == 150  # the refunded earn no longer counts, although 350 were unrecovered
    assert (_account(party).tier.name, _account(party).balance, kept.status) == ("Gold", 0, "paid")


def test_promotion_is_immediate_and_demotion_waits_for_the_review(admin):
    programme(tier_window_months=12, review_every_months=6)
    _tiers(admin)
    party = customer()
    start = datetime(2025, 1, 10, 9, 0, tzinfo=UTC)

    points_credit(actor=None, party=party, points=120, reason="x", key="a", at=start)
    promoted = _account(party)
    early = tiers_review(now=datetime(2025, 7, 9, 23, 0, tzinfo=UTC))
    kept = tiers_review(now=datetime(2025, 7, 10, 9, 0, tzinfo=UTC))
    after_kept = _account(party)
    # The earn is now more than 12 months old: down to Bronze at the review, not before.
    demoted = tiers_review(now=datetime(2026, 1, 20, 9, 0, tzinfo=UTC))
    again = tiers_review(now=datetime(2026, 1, 20, 10, 0, tzinfo=UTC))

    assert (promoted.tier.name, promoted.tier_since, promoted.next_review_on) == (
        "Silver",
        start,
        date(2025, 7, 10),
    )
    assert (early, kept, demoted, again) == (0, 1, 1, 0)
    assert (after_kept.tier.name, after_kept.next_review_on) == ("Silver", date(2026, 1, 10))
    assert (_account(party).tier.name, _account(party).next_review_on) == (
        "Bronze",
        date(2026, 7, 10),
    )


def test_a_review_keeps_a_tier_the_window_still_supports(admin):
    programme(tier_window_months=12, review_every_months=12)
    _tiers(admin)
    party = customer()
    points_credit(actor=None, party=party, points=600, reason="big", key="a",
                  at=datetime(2025, 3, 1, tzinfo=UTC))  # fmt: skip
    account = _account(party)

    reviewed = tiers_review(now=datetime(2026, 3, 1, tzinfo=UTC))

    assert (account.tier.name, account.next_review_on) == ("Gold", date(2026, 3, 1))
    assert reviewed == 1
    assert (_account(party).tier.name, _account(party).next_review_on) == ("Gold", date(2027, 3, 1))


def test_the_progress_towards_the_next_tier(admin):
    programme()
    _tiers(admin)
    party = customer()
    now = datetime.now(UTC)
    points_credit(actor=None, party=party, points=300, reason="x", key="a", at=now)

    progress = tier_progress(account=_account(party), now=now)

    assert (progress.tier.name, progress.next_tier.name, progress.earned) == ("Silver", "Gold", 300)
    assert (progress.to_next, progress.percent) == (200, 50)
