"""Catalogue and order writes. Orders are idempotent on their external id."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.accounts.permissions import Action, authorize, authorize_parties
from clientela.commerce import hooks
from clientela.commerce.models import (
    CatalogItem,
    Offering,
    Order,
    OrderLine,
    OrderStatus,
    SalesChannel,
)
from clientela.core.errors import (
    ApplicationError,
    ErrorCode,
    from_django_validation,
    validation_error,
)
from clientela.core.services import audit_record
from clientela.webhooks import events as webhook_events

CENT = Decimal("0.01")
# The largest amounts the columns hold: DecimalField(14, 2) and quantities (12, 3).
MAX_MONEY = Decimal("999999999999.99")
MAX_QUANTITY = Decimal("999999999.999")


class Outcome(StrEnum):
    CREATED = "created"
    UNCHANGED = "unchanged"
    UPDATED = "updated"


@dataclass(frozen=True)
class LineIn:
    description: str
    unit_price: Decimal
    quantity: Decimal = Decimal("1")
    item: CatalogItem | None = None
    offering: str | None = None  # defaults to the item's, else standardised
    consumer: object | None = None  # a Party; defaults to the payer


def catalog_item_create(
    *,
    actor,
    sku: str,
    name: str,
    offering: str,
    unit_price: Decimal,
    currency: str = "EUR",
    category: str = "",
) -> CatalogItem:
    authorize(actor, Action.CATALOGUE_CHANGE)
    item = CatalogItem(
        sku=sku.strip(),
        name=name.strip(),
        offering=offering,
        unit_price=_money("unit_price", unit_price),
        currency=_currency(currency),
        category=category.strip(),
    )
    try:
        item.full_clean(exclude=["public_id"])
    except ValidationError as exc:
        raise from_django_validation(exc) from exc
    try:
        with transaction.atomic():
            item.save()
            audit_record(
                actor=actor, action="catalogue.item_created", target=item, data={"sku": item.sku}
            )
    except IntegrityError as exc:  # a concurrent create took the sku first
        problem = _("%(value)s is already in the catalogue") % {"value": repr(item.sku)}
        raise ApplicationError(
            ErrorCode.CONFLICT,
            f"sku: {problem}",
            {"fields": {"sku": [_("already in the catalogue")]}},
        ) from exc
    return item


def order_record(
    *,
    actor,
    payer,
    lines: list[LineIn],
    currency: str,
    channel: str = SalesChannel.STORE,
    status: str = OrderStatus.PAID,
    placed_at: datetime | None = None,
    external_id: str | None = None,
) -> tuple[Order, Outcome]:
    """Record an order with its lines.

    Guarantees: re-recording an order with the same external id changes nothing (outcome
    `unchanged`), except a status change (paid -> refunded/cancelled), which is applied and
    audited (outcome `updated`); lines are validated before anything is written; the
    order's total is the sum of its line amounts; each line has a payer and a consumer.
    An external id already used for another payer's order is a CONFLICT, never that order."""
    authorize(actor, Action.ORDER_RECORD, party=payer)
    if external_id:
        existing = Order.objects.filter(external_id=external_id).first()
        if existing is not None:
            return _reapply(actor=actor, order=existing, status=status, payer=payer)
    order, built = _build_order(
        payer=payer,
        lines=lines,
        currency=currency,
        channel=channel,
        status=status,
        placed_at=placed_at,
        external_id=external_id,
    )
    try:
        with transaction.atomic():
            order.save()
            for line in built:
                line.order = order
            OrderLine.objects.bulk_create(built)
            audit_record(
                actor=actor,
                action="order.recorded",
                target=order,
                data={"total": order.total, "currency": order.currency},
            )
            webhook_events.emit_order_recorded(order=order, lines=built)
            hooks.run_orders_recorded(orders=[order], actor=actor, bulk=False)
    except IntegrityError:
        # A concurrent writer recorded the same external id first: same outcome as a retry.
        existing = Order.objects.filter(external_id=external_id).first() if external_id else None
        if existing is None:
            raise
        return _reapply(actor=actor, order=existing, status=status, payer=payer)
    return order, Outcome.CREATED


def order_set_status(*, actor, order: Order, status: str) -> Order:
    """Paid orders may be refunded or cancelled; refunded and cancelled orders are final.
    The row is locked and re-read, so two concurrent changes cannot both apply."""
    authorize(actor, Action.ORDER_RECORD, party=order.payer)
    if status not in OrderStatus.values:
        raise validation_error("status", _one_of(OrderStatus.values))
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if status != locked.status:
            if locked.status != OrderStatus.PAID:
                problem = _("a %(current)s order cannot become %(new)s") % {
                    "current": locked.status,
                    "new": status,
                }
                raise ApplicationError(
                    ErrorCode.CONFLICT, f"status: {problem}", {"fields": {"status": [_("final")]}}
                )
            before = locked.status
            locked.status = status
            locked.updated_at = timezone.now()
            locked.save(update_fields=["status", "updated_at"])
            audit_record(
                actor=actor,
                action="order.status_changed",
                target=locked,
                data={"from": before, "to": status},
            )
            hooks.run_order_status_changed(
                order=locked, from_status=before, to_status=status, actor=actor
            )
    order.status, order.updated_at = locked.status, locked.updated_at
    return order


_LOOK_UP = object()


def order_build_unsaved(
    *,
    payer,
    lines: list[LineIn],
    currency: str,
    channel: str,
    status: str,
    placed_at: datetime | None,
    external_id: str | None,
    relationship=_LOOK_UP,
) -> tuple[Order, list[OrderLine]]:
    """Validate and build (without saving) an order and its lines: for bulk paths.
    `relationship` is the payer's current relationship when the caller already knows it
    (one query for a whole batch instead of one per order); by default it is looked up."""
    return _build_order(
        payer=payer,
        lines=lines,
        currency=currency,
        channel=channel,
        status=status,
        placed_at=placed_at,
        external_id=external_id,
        relationship=relationship,
    )


def order_save_bulk(
    *, actor, orders: list[tuple[Order, list[OrderLine]]], batch_size: int = 5000
) -> int:
    """Write many built orders at once in one transaction (demo data, large imports).
    Orders whose external id already exists must have been filtered out by the caller.
    The actor must be allowed to record orders for every payer; one audit event per call."""
    from clientela.core.selectors import business_get

    authorize_parties(actor, Action.ORDER_RECORD, party_ids=[o.payer_id for o, _lines in orders])
    if not orders:
        return 0
    for order, _lines in orders:
        order.assign_public_id()
    with transaction.atomic():
        Order.objects.bulk_create([o for o, _lines in orders], batch_size=batch_size)
        lines = []
        for order, order_lines in orders:
            for line in order_lines:
                line.order_id = order.pk
                lines.append(line)
        OrderLine.objects.bulk_create(lines, batch_size=batch_size)
        audit_record(
            actor=actor,
            action="order.bulk_saved",
            target=business_get(),
            data={"orders": len(orders), "lines": len(lines)},
        )
        hooks.run_orders_recorded(orders=[o for o, _lines in orders], actor=actor, bulk=True)
    return len(orders)


@dataclass(frozen=True)
class KeyedOrderOutcome:
    """What happened to one keyed order: the order now recorded under its external id
    (`public_id`, paid by `payer_id`), and whether this call created it."""

    public_id: str
    payer_id: int
    created: bool


def order_save_bulk_keyed(
    *, actor, orders: list[tuple[Order, list[OrderLine]]], batch_size: int = 5000
) -> list[KeyedOrderOutcome]:
    """`order_save_bulk` for built orders that all carry an external id, reporting per order.

    Same guarantees (permission for every payer, one transaction, one audit event), plus:
    the outcome of order i is `result[i]`; an order whose external id is already recorded
    (before this call, or by a concurrent call that committed first: the unique constraint
    decides, the insert skips conflicts) is not written, its lines neither, and is reported
    with the existing order and `created=False`; that order may have another payer: the
    caller decides whether that is a conflict. External ids must be distinct within a call.
    Existing orders are never changed (no status is re-applied)."""
    from clientela.core.selectors import business_get

    authorize_parties(actor, Action.ORDER_RECORD, party_ids=[o.payer_id for o, _lines in orders])
    keys = [order.external_id for order, _lines in orders]
    if any(not key for key in keys) or len(set(keys)) != len(keys):
        raise validation_error("orders", _("every order needs its own external_id"))
    if not orders:
        return []
    for order, _lines in orders:
        order.assign_public_id()
    with transaction.atomic():
        # Insert all, skipping conflicts, then read back who holds each key: one lookup,
        # and it sees rows of concurrent writers that committed first.
        fresh = sorted(orders, key=lambda pair: pair[0].external_id)  # one lock order
        Order.objects.bulk_create(
            [o for o, _lines in fresh], batch_size=batch_size, ignore_conflicts=True
        )
        known = _orders_by_external_id(set(keys))
        lines = []
        for order, order_lines in fresh:
            public_id, pk, _payer = known[order.external_id]
            if public_id == order.public_id:
                for line in order_lines:
                    line.order_id = pk
                    lines.append(line)
        OrderLine.objects.bulk_create(lines, batch_size=batch_size)
        outcomes = [
            KeyedOrderOutcome(
                public_id=known[order.external_id][0],
                payer_id=known[order.external_id][2],
                created=known[order.external_id][0] == order.public_id,
            )
            for order, _lines in orders
        ]
        audit_record(
            actor=actor,
            action="order.bulk_saved",
            target=business_get(),
            data={"orders": sum(o.created for o in outcomes), "lines": len(lines)},
        )
        created = []
        for order, _lines in fresh:
            public_id, pk, _payer = known[order.external_id]
            if public_id == order.public_id:
                order.pk = pk
                created.append(order)
        hooks.run_orders_recorded(orders=created, actor=actor, bulk=True)
    return outcomes


def _orders_by_external_id(keys: set[str]) -> dict[str, tuple[str, int, int]]:
    """external id -> (public id, pk, payer id), 2,000 ids a query."""
    ordered, found = sorted(keys), {}
    for start in range(0, len(ordered), 2000):
        rows = Order.objects.filter(external_id__in=ordered[start : start + 2000])
        for key, public_id, pk, payer_id in rows.values_list(
            "external_id", "public_id", "pk", "payer_id"
        ):
            found[key] = (public_id, pk, payer_id)
    return found


def _reapply(*, actor, order: Order, status: str, payer) -> tuple[Order, Outcome]:
    if order.payer_id != getattr(payer, "pk", None):
        problem = _("%(value)s is already used by another payer's order") % {
            "value": repr(order.external_id)
        }
        raise ApplicationError(
            ErrorCode.CONFLICT,
            f"external_id: {problem}",
            {"fields": {"external_id": [_("already used by another payer's order")]}},
        )
    if status == order.status:
        return order, Outcome.UNCHANGED
    return order_set_status(actor=actor, order=order, status=status), Outcome.UPDATED


def _build_order(
    *, payer, lines, currency, channel, status, placed_at, external_id, relationship=_LOOK_UP
):
    from clientela.parties.selectors import relationship_current

    if payer is None or payer.pk is None:
        raise validation_error("payer", _("is required"))
    if not lines:
        raise validation_error("lines", _("an order needs at least one line"))
    if channel not in SalesChannel.values:
        raise validation_error("channel", _one_of(SalesChannel.values))
    if status not in OrderStatus.values:
        raise validation_error("status", _one_of(OrderStatus.values))
    if placed_at is not None and timezone.is_naive(placed_at):
        raise validation_error("placed_at", _("needs a time zone"))
    currency = _currency(currency)
    built = []
    for index, line in enumerate(lines):
        quantity = _decimal(f"lines[{index}].quantity", line.quantity)
        if quantity <= 0:
            raise validation_error(f"lines[{index}].quantity", _("must be positive"))
        if quantity > MAX_QUANTITY or quantity != quantity.quantize(Decimal("0.001")):
            raise validation_error(
                f"lines[{index}].quantity",
                _("at most %(max)s with 3 decimal places") % {"max": MAX_QUANTITY},
            )
        price = _money(f"lines[{index}].unit_price", line.unit_price)
        if line.consumer is not None and getattr(line.consumer, "pk", None) is None:
            raise validation_error(f"lines[{index}].consumer", _("must be a saved party"))
        offering = line.offering or (line.item.offering if line.item else Offering.STANDARDISED)
        if offering not in Offering.values:
            raise validation_error(
                f"lines[{index}].offering", _("must be standardised or personalised")
            )
        description = (line.description or (line.item.name if line.item else "")).strip()
        if not description:
            raise validation_error(f"lines[{index}].description", _("is required"))
        built.append(
            OrderLine(
                item=line.item,
                description=description[:200],
                offering=offering,
                quantity=quantity,
                unit_price=price,
                amount=(price * quantity).quantize(CENT, ROUND_HALF_UP),
                payer=payer,
                consumer=line.consumer or payer,
            )
        )
    total = sum((line.amount for line in built), Decimal("0"))
    for index, line in enumerate(built):
        if line.amount > MAX_MONEY:
            raise validation_error(f"lines[{index}].unit_price", _("the line amount is too large"))
    if total > MAX_MONEY:
        raise validation_error("lines", _("the order total is too large"))
    current = relationship_current(party=payer) if relationship is _LOOK_UP else relationship
    now = timezone.now()
    order = Order(
        payer=payer,
        relationship=current,
        external_id=external_id or None,
        placed_at=placed_at or now,
        currency=currency,
        channel=channel,
        status=status,
        total=total,
        created_at=now,
        updated_at=now,
    )
    return order, built


def _decimal(field: str, value) -> Decimal:
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise validation_error(
            field, _("%(value)s is not a number") % {"value": repr(value)}
        ) from exc
    if not result.is_finite():
        raise validation_error(field, _("must be a finite number"))
    return result


def _money(field: str, value) -> Decimal:
    amount = _decimal(field, value)
    if amount < 0:
        raise validation_error(field, _("cannot be negative"))
    amount = amount.quantize(CENT, ROUND_HALF_UP)
    if amount > MAX_MONEY:
        raise validation_error(field, _("cannot be more than %(max)s") % {"max": MAX_MONEY})
    return amount


def _currency(code: str) -> str:
    code = (code or "").strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise validation_error(
            "currency",
            _("%(value)s is not a three-letter ISO 4217 code") % {"value": repr(code)},
        )
    return code


def _one_of(choices) -> str:
    return _("must be one of %(choices)s") % {"choices": ", ".join(choices)}
