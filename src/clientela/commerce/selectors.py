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
