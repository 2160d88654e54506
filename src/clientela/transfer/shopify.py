"""Shopify's orders export (Orders > Export > CSV) -> order plans.

The mapping (documented in docs/cli.md):
- one row per line item; the rows of one order share its `Name` (#1001) and the first one
  carries the order's fields; the order's external id is "shopify:" + Name, so re-importing
  a later export changes nothing except a status that changed (paid -> refunded);
- Financial Status: paid and partially_paid -> paid; refunded and partially_refunded ->
  refunded; voided -> cancelled; pending and authorized are refused (no money yet);
- the payer is the party with the order's Email, or a new customer (acquisition channel
  website) named after the Billing Name;
- when the Shipping Name differs from the Billing Name the order is a gift: every line's
  consumer is a new person with the shipping name, linked to nothing but the order lines;
- a Shipping amount above zero becomes one more line ("Shipping: <method>") paid and used
  by the payer, so the order's total matches Shopify's when prices include tax;
- the channel is `online`.
"""

from __future__ import annotations

from datetime import datetime

from clientela.core.errors import ApplicationError, validation_error
from clientela.transfer.csv_formats import CsvRow, parse_bool, parse_datetime, parse_decimal
from clientela.transfer.orders_rows import (
    LinePlan,
    NewParty,
    OrderPlan,
    PartyFinder,
    group_reject,
    new_customer,
    orders_existing,
    split_name,
)
from clientela.transfer.report import Plan, Rejections, reason_of

SHOPIFY_COLUMNS = (
    "Name",
    "Email",
    "Financial Status",
    "Paid at",
    "Fulfillment Status",
    "Fulfilled at",
    "Accepts Marketing",
    "Currency",
    "Subtotal",
    "Shipping",
    "Taxes",
    "Total",
    "Discount Code",
    "Discount Amount",
    "Shipping Method",
    "Created at",
    "Lineitem quantity",
    "Lineitem name",
    "Lineitem price",
    "Lineitem compare at price",
    "Lineitem sku",
    "Lineitem requires shipping",
    "Lineitem taxable",
    "Lineitem fulfillment status",
    "Billing Name",
    "Shipping Name",
)
SHOPIFY_REQUIRED = (
    "Name",
    "Email",
    "Financial Status",
    "Currency",
    "Created at",
    "Lineitem quantity",
    "Lineitem name",
    "Lineitem price",
)
STATUS_MAP = {
    "paid": "paid",
    "partially_paid": "paid",
    "refunded": "refunded",
    "partially_refunded": "refunded",
    "voided": "cancelled",
}
NOT_YET_PAID = {"pending", "authorized", "expired"}


def shopify_rows_plan(rows: list[CsvRow], rejections: Rejections) -> list[Plan]:
    from clientela.commerce.models import CatalogItem

    groups: dict[str, list[CsvRow]] = {}
    for row in rows:
        name = row.get("Name")
        if not name:
            rejections.add(row.line, "Name: is required (the order number, such as #1001)")
            continue
        groups.setdefault(name, []).append(row)
    existing = orders_existing(sorted(f"shopify:{name}" for name in groups))
    finder = PartyFinder()
    items: dict[str, object | None] = {}
    plans: list[Plan] = []
    for name, group in groups.items():
        plan = None
        try:
            plan = _order(name, group[0], existing)
        except ApplicationError as exc:
            for row in group:
                rejections.add(row.line, reason_of(exc))
            continue
        for row in group:
            try:
                plan.lines.append(_line(row, items, CatalogItem))
            except ApplicationError as exc:
                rejections.add(row.line, reason_of(exc))
        if plan.existing is None and not any(row.line in rejections for row in group):
            try:
                _parties(plan, group[0], finder)
            except ApplicationError as exc:
                for row in group:
                    rejections.add(row.line, reason_of(exc))
        if not any(row.line in rejections for row in group):
            plans.append(Plan(lines=[row.line for row in group], data=plan))
    group_reject(groups, rejections, "Shopify order")
    return plans


def _order(name: str, head: CsvRow, existing: dict) -> OrderPlan:
    status = head.get("Financial Status").lower()
    if status in NOT_YET_PAID:
        raise validation_error(
            "Financial Status",
            f"{status!r} orders are not paid yet; import them once Shopify says paid",
        )
    if status not in STATUS_MAP:
        raise validation_error(
            "Financial Status", f"{status!r} is not one of {', '.join(sorted(STATUS_MAP))}"
        )
    currency = head.get("Currency").upper()
    if len(currency) != 3 or not currency.isalpha():
        raise validation_error("Currency", f"{currency!r} is not a three-letter ISO code")
    plan = OrderPlan(
        external_id=f"shopify:{name}",
        placed_at=_shopify_time("Created at", head.get("Created at")),
        currency=currency,
        channel="online",
        status=STATUS_MAP[status],
        existing=existing.get(f"shopify:{name}"),
    )
    return plan


def _line(row: CsvRow, items: dict, CatalogItem) -> LinePlan:
    description = row.get("Lineitem name")
    if not description:
        raise validation_error("Lineitem name", "is required")
    sku = row.get("Lineitem sku")
    if sku and sku not in items:
        items[sku] = CatalogItem.objects.filter(sku=sku).first()
    return LinePlan(
        description=description[:200],
        quantity=parse_decimal("Lineitem quantity", row.get("Lineitem quantity"), positive=True),
        unit_price=parse_decimal("Lineitem price", row.get("Lineitem price")),
        item=items.get(sku) if sku else None,
    )


def _parties(plan: OrderPlan, head: CsvRow, finder: PartyFinder) -> None:
    from clientela.parties.services import contact_normalize

    email = head.get("Email").lower()
    if not email:
        raise validation_error("Email", "is required to find or create the payer")
    try:
        contact_normalize("email", email)
    except ApplicationError as exc:
        raise validation_error("Email", exc.message.split(": ", 1)[-1]) from exc
    billing, shipping = head.get("Billing Name"), head.get("Shipping Name")
    plan.payer = finder.by_email(email)
    if plan.payer is None:
        consent = parse_bool("Accepts Marketing", head.get("Accepts Marketing"))
        plan.payer_new = new_customer(email, billing, "online", consent=consent)
        plan.payer_new.fields["consent_source"] = "shopify" if consent else ""
    if shipping and billing and _fold(shipping) != _fold(billing):
        given, family = split_name(shipping)
        gift = NewParty(
            key=f"gift:{plan.external_id}",
            fields={"given_name": given[:100], "family_name": family[:100]},
        )
        for line in plan.lines:
            line.consumer_new = gift
    shipping_amount = parse_decimal("Shipping", head.get("Shipping") or "0")
    if shipping_amount > 0:
        method = head.get("Shipping Method")
        plan.lines.append(
            LinePlan(
                description=f"Shipping: {method}" if method else "Shipping",
                quantity=parse_decimal("Shipping", "1"),
                unit_price=shipping_amount,
            )
        )


def _shopify_time(column: str, value: str) -> datetime:
    """Shopify writes '2024-03-05 14:22:10 +0100'; ISO 8601 is accepted too."""
    try:
        return datetime.strptime(value.strip(), "%Y-%m-%d %H:%M:%S %z")
    except ValueError:
        return parse_datetime(column, value)


def _fold(name: str) -> str:
    return " ".join(name.lower().split())
