"""Order plans (shared by the CSV and Shopify formats) and the orders CSV rows.

Several rows with the same external id are the lines of one order; the order's fields
(placed_at, payer, currency, channel, status) come from its first row and may be left blank
on the following rows, or repeated identically. One bad line rejects its whole order: an
order is never recorded with some of its lines missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from clientela.core.errors import ApplicationError, validation_error
from clientela.transfer.csv_formats import (
    CsvRow,
    parse_choice,
    parse_datetime,
    parse_decimal,
)
from clientela.transfer.report import ImportReport, Plan, Rejections, reason_of

ORDER_FIELDS = ("placed_at", "payer", "currency", "channel", "status")
_ACQUISITION_BY_CHANNEL = {
    "online": "website",
    "marketplace": "marketplace",
    "store": "walk_in",
}


@dataclass
class NewParty:
    """A party the apply step creates once (per key) when an order first needs it."""

    key: str
    fields: dict  # keyword arguments for party_create


@dataclass
class LinePlan:
    description: str
    quantity: Decimal
    unit_price: Decimal
    item: object | None = None  # CatalogItem
    consumer: object | None = None  # Party; None: the payer (or consumer_new)
    consumer_new: NewParty | None = None


@dataclass
class OrderPlan:
    external_id: str
    placed_at: datetime
    currency: str
    channel: str
    status: str
    payer: object | None = None  # Party
    payer_new: NewParty | None = None
    lines: list[LinePlan] = field(default_factory=list)
    existing: object | None = None  # Order with this external (or public) id


def split_name(name: str) -> tuple[str, str]:
    """'Ana Maria Popescu' -> ('Ana Maria', 'Popescu'); one word is a given name."""
    parts = name.split()
    if len(parts) < 2:
        return name.strip(), ""
    return " ".join(parts[:-1]), parts[-1]


def new_customer(email: str, name: str, channel: str, consent: bool = False) -> NewParty:
    given, family = split_name(name or email.split("@")[0])
    fields = {
        "given_name": given[:100],
        "family_name": family[:100],
        "emails": [email],
        "relationship_kind": "customer",
        "acquisition_channel": _ACQUISITION_BY_CHANNEL.get(channel, "other"),
        "marketing_consent": consent,
        "consent_source": "import" if consent else "",
    }
    return NewParty(key=f"email:{email}", fields=fields)


class PartyFinder:
    """Parties by email or by external (or public) id, each looked up once per import."""

    def __init__(self) -> None:
        self._cache: dict[str, object | None] = {}

    def by_email(self, email: str):
        from clientela.parties.selectors import party_find_by_email

        key = f"email:{email.strip().lower()}"
        if key not in self._cache:
            self._cache[key] = party_find_by_email(email=email)
        return self._cache[key]

    def by_external_id(self, external_id: str):
        from django.db.models import Q

        from clientela.parties.models import Party

        key = f"ext:{external_id}"
        if key not in self._cache:
            self._cache[key] = (
                Party.objects.filter(Q(external_id=external_id) | Q(public_id=external_id))
                .order_by("id")
                .first()
            )
        return self._cache[key]


def orders_existing(external_ids: list[str]) -> dict[str, object]:
    from django.db.models import Q

    from clientela.commerce.models import Order

    found: dict[str, object] = {}
    for start in range(0, len(external_ids), 500):
        chunk = external_ids[start : start + 500]
        for order in Order.objects.filter(Q(external_id__in=chunk) | Q(public_id__in=chunk)):
            found[order.external_id or order.public_id] = order
            found[order.public_id] = order
    return found


def group_reject(groups: dict[str, list[CsvRow]], rejections: Rejections, label: str) -> None:
    """Reject every line of an order one of whose lines is rejected."""
    for key, rows in groups.items():
        bad = [row.line for row in rows if row.line in rejections]
        for row in rows:
            if bad and row.line not in rejections:
                rejections.add(row.line, f"{label} {key!r} has a rejected line (line {bad[0]})")


class OrderApplier:
    """Writes one OrderPlan through commerce.services, creating new parties first.

    Parties created for an order are remembered only once the order is recorded, so a
    refused order (rolled back to its savepoint) leaves no remembered ghost party."""

    def __init__(self, *, actor, report: ImportReport) -> None:
        self.actor = actor
        self.report = report
        self.created: dict[str, object] = {}

    def __call__(self, plan: Plan) -> str:
        from clientela.commerce.services import LineIn, order_record, order_set_status

        data: OrderPlan = plan.data
        if data.existing is not None:
            if data.existing.status == data.status:
                return "unchanged"
            order_set_status(actor=self.actor, order=data.existing, status=data.status)
            return "updated"
        local: dict[str, object] = {}
        payer = data.payer or self._party(data.payer_new, local)
        lines = [
            LineIn(
                description=line.description,
                unit_price=line.unit_price,
                quantity=line.quantity,
                item=line.item,
                consumer=line.consumer
                or (self._party(line.consumer_new, local) if line.consumer_new else None),
            )
            for line in data.lines
        ]
        _order, outcome = order_record(
            actor=self.actor,
            payer=payer,
            lines=lines,
            currency=data.currency,
            channel=data.channel,
            status=data.status,
            placed_at=data.placed_at,
            external_id=data.external_id,
        )
        self.created.update(local)
        self.report.parties_created += len(local)
        return str(outcome)

    def _party(self, new: NewParty, local: dict):
        from clientela.parties.services import party_create

        if new.key in self.created:
            return self.created[new.key]
        if new.key not in local:
            local[new.key] = party_create(actor=self.actor, **new.fields)
        return local[new.key]


def order_rows_plan(
    rows: list[CsvRow], rejections: Rejections, *, create_parties: bool
) -> list[Plan]:
    from clientela.commerce.models import CatalogItem, OrderStatus, SalesChannel

    items: dict[str, object | None] = {}
    groups: dict[str, list[CsvRow]] = {}
    parsed: dict[int, tuple[dict, LinePlan]] = {}
    for row in rows:
        try:
            external_id = row.get("external_id")
            if not external_id:
                raise validation_error("external_id", "is required (it groups an order's lines)")
            if len(external_id) > 120:
                raise validation_error("external_id", "is longer than 120 characters")
            groups.setdefault(external_id, []).append(row)
            parsed[row.line] = _parse_row(row, items, CatalogItem, OrderStatus, SalesChannel)
        except ApplicationError as exc:
            rejections.add(row.line, reason_of(exc))
    for group in groups.values():
        _check_consistent(group, parsed, rejections)
    group_reject(groups, rejections, "order")
    existing = orders_existing(sorted(groups))
    finder = PartyFinder()
    plans: list[Plan] = []
    for key, group in groups.items():
        if any(row.line in rejections for row in group):
            continue
        head = parsed[group[0].line][0]
        plan = OrderPlan(
            external_id=key,
            placed_at=head["placed_at"],
            currency=head["currency"],
            channel=head["channel"],
            status=head["status"],
            existing=existing.get(key),
        )
        try:
            if plan.existing is None:
                plan.payer, plan.payer_new = _payer(head, finder, create_parties, plan.channel)
                for row in group:
                    fields, line = parsed[row.line]
                    line.consumer, line.consumer_new = _consumer(row, finder, create_parties)
                    plan.lines.append(line)
        except ApplicationError as exc:
            for row in group:
                rejections.add(row.line, reason_of(exc))
            continue
        plans.append(Plan(lines=[row.line for row in group], data=plan))
    return plans


def _parse_row(row, items, CatalogItem, OrderStatus, SalesChannel) -> tuple[dict, LinePlan]:
    if row.extra_cells:
        raise validation_error("row", "has more cells than the header has columns")
    head: dict = {}
    if row.get("placed_at"):
        head["placed_at"] = parse_datetime("placed_at", row.get("placed_at"))
    if row.get("payer_email") or row.get("payer_external_id"):
        head["payer"] = (row.get("payer_email").lower(), row.get("payer_external_id"))
        head["payer_name"] = row.get("payer_name")
    if row.get("currency"):
        currency = row.get("currency").upper()
        if len(currency) != 3 or not currency.isalpha():
            raise validation_error("currency", f"{currency!r} is not a three-letter ISO code")
        head["currency"] = currency
    if row.get("channel"):
        head["channel"] = parse_choice("channel", row.get("channel"), SalesChannel.values)
    if row.get("status"):
        head["status"] = parse_choice("status", row.get("status"), OrderStatus.values)
    sku, item = row.get("sku"), None
    if sku:
        if sku not in items:
            items[sku] = CatalogItem.objects.filter(sku=sku).first()
        item = items[sku]
        if item is None:
            raise validation_error("sku", f"no catalogue item has the sku {sku!r}")
    description = row.get("description") or (item.name if item else "")
    if not description:
        raise validation_error("description", "is required when there is no sku")
    if len(description) > 200:
        raise validation_error("description", "is longer than 200 characters")
    quantity = parse_decimal("quantity", row.get("quantity") or "1", positive=True)
    if row.get("unit_price"):
        price = parse_decimal("unit_price", row.get("unit_price"))
    elif item is not None:
        price = item.unit_price
    else:
        raise validation_error("unit_price", "is required when there is no sku")
    return head, LinePlan(description=description, quantity=quantity, unit_price=price, item=item)


def _check_consistent(group: list[CsvRow], parsed: dict, rejections: Rejections) -> None:
    first = group[0]
    if first.line not in parsed:
        return
    head = parsed[first.line][0]
    head.setdefault("channel", "store")
    head.setdefault("status", "paid")
    for name, column in (
        ("placed_at", "placed_at"),
        ("payer", "payer_email"),
        ("currency", "currency"),
    ):
        if name not in head:
            rejections.add(first.line, f"{column}: is required on the first line of an order")
            return
    for row in group[1:]:
        if row.line not in parsed:
            continue
        other = parsed[row.line][0]
        for name in ORDER_FIELDS:
            if name in other and other[name] != head[name]:
                column = "payer_email" if name == "payer" else name
                rejections.add(
                    row.line,
                    f"{column}: differs from line {first.line} of the same order "
                    "(leave it blank or repeat it)",
                )
                break


def _payer(head: dict, finder: PartyFinder, create_parties: bool, channel: str):
    email, external_id = head["payer"]
    if external_id:
        party = finder.by_external_id(external_id)
        if party is not None:
            return party, None
        if not email:
            raise validation_error("payer_external_id", f"no party has the id {external_id!r}")
    party = finder.by_email(email)
    if party is not None:
        return party, None
    if not create_parties:
        raise validation_error(
            "payer_email",
            f"no party has the email {email!r} (give --create-parties to create it as a customer)",
        )
    from clientela.parties.services import contact_normalize

    try:
        contact_normalize("email", email)
    except ApplicationError as exc:
        raise validation_error("payer_email", exc.message.split(": ", 1)[-1]) from exc
    return None, new_customer(email, head.get("payer_name", ""), channel)


def _consumer(row: CsvRow, finder: PartyFinder, create_parties: bool):
    email, external_id = row.get("consumer_email").lower(), row.get("consumer_external_id")
    if not (email or external_id):
        return None, None
    if external_id:
        party = finder.by_external_id(external_id)
        if party is not None:
            return party, None
        if not email:
            raise validation_error("consumer_external_id", f"no party has the id {external_id!r}")
    party = finder.by_email(email)
    if party is not None:
        return party, None
    if not create_parties:
        raise validation_error(
            "consumer_email",
            f"no party has the email {email!r} (give --create-parties to create it)",
        )
    given, family = split_name(email.split("@")[0])
    return None, NewParty(
        key=f"email:{email}", fields={"given_name": given, "family_name": family, "emails": [email]}
    )
