"""The members list, the statement and its forms, the programme page and the party card,
through Django's test client."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from clientela.loyalty.cards import party_card
from clientela.loyalty.configure import tier_create
from clientela.loyalty.models import Campaign, EarningRule, LoyaltyAccount, Tier
from clientela.loyalty.selectors import loyalty_balance
from clientela.loyalty.services import points_credit, points_redeem
from tests.loyalty.helpers import customer, programme

pytestmark = pytest.mark.django_db


def _kinds(response) -> list[str]:
    return re.findall(r'data-testid="entry" data-kind="(\w+)"', response.content.decode())


def test_members_are_listed_searchable_and_filtered_by_tier(client, users, admin):
    programme()
    tier_create(actor=admin, name="Silver", threshold=100, position=2)
    ana, bob = customer("Albu"), customer("Barbu")
    points_credit(actor=None, party=ana, points=150, reason="x", key="a")
    points_credit(actor=None, party=bob, points=20, reason="x", key="b")
    client.force_login(users["viewer"])

    everyone = client.get(reverse("loyalty:members"))
    found = client.get(reverse("loyalty:members"), {"q": "barb"})
    silver = client.get(
        reverse("loyalty:members"), {"tier": Tier.objects.get(name="Silver").public_id}
    )
    none = client.get(reverse("loyalty:members"), {"tier": "none"})

    def names(response):
        return re.findall(r'data-testid="member-link">([^<]+)<', response.content.decode())

    assert everyone.status_code == 200
    assert names(everyone) == ["Ana Albu", "Ana Barbu"]
    assert (names(found), names(silver), names(none)) == (
        ["Ana Barbu"],
        ["Ana Albu"],
        ["Ana Barbu"],
    )
    assert 'class="desk-subnav"' in everyone.content.decode()


def test_the_statement_shows_every_kind_and_a_clerk_redeems_from_it(client, users):
    programme(expiry_months=1)
    party = customer()
    old = timezone.now() - timedelta(days=45)
    points_credit(actor=None, party=party, points=30, reason="Old", key="o", at=old)
    points_credit(actor=None, party=party, points=80, reason="Welcome", key="w")
    client.force_login(users["support_agent"])

    response = client.post(
        reverse("loyalty:redeem", args=[party.public_id]),
        {"points": "25", "reference": "Free coffee"},
    )
    page = client.get(reverse("loyalty:statement", args=[party.public_id]))

    assert response.status_code == 302
    assert _kinds(page) == ["redeem", "expire", "earn", "earn"]
    html = page.content.decode()
    assert 'data-testid="statement-balance">55<' in html
    assert 'data-testid="redeem-form"' in html
    assert 'data-testid="adjust-form"' not in html  # support agents may not adjust


def test_a_manager_adjusts_and_a_bad_adjustment_comes_back_with_its_problem(client, users):
    party = customer()
    client.force_login(users["manager"])
    url = reverse("loyalty:statement", args=[party.public_id])

    client.post(reverse("loyalty:enrol", args=[party.public_id]))
    client.post(reverse("loyalty:adjust", args=[party.public_id]), {"points": "15", "note": "Card"})
    bad = client.post(
        reverse("loyalty:adjust", args=[party.public_id]),
        {"points": "-20", "note": "Too much"},
        HTTP_REFERER=f"http://testserver{url}",
        follow=True,
    )

    assert loyalty_balance(party_id=party.pk) == 15
    assert "the balance is 15, short of 20" in bad.content.decode()


def test_a_viewer_sees_the_statement_without_forms_and_cannot_post(client, users):
    party = customer()
    points_credit(actor=None, party=party, points=10, reason="x", key="a")
    client.force_login(users["viewer"])

    page = client.get(reverse("loyalty:statement", args=[party.public_id]))
    denied = client.post(
        reverse("loyalty:redeem", args=[party.public_id]), {"points": "5", "reference": "x"}
    )

    assert page.status_code == 200
    assert "redeem-form" not in page.content.decode()
    assert denied.status_code == 403
    assert loyalty_balance(party_id=party.pk) == 10


def test_a_cancelled_redemption_gives_the_points_back_from_the_statement(client, users):
    party = customer()
    points_credit(actor=None, party=party, points=40, reason="x", key="a")
    entry = points_redeem(actor=users["admin"], party=party, points=40, reference="Mug")
    client.force_login(users["account_manager"])

    client.post(reverse("loyalty:cancel_redemption", args=[entry.public_id]))
    page = client.get(reverse("loyalty:statement", args=[party.public_id]))

    assert loyalty_balance(party_id=party.pk) == 40
    assert _kinds(page) == ["reverse", "redeem", "earn"]
    assert "Redemption cancelled: Mug" in page.content.decode()


def test_a_marketer_configures_the_programme_from_its_page(client, users):
    client.force_login(users["marketer"])

    client.post(
        reverse("loyalty:programme_save"),
        {
            "name": "Café club",
            "currency": "EUR",
            "base_rate": "2",
            "min_spend": "5.00",
            "expiry_months": "12",
            "tier_window_months": "12",
            "review_every_months": "6",
            "active": "on",
        },
    )
    client.post(
        reverse("loyalty:rule_add"),
        {"kind": "category", "category": "pastry", "extra_per_unit": "1", "multiplier": "1"},
    )
    client.post(
        reverse("loyalty:campaign_add"),
        {"name": "Spring", "starts_on": "2025-03-01", "ends_on": "2025-03-31",
         "multiplier": "2", "bonus_points": "0"},
    )  # fmt: skip
    client.post(
        reverse("loyalty:tier_add"), {"name": "Gold", "threshold": "500", "multiplier": "1"}
    )
    page = client.get(reverse("loyalty:programme"))

    from clientela.loyalty.selectors import programme_get

    p = programme_get()
    assert (p.name, str(p.base_rate), p.active, p.auto_enrol, p.review_every_months) == (
        "Café club",
        "2.0000",
        True,
        False,
        6,
    )
    assert list(EarningRule.objects.values_list("category", "extra_per_unit")) == [
        ("pastry", p.base_rate - 1)
    ]
    assert Campaign.objects.get().name == "Spring"
    assert list(Tier.objects.values_list("name", "threshold")) == [("Gold", 500)]
    assert page.status_code == 200 and "Spring" in page.content.decode()


def test_the_party_card_shows_a_member_or_an_enrol_button(users):
    programme()
    member, stranger = customer("Member"), customer("Stranger")
    points_credit(actor=None, party=member, points=42, reason="x", key="a")
    request = RequestFactory().get("/")
    request.user = users["support_agent"]

    card = party_card(party=member, relationship=None, user=users["support_agent"])
    html = render_to_string("loyalty/party_card.html", {"card": card}, request=request)
    other = party_card(party=stranger, relationship=None, user=users["support_agent"])
    other_html = render_to_string("loyalty/party_card.html", {"card": other}, request=request)

    assert 'data-testid="loyalty-card-balance">42<' in html
    assert reverse("loyalty:statement", args=[member.public_id]) in html
    assert 'data-testid="loyalty-card-enrol"' in other_html
    assert LoyaltyAccount.objects.count() == 1
