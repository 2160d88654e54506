"""Exports: rows in exactly the columns the matching import reads, so an export imports back.

A record without an external id is exported with its public id in the external_id column:
re-importing the export into the same database matches every record (unchanged), and
importing it elsewhere keeps a stable reference to the original.
Rows are streamed in chunks, so an export's memory does not grow with the database.
"""

from __future__ import annotations

from collections.abc import Iterator

from clientela.transfer.csv_formats import LIST_SEPARATOR

_CHUNK = 2000


def parties_export_rows() -> Iterator[dict]:
    """One row per party, in creation order (columns: csv_formats.PARTY_COLUMNS)."""
    from django.db.models import Prefetch

    from clientela.parties.models import ContactPoint, Party, Relationship

    parties = Party.objects.order_by("id").prefetch_related(
        "tags",
        Prefetch("contact_points", queryset=ContactPoint.objects.order_by("-is_primary", "id")),
        Prefetch(
            "relationships",
            queryset=Relationship.objects.filter(is_current=True).select_related("owner"),
            to_attr="current_relationships",
        ),
    )
    for party in parties.iterator(chunk_size=_CHUNK):
        points = list(party.contact_points.all())
        current = party.current_relationships[0] if party.current_relationships else None
        yield {
            "kind": party.kind,
            "given_name": party.given_name,
            "family_name": party.family_name,
            "organisation_name": party.organisation_name,
            "email": LIST_SEPARATOR.join(p.value for p in points if p.kind == "email"),
            "phone": LIST_SEPARATOR.join(p.value for p in points if p.kind == "phone"),
            "language": party.language,
            "tags": LIST_SEPARATOR.join(sorted(tag.name for tag in party.tags.all())),
            "marketing_consent": party.marketing_consent,
            "consent_source": party.consent_source,
            "relationship_kind": current.kind if current else "",
            "acquisition_channel": current.acquisition_channel if current else "",
            "owner": current.owner.username if current and current.owner else "",
            "stage": current.stage if current else "",
            "external_id": party.external_id or party.public_id,
        }


def orders_export_rows() -> Iterator[dict]:
    """One row per order line, orders by time (columns: csv_formats.ORDER_COLUMNS); the
    consumer columns are blank when the consumer is the payer."""
    from clientela.commerce.models import OrderLine

    lines = OrderLine.objects.select_related("order", "item", "payer", "consumer").order_by(
        "order__placed_at", "order_id", "id"
    )
    emails: dict[int, str] = {}
    for line in lines.iterator(chunk_size=_CHUNK):
        order = line.order
        consumer = line.consumer if line.consumer_id != line.payer_id else None
        yield {
            "external_id": order.external_id or order.public_id,
            "placed_at": order.placed_at,
            "payer_email": _email(line.payer, emails),
            "payer_external_id": line.payer.external_id or line.payer.public_id,
            "payer_name": line.payer.display_name,
            "consumer_email": _email(consumer, emails) if consumer else "",
            "consumer_external_id": (consumer.external_id or consumer.public_id)
            if consumer
            else "",
            "currency": order.currency,
            "channel": order.channel,
            "status": order.status,
            "sku": line.item.sku if line.item else "",
            "description": line.description,
            "quantity": format(line.quantity.normalize(), "f"),
            "unit_price": line.unit_price,
        }


def _email(party, cache: dict[int, str]) -> str:
    from clientela.parties.models import ContactPoint

    if party.pk not in cache:
        cache[party.pk] = (
            ContactPoint.objects.filter(party=party, kind="email")
            .order_by("-is_primary", "id")
            .values_list("value", flat=True)
            .first()
            or ""
        )
    return cache[party.pk]
