"""The coupon pages and the party card, through Django's test client."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from clientela.coupons.models import Coupon, CouponBatch, CouponRedemption
from clientela.coupons.services import coupon_issue_personal, coupon_redeem
from tests.coupons.helpers import first_code, make_batch
from tests.factories import make_party

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Winter warmers", "kind": "percent", "value": "15", "currency": "EUR",
    "min_spend": "", "valid_from": "2026-11-01", "valid_to": "2026-12-31",
    "max_redemptions": "1", "per_customer_limit": "1", "code_count": "25", "prefix": "warm",
    "note": "",
}  # fmt: skip


def test_a_marketer_creates_a_batch_from_the_form_and_lands_on_its_report(client, users):
    client.force_login(users["marketer"])

    response = client.post(reverse("coupons:new"), FORM)

    batch = CouponBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("coupons:detail", args=[batch.public_id])
    assert (batch.name, batch.value, batch.prefix, batch.code_count) == (
        "Winter warmers", Decimal("15.00"), "WARM", 25,
    )  # fmt: skip
    detail = client.get(response["Location"]).content.decode()
    assert detail.count('class="coupon-code"') == 20
    assert 'data-testid="coupon-issued">25<' in detail
    assert "<svg" in detail


def test_a_bad_value_is_shown_next_to_the_field(client, users):
    client.force_login(users["marketer"])
    response = client.post(reverse("coupons:new"), {**FORM, "value": "150"})
    assert response.status_code == 422
    assert "a percentage must be at most 100" in response.content.decode()
    assert CouponBatch.objects.count() == 0


def test_a_viewer_sees_the_list_but_not_the_form(client, users):
    make_batch(name="Spring sale")
    client.force_login(users["viewer"])

    listed = client.get(reverse("coupons:list")).content.decode()
    form = client.get(reverse("coupons:new")).content.decode()
    posted = client.post(reverse("coupons:new"), FORM)

    assert "Spring sale" in listed
    assert 'data-testid="coupon-new-link"' not in listed
    assert 'data-testid="coupon-new-form"' not in form
    assert 'data-testid="coupon-new-denied"' in form
    assert posted.status_code == 200
    assert CouponBatch.objects.count() == 1


def test_the_csv_lists_every_code(client, users):
    batch = make_batch(code_count=4)
    client.force_login(users["viewer"])

    response = client.get(reverse("coupons:csv", args=[batch.public_id]))

    lines = response.content.decode().strip().splitlines()
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert lines[0] == "code,times_redeemed,batch,valid_from,valid_to"
    assert [line.split(",")[0] for line in lines[1:]] == list(
        Coupon.objects.order_by("id").values_list("code", flat=True)
    )


def test_a_personal_coupon_from_the_party_page_link(client, users):
    party = make_party(given_name="Lucía")
    client.force_login(users["marketer"])

    form = client.get(reverse("coupons:personal_new") + f"?party={party.public_id}")
    made = client.post(
        reverse("coupons:personal_new"),
        {"party": party.public_id, "kind": "fixed", "value": "4.00", "valid_days": "10",
         "min_spend": "", "note": "Birthday"},
    )  # fmt: skip

    assert form.status_code == 200
    assert f'value="{party.public_id}"' in form.content.decode()
    assert made.status_code == 302
    assert made["Location"] == reverse("web:party", args=[party.public_id])
    batch = CouponBatch.objects.get(party=party)
    assert (batch.kind, batch.value, batch.note) == ("fixed", Decimal("4.00"), "Birthday")


def test_the_counter_checks_then_redeems_once_per_key(client, users):
    party = make_party(emails=["ana@example.test"])
    code = first_code(make_batch(value=Decimal("10")))
    client.force_login(users["support_agent"])
    data = {"code": code, "party": "ana@example.test", "order_amount": "30", "key": "k1"}

    checked = client.post(reverse("coupons:counter"), {**data, "action": "check"})
    redeemed = client.post(reverse("coupons:counter"), {**data, "action": "redeem"})
    again = client.post(reverse("coupons:counter"), {**data, "action": "redeem"})
    refused = client.post(reverse("coupons:counter"), {**data, "key": "k2", "action": "check"})

    assert 'data-testid="coupon-check-ok"' in checked.content.decode()
    assert "3.00 EUR off" in checked.content.decode()
    assert (redeemed.status_code, again.status_code) == (302, 302)
    assert CouponRedemption.objects.filter(party=party).count() == 1
    assert refused.status_code == 422
    assert "code: has been used up" in refused.content.decode()


def test_the_party_card_shows_personal_coupons_and_redemptions(client, users):
    party = make_party()
    personal = coupon_issue_personal(
        actor=None, party=party, kind="percent", value=Decimal("20"), valid_days=30, note="Sorry"
    )
    coupon_redeem(actor=None, code=first_code(make_batch(name="Spring")), party=party,
                  order_amount="10")  # fmt: skip
    client.force_login(users["marketer"])

    page = client.get(reverse("web:party", args=[party.public_id])).content.decode()

    assert 'data-testid="coupons-card"' in page
    assert personal.code in page
    assert "Spring" in page
    assert 'data-testid="coupon-personal-link"' in page
