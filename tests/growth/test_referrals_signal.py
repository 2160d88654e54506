"""The radar's advocacy signal reads the qualified referrals each customer made."""

from decimal import Decimal

import pytest

from clientela.growth.models import Classification
from clientela.growth.services import classification_run
from tests.growth.conftest import at

pytestmark = pytest.mark.django_db


def _refer_and_qualify(referrer, name: str, day: str) -> None:
    from clientela.commerce.services import LineIn, order_record
    from clientela.parties.services import party_create
    from clientela.referrals.services import referral_claim, referral_code_ensure

    code, _created = referral_code_ensure(actor=None, party=referrer)
    friend = party_create(
        actor=None, given_name=name, family_name="Friend", relationship_kind="customer",
        acquisition_channel="referral", at=at(day),
    )  # fmt: skip
    referral_claim(actor=None, code=code.code, referred_party=friend, at=at(day, "09:00"))
    order_record(
        actor=None, payer=friend, currency="EUR", placed_at=at(day, "10:00"),
        lines=[LineIn(description="coffee", unit_price=Decimal("25"))],
    )  # fmt: skip


def test_two_qualified_referrals_give_a_known_advocacy(small_business):
    from clientela.parties.models import Party
    from clientela.referrals.selectors import referrals_made_by_party
    from clientela.referrals.services import programme_update

    programme_update(actor=None, referrer_points=0, referred_points=0, min_purchase=Decimal("20"))
    x = Party.objects.get(public_id=small_business["X"])
    _refer_and_qualify(x, "F1", "2025-02-01")
    _refer_and_qualify(x, "F2", "2025-03-01")
    assert referrals_made_by_party() == {x.pk: 2}

    classification_run(actor=None, business_type="professional_services")

    row = Classification.objects.get(party__public_id=small_business["X"])
    other = Classification.objects.get(party__public_id=small_business["Y"])
    # referrals ramp from 0 to 3: two make 2/3
    assert round(row.radar["components"]["advocacy"], 9) == round(2 / 3, 9)
    assert other.radar["components"]["advocacy"] == 0.0


def test_without_qualified_referrals_the_advocacy_stays_unknown(small_business):
    classification_run(actor=None, business_type="professional_services")

    row = Classification.objects.get(party__public_id=small_business["X"])
    assert row.radar["components"]["advocacy"] is None
