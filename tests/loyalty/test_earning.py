from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from clientela.commerce.models import Order
from clientela.loyalty.configure import campaign_create, programme_update, rule_create, tier_create
from clientela.loyalty.models import EntryKind, LoyaltyAccount, PointsEntry
from clientela.loyalty.selectors import loyalty_balance
from clientela.loyalty.services import loyalty_enrol, points_earn_orders
from tests.loyalty.helpers import T0, buy, customer, programme


def _points(order) -> int | None:
    return (
        PointsEntry.objects.filter(key=f"earn:order:{order.pk}")
        .values_list("points", flat=True)
        .first()
    )


def test_the_formula_with_category_channel_and_campaign_rules_gives_exact_points(admin):
    programme(base_rate=Decimal("1.5"))
    rule_create(
        actor=admin,
        kind="category",
        category="pastry",
        extra_per_unit=Decimal("0.5"),
        multiplier=Decimal("2"),
    )
    rule_create(actor=admin, kind="channel", channel="online", multiplier=Decimal("1.5"))
    campaign_create(
        actor=admin,
        name="Coffee week",
        starts_on=date(2025, 1, 13),
        ends_on=date(2025, 1, 15),
        multiplier=Decimal("2"),
        bonus_points=10,
        category="coffee",
    )
    party = customer()

    online = buy(party, (Decimal("3.30"), "coffee"), (Decimal("4.10"), "pastry"), channel="online")
    store = buy(party, (Decimal("3.30"), "coffee"), (Decimal("4.10"), "pastry"))
    after = buy(party, (Decimal("3.30"), "coffee"), at=T0 + timedelta(days=1))
    no_coffee = buy(party, (Decimal("4.10"), "pastry"))

    # online: coffee 3.30 x 1.5 x 1.5 (channel) x 2 (campaign) = 14.85
    #         pastry 4.10 x (1.5 + 0.5) x 2 (category) x 1.5 (channel) = 24.60
    #         floor(39.45) = 39, + 10 bonus (a coffee line, campaign running) = 49
    # store:  coffee 3.30 x 1.5 x 2 = 9.90; pastry 4.10 x 2 x 2 = 16.40; floor(26.30) + 10 = 36
    # after:  the campaign ended the day before: floor(3.30 x 1.5) = 4
    # no coffee line: no campaign bonus: floor(16.40) = 16
    assert [_points(o) for o in (online, store, after, no_coffee)] == [49, 36, 4, 16]
    assert loyalty_balance(party_id=party.pk) == 105


def test_an_order_exactly_at_the_minimum_spend_earns_on_its_whole_amount(db):
    programme(min_spend=Decimal("10.00"))
    party = customer()

    below = buy(party, (Decimal("9.99"), ""))
    exactly = buy(party, (Decimal("6.00"), ""), (Decimal("4.00"), ""))
    above = buy(party, (Decimal("25.50"), ""))

    assert [_points(o) for o in (below, exactly, above)] == [None, 10, 25]


def test_only_paid_orders_in_the_programme_currency_of_members_earn(admin):
    programme(auto_enrol=False)
    member, stranger = customer(), customer("Stranger")
    loyalty_enrol(actor=admin, party=member)

    paid = buy(member, (20, ""))
    refunded = buy(member, (20, ""), status="refunded")
    dollars = buy(member, (20, ""), currency="USD")
    not_member = buy(stranger, (20, ""))

    assert [_points(o) for o in (paid, refunded, dollars, not_member)] == [20, None, None, None]
    assert LoyaltyAccount.objects.count() == 1


def test_nothing_is_earned_while_the_programme_is_off_and_earning_later_is_idempotent(admin):
    programme(active=False)
    a, b = customer("A"), customer("B")
    orders = [buy(a, (12, "")), buy(a, (8, "")), buy(b, (30, ""))]
    assert PointsEntry.objects.count() == 0

    programme_update(actor=admin, active=True)
    first = points_earn_orders(actor=admin, order_ids=[o.pk for o in orders])
    second = points_earn_orders(actor=admin, order_ids=[o.pk for o in orders])

    assert (first, second) == (3, 0)
    assert (loyalty_balance(party_id=a.pk), loyalty_balance(party_id=b.pk)) == (20, 30)
    assert list(
        PointsEntry.objects.filter(account__party=a)
        .order_by("id")
        .values_list("occurred_at", "points", "balance_after")
    ) == [(T0, 12, 12), (T0, 8, 20)]
    assert LoyaltyAccount.objects.get(party=a).enrolled_at == T0


def test_earning_runs_the_same_number_of_queries_for_few_and_many_orders(admin):
    programme(active=False)
    tier_create(actor=admin, name="Silver", threshold=50)
    few = [buy(customer(f"F{i}"), (60, "coffee")) for i in range(2)]
    many = [buy(customer(f"M{i}"), (60, "coffee"), (5, "")) for i in range(12)]
    programme_update(actor=admin, active=True)

    with CaptureQueriesContext(connection) as small:
        points_earn_orders(actor=admin, order_ids=[o.pk for o in few], at=T0)
    with CaptureQueriesContext(connection) as large:
        points_earn_orders(actor=admin, order_ids=[o.pk for o in many], at=T0)

    assert len(large.captured_queries) == len(small.captured_queries)
    assert LoyaltyAccount.objects.filter(tier__name="Silver").count() == 14
    assert PointsEntry.objects.filter(kind=EntryKind.EARN).count() == 14


def test_a_tier_multiplier_raises_the_points_of_its_members(admin):
    programme()
    tier_create(actor=admin, name="Gold", threshold=0, multiplier=Decimal("1.25"))
    party = customer()

    order = buy(party, (Decimal("10.00"), ""))

    assert _points(order) == 12  # floor(10 x 1 x 1.25)
    assert Order.objects.count() == 1


def test_the_order_that_crosses_a_threshold_earns_at_the_old_tier_and_the_next_at_the_new(admin):
    # erpnext #22167 / #14930: a member must not get a higher tier's rate before reaching it.
    from datetime import UTC, datetime

    programme()
    tier_create(actor=admin, name="Bean", threshold=0, multiplier=Decimal("1"))
    tier_create(actor=admin, name="Silver", threshold=100, multiplier=Decimal("2"))
    party = customer()
    now = datetime.now(UTC)

    first = buy(party, (Decimal("99.00"), ""), at=now)
    crossing = buy(party, (Decimal("10.00"), ""), at=now)
    after = buy(party, (Decimal("10.00"), ""), at=now)

    assert [_points(o) for o in (first, crossing, after)] == [99, 10, 20]
    assert LoyaltyAccount.objects.get(party=party).tier.name == "Silver"
