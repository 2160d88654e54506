"""The pages: the public landing page, the leaderboard with its settings form, the card."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from clientela.parties.models import ContactPoint, Party
from clientela.referrals.models import Referral, ReferralProgramme
from clientela.referrals.services import programme_update, referral_claim, referral_code_ensure
from tests.factories import make_party

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana():
    from clientela.core.selectors import business_get

    business = business_get()
    business.name = "Café Lumière"
    business.save()
    return make_party(given_name="Ana", family_name="Secretname", emails=["ana@example.com"])


def _code(party) -> str:
    return referral_code_ensure(actor=None, party=party)[0].code


def _sign_up(code: str, **data):
    client = Client(enforce_csrf_checks=True)
    page = client.get(f"/r/{code}/")
    token = page.cookies["csrftoken"].value
    form = {"name": "Maria Ionescu", "email": "maria@example.com", "csrfmiddlewaretoken": token}
    form.update(data)
    return page, client.post(f"/r/{code}/", form)


def test_the_landing_page_shows_the_business_and_the_referrer_s_first_name_only(ana):
    code = _code(ana)
    page = Client().get(reverse("referrals:landing", args=[code]))

    html = page.content.decode()
    assert page.status_code == 200
    assert "Café Lumière" in html and "Ana invites you" in html
    assert "Secretname" not in html and "ana@example.com" not in html
    assert 'name="website"' in html and "csrfmiddlewaretoken" in html
    assert "<a " not in html  # no link into the CRM


def test_signing_up_creates_a_customer_by_referral_and_a_pending_referral(ana):
    code = _code(ana)
    _page, done = _sign_up(code, marketing_consent="on")

    assert done.status_code == 302 and done["Location"] == f"/r/{code}/?thanks=1"
    maria = Party.objects.get(given_name="Maria")
    assert (maria.family_name, maria.marketing_consent, maria.consent_source) == (
        "Ionescu", True, "referral link",
    )  # fmt: skip
    relationship = maria.relationships.get()
    assert (relationship.kind, relationship.acquisition_channel) == ("customer", "referral")
    referral = Referral.objects.get()
    assert (referral.referrer_id, referral.referred_id, referral.status, referral.source) == (
        ana.pk, maria.pk, "pending", "link",
    )  # fmt: skip
    thanks = Client().get(done["Location"])
    assert "invitation is noted" in thanks.content.decode()


def test_a_known_email_is_attached_to_its_party_without_a_duplicate(ana):
    known = make_party(given_name="Maria", family_name="Known", emails=["maria@example.com"])
    _page, done = _sign_up(_code(ana), email="MARIA@example.com")

    assert done.status_code == 302
    assert ContactPoint.objects.filter(normalized="maria@example.com").count() == 1
    assert Referral.objects.get().referred_id == known.pk


def test_a_refused_sign_up_looks_the_same_and_writes_nothing(ana):
    # the referrer's own email: a self-referral, refused quietly
    _page, done = _sign_up(_code(ana), email="ana@example.com")

    assert done.status_code == 302 and done["Location"].endswith("?thanks=1")
    assert Referral.objects.count() == 0
    assert Party.objects.count() == 1


def test_the_honeypot_writes_nothing(ana):
    _page, done = _sign_up(_code(ana), website="http://spam.example")

    assert done.status_code == 302
    assert (Party.objects.count(), Referral.objects.count()) == (1, 0)


def test_bad_input_is_shown_again_naming_the_field(ana):
    _page, done = _sign_up(_code(ana), email="not-an-email", name="")

    assert done.status_code == 422
    assert 'data-testid="referral-error"' in done.content.decode()
    assert Party.objects.count() == 1


def test_the_form_needs_its_csrf_token(ana):
    client = Client(enforce_csrf_checks=True)
    refused = client.post(f"/r/{_code(ana)}/", {"name": "X Y", "email": "x@example.com"})
    assert refused.status_code == 403


def test_unknown_or_inactive_codes_and_a_paused_programme_get_a_404(ana):
    code = _code(ana)
    assert Client().get("/r/ZZZZZZZ/").status_code == 404
    assert Client().get("/r/not-a-code!/").status_code == 404
    programme_update(actor=None, is_active=False)
    page = Client().get(f"/r/{code}/")
    assert page.status_code == 404
    assert "This link is not valid" in page.content.decode()
    programme_update(actor=None, is_active=True)
    ana.referral_code.is_active = False
    ana.referral_code.save()
    assert Client().get(f"/r/{code}/").status_code == 404


def test_every_role_reads_the_leaderboard_and_only_marketing_roles_see_the_form(ana, client, users):
    bob = make_party(given_name="Bob")
    referral_claim(actor=None, code=_code(ana), referred_party=bob)
    for role, user in users.items():
        client.force_login(user)
        page = client.get(reverse("referrals:leaderboard"))
        html = page.content.decode()
        assert page.status_code == 200
        assert html.count('data-testid="referral-row"') == 1
        assert ('data-testid="referral-programme-save"' in html) == (
            role in {"admin", "manager", "marketer"}
        )


def test_the_settings_form_saves_and_refuses(ana, client, users):
    form = {
        "is_active": "on", "referrer_points": "300", "referred_points": "150",
        "min_purchase": "12.50", "window_days": "45", "yearly_cap": "",
    }  # fmt: skip
    client.force_login(users["viewer"])
    assert client.post(reverse("referrals:programme"), form).status_code == 403
    client.force_login(users["marketer"])

    saved = client.post(reverse("referrals:programme"), form)
    refused = client.post(reverse("referrals:programme"), {**form, "window_days": "0"})

    assert saved.status_code == 302
    programme = ReferralProgramme.objects.get()
    assert (programme.referrer_points, programme.min_purchase, programme.window_days) == (
        300, Decimal("12.50"), 45,
    )  # fmt: skip
    assert programme.yearly_cap is None
    assert refused.status_code == 422
    assert ReferralProgramme.objects.get().window_days == 45


def test_the_leaderboard_ranks_by_qualified_in_the_period_with_revenue(ana):
    from clientela.commerce.services import LineIn, order_record
    from clientela.referrals.selectors import leaderboard

    programme_update(actor=None, referrer_points=0, referred_points=0, min_purchase=Decimal("10"))
    now = datetime(2026, 6, 30, tzinfo=UTC)
    bea = make_party(given_name="Bea")
    friends = {}
    for referrer, name, days_ago in (
        (ana, "F1", 100), (bea, "F2", 20), (bea, "F3", 10), (ana, "F4", 5),
    ):  # fmt: skip
        friend = make_party(given_name=name)
        referral_claim(
            actor=None, code=_code(referrer), referred_party=friend,
            at=now - timedelta(days=days_ago + 1),
        )  # fmt: skip
        order_record(
            actor=None, payer=friend, currency="EUR", placed_at=now - timedelta(days=days_ago),
            lines=[LineIn(description="x", unit_price=Decimal("20"))],
        )  # fmt: skip
        friends[name] = friend
    pending = make_party(given_name="P")
    referral_claim(actor=None, code=_code(ana), referred_party=pending, at=now - timedelta(days=1))

    month = leaderboard(now=now, days=30)
    ever = leaderboard(now=now, days=None)

    assert [(r.name, r.qualified, r.pending, r.revenue) for r in month] == [
        ("Bea Popescu", 2, 0, Decimal("40.00")),
        ("Ana Secretname", 1, 1, Decimal("20.00")),
    ]
    assert [(r.name, r.qualified, r.revenue) for r in ever] == [
        ("Ana Secretname", 2, Decimal("40.00")),
        ("Bea Popescu", 2, Decimal("40.00")),
    ]


def test_the_party_card_creates_a_code_and_claims_with_one(ana, client, users):
    bob = make_party(given_name="Bob")
    client.force_login(users["support_agent"])
    url = reverse("web:party", args=[bob.public_id])

    client.post(reverse("referrals:code", args=[ana.public_id]), {"next": url})
    code = ana.referral_code.code if hasattr(ana, "referral_code") else None
    ana.refresh_from_db()
    code = ana.referral_code.code
    claimed = client.post(
        reverse("referrals:claim", args=[bob.public_id]), {"code": code, "next": url}
    )
    page = client.get(url)
    ana_page = client.get(reverse("web:party", args=[ana.public_id]))

    assert claimed.status_code == 302
    html = page.content.decode()
    assert 'data-testid="referrals-card"' in html and "Ana Secretname" in html
    ana_html = ana_page.content.decode()
    assert f"/r/{code}/" in ana_html and "0 qualified, 1 pending" in ana_html


def test_the_card_refuses_a_loop_with_its_reason(ana, client, users):
    bob = make_party(given_name="Bob")
    referral_claim(actor=None, code=_code(ana), referred_party=bob)
    client.force_login(users["manager"])

    refused = client.post(reverse("referrals:claim", args=[ana.public_id]), {"code": _code(bob)})

    assert refused.status_code == 409
    assert Referral.objects.count() == 1


def test_the_card_offers_no_claim_form_to_a_customer_who_bought(ana, client, users):
    from clientela.commerce.services import LineIn, order_record

    bob = make_party(given_name="Bob")
    client.force_login(users["manager"])
    url = reverse("web:party", args=[bob.public_id])
    before = client.get(url).content.decode()
    order_record(
        actor=None, payer=bob, currency="EUR",
        lines=[LineIn(description="x", unit_price=Decimal("5"))],
    )  # fmt: skip
    after = client.get(url).content.decode()
    client.force_login(users["viewer"])
    viewer = client.get(url).content.decode()

    assert 'data-testid="referral-card-claim"' in before
    assert 'data-testid="referral-card-claim"' not in after
    assert 'data-testid="referrals-card"' not in viewer  # nothing to show, nothing to do


def test_a_marketer_switches_a_code_off_from_the_party_card(ana, client, users):
    from clientela.referrals.models import ReferralCode

    _code(ana)
    url = reverse("web:party", args=[ana.public_id])
    client.force_login(users["support_agent"])
    assert 'data-testid="referral-card-code"' in client.get(url).content.decode()
    assert 'data-testid="referral-card-switch-code"' not in client.get(url).content.decode()
    client.force_login(users["marketer"])
    assert "Switch the code off" in client.get(url).content.decode()

    client.post(reverse("referrals:code", args=[ana.public_id]), {"active": "0", "next": url})

    assert ReferralCode.objects.get(party=ana).is_active is False
    html = client.get(url).content.decode()
    assert "Switch the code on" in html and ">inactive<" in html
