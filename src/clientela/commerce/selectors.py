from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from clientela.commerce.models import Order, OrderLine


def order_list_for_party(*, party_id: int, limit: int = 50) -> QuerySet[Order]:
    """Orders the party paid for or consumed from (gifts received), newest first, with lines
    (payer and consumer loaded)."""
    return (
        Order.objects.filter(Q(payer_id=party_id) | Q(lines__consumer_id=party_id))
        .distinct()
        .select_related("payer", "relationship")
        .prefetch_related(
            Prefetch(
                "lines", queryset=OrderLine.objects.select_related("payer", "consumer", "item")
            )
        )
        .order_by("-placed_at", "-id")[:limit]
    )


def _lines_prefetch() -> Prefetch:
    return Prefetch(
        "lines",
        queryset=OrderLine.objects.select_related("payer", "consumer", "item").order_by("id"),
    )


def orders_filtered(
    *,
    party_id: int | None = None,
    status: str = "",
    channel: str = "",
    placed_from=None,
    placed_to=None,
) -> QuerySet[Order]:
    """Orders matching the filters, unordered, with payer, relationship and lines loaded.
    `party_id`: orders the party paid for or consumed from; `placed_from` inclusive,
    `placed_to` exclusive."""
    qs = Order.objects.all()
    if party_id is not None:
        consumed = OrderLine.objects.filter(consumer_id=party_id).values("order_id")
        qs = qs.filter(Q(payer_id=party_id) | Q(pk__in=consumed))
    if status:
        qs = qs.filter(status=status)
    if channel:
        qs = qs.filter(channel=channel)
    if placed_from is not None:
        qs = qs.filter(placed_at__gte=placed_from)
    if placed_to is not None:
        qs = qs.filter(placed_at__lt=placed_to)
    return qs.select_related("payer", "relationship").prefetch_related(_lines_prefetch())


def order_get(*, public_id: str) -> Order:
    """The order with payer, relationship and lines loaded; NOT_FOUND otherwise."""
    from django.utils.translation import gettext as _

    from clientela.core.errors import ApplicationError, ErrorCode

    found = (
        Order.objects.select_related("payer", "relationship")
        .prefetch_related(_lines_prefetch())
        .filter(public_id=public_id)
        .first()
    )
    if found is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, _("No such order."))
    return found


def catalog_items_filtered(*, offering: str = "", active: bool | None = None, category: str = ""):
    """Catalogue items matching the filters, unordered."""
    from clientela.commerce.models import CatalogItem

    qs = CatalogItem.objects.all()
    if offering:
        qs = qs.filter(offering=offering)
    if active is not None:
        qs = qs.filter(active=active)
    if category:
        qs = qs.filter(category=category)
    return qs


def catalog_item_get(*, public_id: str):
    """The catalogue item; NOT_FOUND otherwise."""
    from django.utils.translation import gettext as _

    from clientela.commerce.models import CatalogItem
    from clientela.core.errors import ApplicationError, ErrorCode

    found = CatalogItem.objects.filter(public_id=public_id).first()
    if found is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, _("No such catalogue item."))
    return found


def catalog_items_by_public_id(*, public_ids) -> dict:
    """{public id: CatalogItem} for the items that exist (one query)."""
    from clientela.commerce.models import CatalogItem

    return {item.public_id: item for item in CatalogItem.objects.filter(public_id__in=public_ids)}
