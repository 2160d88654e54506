"""Coupons in chromium: a marketer creates a coupon batch (fills the form, sees the codes
and the report); a viewer does not get the form."""

from __future__ import annotations

import re

import pytest

from clientela.coupons.models import Coupon, CouponBatch
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(page):
    page.set_default_timeout(30_000)  # the shared machine is slow under load
    return page


def test_a_marketer_creates_a_coupon_batch(live_server, page, users):
    sign_in(page, live_server, "marketer")

    page.goto(f"{live_server.url}/customer-desk/coupons/")
    page.click("[data-testid=coupon-new-link]")
    form = page.locator("[data-testid=coupon-new-form]")
    form.locator("input[name=name]").fill("Black Friday")
    form.locator("select[name=kind]").select_option("fixed")
    form.locator("input[name=value]").fill("5")
    form.locator("input[name=min_spend]").fill("25")
    form.locator("input[name=valid_to]").fill("2099-12-31")
    form.locator("input[name=code_count]").fill("60")
    form.locator("input[name=prefix]").fill("bf")
    form.locator("[data-testid=coupon-create]").click()

    page.wait_for_url(re.compile(r"/customer-desk/coupons/cpb_\w+/$"))
    batch = CouponBatch.objects.get()
    assert (batch.name, batch.kind, str(batch.value), str(batch.min_spend), batch.code_count) == (
        "Black Friday", "fixed", "5.00", "25.00", 60,
    )  # fmt: skip
    assert "The batch is created with 60 codes." in page.text_content(".messages")
    assert page.text_content("[data-testid=coupon-issued]").strip() == "60"
    assert page.text_content("[data-testid=coupon-used]").strip() == "0"
    shown = page.locator("[data-testid=coupon-codes] .coupon-code").all_text_contents()
    assert shown == list(Coupon.objects.order_by("id").values_list("code", flat=True)[:20])
    assert all(code.startswith("BF-") for code in shown)
    assert page.locator("[data-testid=coupon-report] svg").count() == 1


def test_a_viewer_does_not_get_the_form(live_server, page, users):
    sign_in(page, live_server, "viewer")

    page.goto(f"{live_server.url}/customer-desk/coupons/")
    assert page.locator("[data-testid=coupon-new-link]").count() == 0
    page.goto(f"{live_server.url}/customer-desk/coupons/new/")

    assert page.locator("[data-testid=coupon-new-form]").count() == 0
    assert "Only marketers, managers and admins create coupon batches." in page.text_content(
        "[data-testid=coupon-new-denied]"
    )
