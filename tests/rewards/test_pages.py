"""The catalogue pages and the party card's actions, through Django's test client."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clientela.loyalty.selectors import loyalty_balance
from clientela.rewards.models import Reward, RewardRedemption
from clientela.rewards.services import reward_redeem
from tests.rewards.helpers import discount_reward, make_reward, member

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Cinema for two", "kind": "experience", "points_cost": "800", "description": "",
    "stock": "10", "is_active": "on", "valid_from": "", "valid_to": "", "coupon_kind": "",
    "coupon_value": "", "coupon_valid_days": "30",
}  # fmt: skip


def test_the_catalogue_shows_every_reward_and_hides_the_form_from_viewers(client, users):
    make_reward(name="Free coffee")
    discount_reward(name="Ten off")
    client.force_login(users["viewer"])

    page = client.get(reverse("rewards:catalogue")).content.decode()
    form = client.get(reverse("rewards:new")).content.decode()

    assert page.count('data-testid="reward-card"') == 2
    assert "Free coffee" in page and "Ten off" in page
    assert 'data-testid="reward-new-link"' not in page
    assert 'data-testid="reward-form-denied"' in form


def test_a_marketer_adds_then_edits_a_reward(client, users):
    client.force_login(users["marketer"])

    added = client.post(reverse("rewards:new"), FORM)
    reward = Reward.objects.get()
    edited = client.post(
        reverse("rewards:edit", args=[reward.public_id]), {**FORM, "points_cost": "900"}
    )
    bad = client.post(reverse("rewards:new"), {**FORM, "kind": "discount"})

    assert (added.status_code, edited.status_code) == (302, 302)
    reward.refresh_from_db()
    assert (reward.name, reward.kind, reward.points_cost, reward.stock) == (
        "Cinema for two", "experience", 900, 10,
    )  # fmt: skip
    assert bad.status_code == 422
    assert "a discount reward needs percent or fixed" in bad.content.decode()


def test_saving_a_reward_keeps_stock_taken_while_the_form_was_open(client, users):
    client.force_login(users["marketer"])
    client.post(reverse("rewards:new"), FORM)  # stock 10
    reward = Reward.objects.get()
    url = reverse("rewards:edit", args=[reward.public_id])
    assert 'name="stock_shown" value="10"' in client.get(url).content.decode()
    Reward.objects.filter(pk=reward.pk).update(stock=7)  # three redeemed meanwhile

    client.post(url, {**FORM, "stock_shown": "10", "points_cost": "900"})  # stock as shown
    reward.refresh_from_db()
    assert (reward.points_cost, reward.stock) == (900, 7)

    client.post(url, {**FORM, "stock_shown": "7", "stock": "20"})  # stock changed on purpose
    reward.refresh_from_db()
    assert reward.stock == 20


def test_the_party_card_offers_affordable_rewards_and_redeems_one(client, users):
    party = member(points=300)
    coffee = make_reward(name="Free coffee", points_cost=100)
    make_reward(name="Espresso machine", points_cost=5000)
    client.force_login(users["support_agent"])
    party_url = reverse("web:party", args=[party.public_id])

    page = client.get(party_url).content.decode()
    response = client.post(
        reverse("rewards:redeem", args=[party.public_id]),
        {"reward": coffee.public_id, "next": party_url},
    )

    assert 'data-testid="rewards-card"' in page
    assert "Free coffee" in page and "Espresso machine" not in page
    assert page.count('data-testid="reward-redeem"') == 1
    assert (response.status_code, response["Location"]) == (302, party_url)
    assert loyalty_balance(party_id=party.pk) == 200
    assert RewardRedemption.objects.get().status == "issued"


def test_fulfil_and_cancel_from_the_card(client, users):
    party = member(points=300)
    first = reward_redeem(actor=None, party=party, reward=make_reward(points_cost=100))
    second = reward_redeem(actor=None, party=party, reward=make_reward(points_cost=100))
    client.force_login(users["manager"])

    client.post(reverse("rewards:fulfil", args=[first.public_id]))
    client.post(reverse("rewards:cancel", args=[second.public_id]), {"note": "Wrong one"})

    assert list(RewardRedemption.objects.order_by("id").values_list("status", flat=True)) == [
        "fulfilled", "cancelled",
    ]  # fmt: skip
    assert loyalty_balance(party_id=party.pk) == 200


def test_a_non_member_gets_no_rewards_card(client, users):
    from tests.factories import make_party

    party = make_party()
    client.force_login(users["manager"])
    page = client.get(reverse("web:party", args=[party.public_id])).content.decode()
    assert 'data-testid="rewards-card"' not in page
