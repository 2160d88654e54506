from datetime import timedelta

import pytest
from django.utils import timezone

from clientela.commerce.services import order_set_status
from clientela.core.errors import ApplicationError, ErrorCode
from clientela.loyalty.models import EntryKind, LoyaltyAccount, PointsEntry
from clientela.loyalty.selectors import loyalty_account_get, loyalty_balance, points_expiring
from clientela.loyalty.services import (
    loyalty_enrol,
    points_adjust,
    points_credit,
    points_expire_due,
    points_redeem,
    points_redemption_cancel,
    points_reverse_order,
)
from tests.loyalty.helpers import buy, customer, programme


def _ledger(party):
    return list(
        PointsEntry.objects.filter(account__party=party)
        .order_by("id")
        .values_list("kind", "points", "balance_after")
    )


def test_enrolling_twice_gives_one_account(users):
    party = customer()

    first = loyalty_enrol(actor=users["support_agent"], party=party)
    again = loyalty_enrol(actor=users["marketer"], party=party)

    assert first.pk == again.pk
    assert LoyaltyAccount.objects.count() == 1
    assert (loyalty_balance(party_id=party.pk), loyalty_account_get(party_id=party.pk).pk) == (
        0,
        first.pk,
    )


def test_a_viewer_cannot_enrol_nor_redeem(users):
    party = customer()
    points_credit(actor=None, party=party, points=10, reason="Welcome", key="w")

    for call in (
        lambda: loyalty_enrol(actor=users["viewer"], party=customer("Other")),
        lambda: points_redeem(actor=users["viewer"], party=party, points=1, reference="x"),
    ):
        with pytest.raises(ApplicationError) as info:
            call()
        assert info.value.code == ErrorCode.PERMISSION_DENIED
    assert loyalty_balance(party_id=party.pk) == 10


def test_credit_redeem_and_cancel_keep_exact_balances(users):
    party = customer()
    clerk = users["support_agent"]

    first = points_credit(actor=None, party=party, points=100, reason="Referral", key="r1")
    again = points_credit(actor=None, party=party, points=100, reason="Referral", key="r1")
    second = points_credit(
        actor=users["manager"], party=party, points=50, reason="Goodwill", key="g1"
    )
    redeemed = points_redeem(actor=clerk, party=party, points=120, reference="reward:mug")
    cancelled = points_redemption_cancel(actor=clerk, entry=redeemed, note="changed mind")
    cancelled_again = points_redemption_cancel(actor=clerk, entry=redeemed)

    assert again.pk == first.pk
    assert cancelled_again.pk == cancelled.pk
    assert _ledger(party) == [
        ("earn", 100, 100),
        ("earn", 50, 150),
        ("redeem", -120, 30),
        ("reverse", 120, 150),
    ]
    assert redeemed.allocation == [[first.pk, 100], [second.pk, 20]]
    assert list(
        PointsEntry.objects.filter(remaining__isnull=False).order_by("id").values_list("remaining")
    ) == [(0,), (30,), (120,)]
    assert loyalty_balance(party_id=party.pk) == 150


def test_a_short_balance_is_a_conflict_naming_points_and_changes_nothing(users):
    party = customer()
    points_credit(actor=None, party=party, points=40, reason="Welcome", key="w")

    with pytest.raises(ApplicationError) as info:
        points_redeem(actor=users["admin"], party=party, points=41, reference="reward:mug")

    assert info.value.code == ErrorCode.CONFLICT
    assert list(info.value.extra["fields"]) == ["points"]
    assert _ledger(party) == [("earn", 40, 40)]


def test_bad_redemptions_are_validation_errors_naming_the_field(users):
    member, stranger = customer(), customer("Stranger")
    points_credit(actor=None, party=member, points=40, reason="Welcome", key="w")
    cases = [
        ({"party": member, "points": 0, "reference": "x"}, "points"),
        ({"party": member, "points": -5, "reference": "x"}, "points"),
        ({"party": member, "points": True, "reference": "x"}, "points"),
        ({"party": member, "points": 5, "reference": " "}, "reference"),
        ({"party": stranger, "points": 5, "reference": "x"}, "party"),
    ]

    for kwargs, field in cases:
        with pytest.raises(ApplicationError) as info:
            points_redeem(actor=users["admin"], **kwargs)
        assert (info.value.code, list(info.value.extra["fields"])) == (
            ErrorCode.VALIDATION,
            [field],
        )
    assert loyalty_balance(party_id=member.pk) == 40


def test_a_keyed_redemption_is_spent_once(users):
    party = customer()
    points_credit(actor=None, party=party, points=40, reason="Welcome", key="w")

    first = points_redeem(actor=users["admin"], party=party, points=30, reference="r", key="k1")
    second = points_redeem(actor=users["admin"], party=party, points=30, reference="r", key="k1")

    assert first.pk == second.pk
    assert loyalty_balance(party_id=party.pk) == 10


def test_redemptions_spend_the_lots_that_expire_first_and_expiry_takes_the_rest(users):
    programme(expiry_months=12)
    party = customer()
    now = timezone.now()
    old = points_credit(
        actor=None, party=party, points=100, reason="A", key="a", at=now - timedelta(days=340)
    )
    new = points_credit(
        actor=None, party=party, points=50, reason="B", key="b", at=now - timedelta(days=60)
    )

    points_redeem(actor=users["admin"], party=party, points=30, reference="reward")
    expiring = points_expiring(account_id=old.account_id, now=now)
    swept = points_expire_due(now=old.expires_at + timedelta(seconds=1))
    swept_again = points_expire_due(now=old.expires_at + timedelta(days=1))

    assert (expiring, swept, swept_again) == (70, 1, 0)
    assert _ledger(party) == [
        ("earn", 100, 100),
        ("earn", 50, 150),
        ("redeem", -30, 120),
        ("expire", -70, 50),
    ]
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.remaining, new.remaining) == (0, 50)
    assert PointsEntry.objects.get(kind=EntryKind.EXPIRE).key == f"expire:{old.pk}"


def test_points_past_their_expiry_cannot_be_redeemed(users):
    programme(expiry_months=1)
    party = customer()
    points_credit(
        actor=None,
        party=party,
        points=100,
        reason="A",
        key="a",
        at=timezone.now() - timedelta(days=40),
    )

    with pytest.raises(ApplicationError) as info:
        points_redeem(actor=users["admin"], party=party, points=10, reference="reward")

    # The expired points count as 0; the failed redemption's transaction (with the expiry it
    # applied) rolls back, and the sweep writes the expiry.
    assert (info.value.code, info.value.extra["fields"]) == (
        ErrorCode.CONFLICT,
        {"points": ["the balance is 0, short of 10"]},
    )
    assert _ledger(party) == [("earn", 100, 100)]


def test_a_refund_takes_back_what_the_balance_allows_and_records_the_rest(users):
    programme()
    party = customer()
    order = buy(party, (40, ""))
    points_redeem(actor=users["admin"], party=party, points=30, reference="reward")

    order_set_status(actor=users["admin"], order=order, status="refunded")
    again = points_reverse_order(actor=None, order=order)

    reverse = PointsEntry.objects.get(kind=EntryKind.REVERSE)
    assert again.pk == reverse.pk
    assert (reverse.points, reverse.unrecovered, reverse.related.key) == (
        -10,
        30,
        f"earn:order:{order.pk}",
    )
    assert _ledger(party) == [("earn", 40, 40), ("redeem", -30, 10), ("reverse", -10, 0)]


def test_a_refund_before_any_spending_takes_everything_back(users):
    programme()
    party = customer()
    keep = buy(party, (25, ""))
    order = buy(party, (40, ""))

    order_set_status(actor=users["admin"], order=order, status="cancelled")

    assert _ledger(party) == [("earn", 25, 25), ("earn", 40, 65), ("reverse", -40, 25)]
    assert PointsEntry.objects.get(key=f"earn:order:{order.pk}").remaining == 0
    assert PointsEntry.objects.get(key=f"earn:order:{keep.pk}").remaining == 25


def test_adjustments_need_a_note_the_right_role_and_stay_within_the_balance(users):
    party = customer()
    manager = users["manager"]
    points_adjust(actor=manager, party=party, points=20, note="Lost card")

    errors = []
    for actor, points, note in [
        (manager, -21, "Too much"),
        (manager, -5, " "),
        (manager, 0, "Nothing"),
        (users["marketer"], 5, "Not allowed"),
    ]:
        with pytest.raises(ApplicationError) as info:
            points_adjust(actor=actor, party=party, points=points, note=note)
        errors.append((info.value.code, list(info.value.extra.get("fields", {}))))
    points_adjust(actor=manager, party=party, points=-20, note="Duplicate")

    assert errors == [
        (ErrorCode.CONFLICT, ["points"]),
        (ErrorCode.VALIDATION, ["note"]),
        (ErrorCode.VALIDATION, ["points"]),
        (ErrorCode.PERMISSION_DENIED, []),
    ]
    assert _ledger(party) == [("adjust", 20, 20), ("adjust", -20, 0)]


def test_a_party_without_orders_can_be_deleted_with_its_ledger(users):
    party = customer()
    points_credit(actor=None, party=party, points=40, reason="x", key="a")
    entry = points_redeem(actor=users["admin"], party=party, points=40, reference="Mug")
    points_redemption_cancel(actor=users["admin"], entry=entry)

    party.delete()

    assert (LoyaltyAccount.objects.count(), PointsEntry.objects.count()) == (0, 0)
