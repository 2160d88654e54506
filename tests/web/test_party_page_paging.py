"""The party page shows the newest activities and orders a page at a time."""

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from clientela.activities.services import activity_log
from clientela.commerce.services import LineIn, order_record

START = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)


def _history(admin, party, activities: int, orders: int) -> None:
    for n in range(1, activities + 1):
        activity_log(actor=admin, party=party, kind="call", subject=f"Touch {n:02d}",
                     occurred_at=START + timedelta(days=n))  # fmt: skip
    for n in range(1, orders + 1):
        order_record(actor=admin, payer=party, currency="EUR", external_id=f"shop-{n:02d}",
                     placed_at=START + timedelta(days=n),
                     lines=[LineIn(description="Coffee", unit_price=Decimal("3.50"))])  # fmt: skip


def _shown(page: str) -> tuple[list[str], list[str]]:
    return re.findall(r"Touch (\d\d)", page), re.findall(r"<strong>shop-(\d\d)</strong>", page)


def test_the_newest_page_first_then_more_on_request(login, users, customer):
    _history(users["admin"], customer, activities=20, orders=12)
    client = login("viewer")
    url = f"/parties/{customer.public_id}/"

    page = client.get(url).content.decode()
    touches, orders = _shown(page)
    assert touches == [f"{n:02d}" for n in range(20, 5, -1)]  # 15 newest
    assert orders == [f"{n:02d}" for n in range(12, 2, -1)]  # 10 newest
    assert 'href="?timeline=30&amp;orders=10#timeline"' in page
    assert 'href="?timeline=15&amp;orders=20#orders"' in page

    page = client.get(url, {"timeline": "30", "orders": "20"}).content.decode()
    touches, orders = _shown(page)
    assert touches == [f"{n:02d}" for n in range(20, 0, -1)]
    assert orders == [f"{n:02d}" for n in range(12, 0, -1)]
    assert 'data-testid="timeline-more"' not in page
    assert 'data-testid="orders-more"' not in page


def test_nonsense_sizes_fall_back_to_one_page(login, users, customer):
    _history(users["admin"], customer, activities=16, orders=0)
    client = login("viewer")
    for value in ("abc", "-5", "3"):
        response = client.get(f"/parties/{customer.public_id}/", {"timeline": value})
        assert response.status_code == 200
        assert len(_shown(response.content.decode())[0]) == 15
