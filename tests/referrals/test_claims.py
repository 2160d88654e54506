"""Claims: codes, the guards (each refused with its named reason) and a chain of four."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from clientela.core.errors import ApplicationError, ErrorCode
from clientela.referrals.models import CODE_ALPHABET, CODE_LENGTH, Referral, ReferralCode
from clientela.referrals.services import programme_update, referral_claim, referral_code_ensure
from tests.factories import make_party

pytestmark = pytest.mark.django_db
AT = datetime(2026, 3, 1, 12, tzinfo=UTC)


def _party(name: str, **kwargs):
    return make_party(given_name=name, family_name="Test", **kwargs)


def _code(party) -> str:
    return referral_code_ensure(actor=None, party=party)[0].code


def _refused(code: str, party, reason: str, field: str = "party"):
    with pytest.raises(ApplicationError) as caught:
        referral_claim(actor=None, code=code, referred_party=party, at=AT)
    assert caught.value.code == ErrorCode.CONFLICT
    assert caught.value.extra["reason"] == reason
    assert list(caught.value.extra["fields"]) == [field]
    return caught.value


def test_a_code_is_short_unambiguous_unique_and_created_once():
    ana, bob = _party("Ana"), _party("Bob")

    first, created = referral_code_ensure(actor=None, party=ana)
    again, created_again = referral_code_ensure(actor=None, party=ana)
    other, _ = referral_code_ensure(actor=None, party=bob)

    assert (created, created_again) == (True, False)
    assert first.pk == again.pk and first.code == again.code
    assert len(first.code) == CODE_LENGTH and set(first.code) <= set(CODE_ALPHABET)
    assert not set(first.code) & set("01OIL")
    assert other.code != first.code
    assert ReferralCode.objects.count() == 2


def test_a_claim_creates_a_pending_referral_expiring_after_the_window():
    ana, bob = _party("Ana"), _party("Bob")
    programme_update(actor=None, window_days=30)
    code = _code(ana)

    referral = referral_claim(actor=None, code=code.lower(), referred_party=bob, at=AT)

    assert (referral.referrer_id, referral.referred_id, referral.status) == (
        ana.pk, bob.pk, "pending",
    )  # fmt: skip
    assert referral.expires_at == AT + timedelta(days=30)
    assert referral.public_id.startswith("ref_")


def test_an_unknown_code_is_a_validation_error_on_code():
    bob = _party("Bob")
    with pytest.raises(ApplicationError) as caught:
        referral_claim(actor=None, code="ZZZZZZZ", referred_party=bob, at=AT)
    assert caught.value.code == ErrorCode.VALIDATION
    assert list(caught.value.extra["fields"]) == ["code"]


def test_self_referral_is_refused_for_the_same_party():
    ana = _party("Ana")
    _refused(_code(ana), ana, "self_referral")


def test_self_referral_is_refused_for_a_party_sharing_an_email():
    ana = _party("Ana", emails=["ana@example.com"])
    twin = _party("Anne", emails=["ANA@example.com"])
    _refused(_code(ana), twin, "self_referral")


def test_self_referral_is_refused_for_a_party_sharing_a_phone():
    ana = _party("Ana", phones=["+40 721 000 111"])
    twin = _party("Anne", phones=["+40721000111"])
    _refused(_code(ana), twin, "self_referral")


def test_a_two_party_loop_is_refused():
    a, b = _party("A"), _party("B")
    referral_claim(actor=None, code=_code(a), referred_party=b, at=AT)
    _refused(_code(b), a, "loop")


def test_a_three_party_loop_is_refused():
    a, b, c = _party("A"), _party("B"), _party("C")
    referral_claim(actor=None, code=_code(a), referred_party=b, at=AT)
    referral_claim(actor=None, code=_code(b), referred_party=c, at=AT)
    _refused(_code(c), a, "loop")


def test_a_chain_of_four_is_accepted_and_every_loop_back_is_refused():
    a, b, c, d = (_party(n) for n in "ABCD")
    for referrer, referred in ((a, b), (b, c), (c, d)):
        referral_claim(actor=None, code=_code(referrer), referred_party=referred, at=AT)

    for ancestor in (a, b, c):
        _refused(_code(d), ancestor, "loop")

    chain = list(Referral.objects.order_by("id").values_list("referrer_id", "referred_id"))
    assert chain == [(a.pk, b.pk), (b.pk, c.pk), (c.pk, d.pk)]
    # D may still bring someone new: the chain grows to five
    e = _party("E")
    referral_claim(actor=None, code=_code(d), referred_party=e, at=AT)
    assert Referral.objects.count() == 4


def test_a_party_is_referred_once():
    a, b, c = _party("A"), _party("B"), _party("C")
    referral_claim(actor=None, code=_code(a), referred_party=c, at=AT)
    _refused(_code(b), c, "already_referred")
    assert Referral.objects.get().referrer_id == a.pk


def test_a_party_that_already_bought_cannot_be_referred():
    from clientela.commerce.services import LineIn, order_record

    a, b = _party("A"), _party("B")
    order_record(
        actor=None,
        payer=b,
        lines=[LineIn(description="coffee", unit_price=Decimal("3.50"))],
        currency="EUR",
        placed_at=AT - timedelta(days=3),
    )
    _refused(_code(a), b, "already_bought")


def test_an_inactive_programme_or_code_refuses_claims():
    a, b = _party("A"), _party("B")
    code = referral_code_ensure(actor=None, party=a)[0]
    programme_update(actor=None, is_active=False)
    _refused(code.code, b, "programme_inactive", field="code")
    programme_update(actor=None, is_active=True)
    ReferralCode.objects.filter(pk=code.pk).update(is_active=False)
    _refused(code.code, b, "code_inactive", field="code")
    assert Referral.objects.count() == 0


def test_roles_claims_and_programme(users):
    a, b = _party("A"), _party("B")
    code = _code(a)
    with pytest.raises(ApplicationError) as caught:
        referral_claim(actor=users["viewer"], code=code, referred_party=b, at=AT)
    assert caught.value.code == ErrorCode.PERMISSION_DENIED
    with pytest.raises(ApplicationError) as caught:
        programme_update(actor=users["support_agent"], window_days=10)
    assert caught.value.code == ErrorCode.PERMISSION_DENIED

    referral = referral_claim(actor=users["support_agent"], code=code, referred_party=b, at=AT)
    programme = programme_update(actor=users["marketer"], window_days=10)

    assert referral.status == "pending"
    assert programme.window_days == 10


def test_bad_programme_values_name_the_field():
    for change, field in (
        ({"window_days": 0}, "window_days"),
        ({"min_purchase": "-1"}, "min_purchase"),
        ({"yearly_cap": 0}, "yearly_cap"),
        ({"referrer_points": "x"}, "referrer_points"),
        ({"colour": "red"}, "colour"),
    ):
        with pytest.raises(ApplicationError) as caught:
            programme_update(actor=None, **change)
        assert caught.value.code == ErrorCode.VALIDATION
        assert list(caught.value.extra["fields"]) == [field]
