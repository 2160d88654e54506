"""Data for bench/loyalty.py: generated customers and paid orders written in bulk (COPY on
PostgreSQL, executemany on SQLite), the programme whose every rule the orders exercise, and
the members enrolled in bulk. Runs inside the benchmark's child process (Django set up)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

GIVEN = ("Ana", "Ion", "Maria", "Pablo", "Zofia", "Piotr", "Elena", "Lucia", "Mihai", "Sara")
FAMILY = ("Popescu", "Nowak", "Garcia", "Ionescu", "Kowalski", "Lopez", "Marin", "Wojcik")
# (sku, name, category, price): a café's till; `beans` has a category rule
CATALOGUE = (
    ("BENCH-ESP", "Espresso", "coffee", "2.20"),
    ("BENCH-FLT", "Flat white", "coffee", "3.40"),
    ("BENCH-CRO", "Croissant", "pastry", "2.60"),
    ("BENCH-CAKE", "Cheesecake", "pastry", "4.80"),
    ("BENCH-BEAN", "House beans 250 g", "beans", "11.90"),
    ("BENCH-BEAN2", "Single origin 250 g", "beans", "15.50"),
    ("BENCH-MUG", "Mug", "merch", "14.00"),
)
# sales channels with their weights; `online` has a channel rule
CHANNELS = (("store", 70), ("online", 20), ("phone", 5), ("marketplace", 5))
ORDER_DAYS = 300  # orders are spread over the last 300 days (no points expire during the run)
CHUNK = 50_000


# ------------------------------------------------------------------ data (in the child)


def progress_bar():
    from rich.progress import MofNCompleteColumn, Progress, TimeElapsedColumn

    return Progress(*Progress.get_default_columns(), MofNCompleteColumn(), TimeElapsedColumn())


def _write(model, columns: tuple[str, ...], rows: list[tuple]) -> int:
    """COPY on PostgreSQL, one executemany (core.bulk.rows_insert) on SQLite."""
    from django.db import connection, models

    from clientela.core.bulk import rows_insert

    if connection.vendor != "postgresql":
        return rows_insert(model=model, columns=columns, rows=rows)
    fields = [model._meta.get_field(name) for name in columns]
    stamps = [i for i, f in enumerate(fields) if isinstance(f, models.DateTimeField)]
    quote = connection.ops.quote_name
    names = ", ".join(quote(field.column) for field in fields)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN") as cp:
            for row in rows:
                if stamps:
                    row = list(row)
                    for i in stamps:
                        if row[i] is not None:
                            row[i] = row[i].replace(tzinfo=UTC)
                cp.write_row(row)
    return len(rows)


def data_generate(*, parties: int, orders: int, seed: int, now: datetime) -> dict:
    """Parties (customers in retention), their relationships and `orders` paid orders of
    one or two lines; returns the ids the benchmark needs. Deterministic from `seed`."""
    from django.db import transaction

    from clientela.commerce.models import Order, OrderLine
    from clientela.commerce.services import catalog_item_create
    from clientela.core.bulk import bulk_session, next_ids, sequences_reset
    from clientela.demo.rows import START, TABLE_COLUMNS, Builder, Item
    from clientela.journeys.models import JourneyTransition
    from clientela.parties.models import Party, Relationship
    from clientela.parties.services import party_current_refresh

    models = {
        "parties": Party,
        "relationships": Relationship,
        "transitions": JourneyTransition,
        "orders": Order,
        "order_lines": OrderLine,
    }
    items = []
    for sku, name, category, price in CATALOGUE:
        item = catalog_item_create(
            actor=None, sku=sku, name=name, offering="standardised",
            unit_price=Decimal(price), currency="EUR", category=category,
        )  # fmt: skip
        items.append(Item(item.pk, sku, name, "standardised", item.unit_price))
    first = next_ids(list(models.values()))
    b = Builder(seed=seed, next_id={t: first[m] for t, m in models.items()}, currency="EUR")
    rng = random.Random(f"bench-loyalty:{seed}")
    t_now = int((now.replace(tzinfo=None) - START).total_seconds())
    channels = [c for c, weight in CHANNELS for _ in range(weight)]
    party_ids, rel_ids = [], []
    written = {table: 0 for table in models}

    def flush() -> None:
        rows = b.take()
        with transaction.atomic():
            for table, model in models.items():
                written[table] += _write(model, TABLE_COLUMNS[table], rows[table])
            if rows["parties"]:
                party_current_refresh(id_range=(rows["parties"][0][0], rows["parties"][-1][0]))

    with bulk_session(), progress_bar() as bar:
        task = bar.add_task("parties", total=parties)
        for n in range(parties):
            t0 = t_now - rng.randrange(400 * 86400, 700 * 86400)
            pid = b.person(
                given=GIVEN[n % len(GIVEN)], family=FAMILY[(n // 10) % len(FAMILY)] + str(n),
                language="en", t=t0, consent=n % 3 == 0,
            )  # fmt: skip
            path = [("awareness", t0), ("purchase", t0 + 3600), ("retention", t0 + 40 * 86400)]
            rel_ids.append(b.relationship(party=pid, kind="customer", channel="walk_in",
                                          owner=None, path=path, actor=None))  # fmt: skip
            party_ids.append(pid)
            if len(b.rows["parties"]) == CHUNK:
                flush()
                bar.update(task, completed=n + 1)
        flush()
        bar.update(task, completed=parties)
        task = bar.add_task("orders", total=orders)
        order_first = b.next_id["orders"]
        for n in range(orders):
            who = int(parties * rng.random() ** 1.3)  # regulars buy more (up to ~15x the mean)
            lines = [(rng.choice(items), Decimal(rng.choice((1, 1, 1, 2, 3))), None)]
            if rng.random() < 0.4:
                lines.append((rng.choice(items), Decimal(1), None))
            b.order(payer=party_ids[who], relationship=rel_ids[who], channel=rng.choice(channels),
                    t=t_now - rng.randrange(ORDER_DAYS * 86400), lines=lines)  # fmt: skip
            if len(b.rows["orders"]) == CHUNK:
                flush()
                bar.update(task, completed=n + 1)
        flush()
        bar.update(task, completed=orders)
        sequences_reset(list(models.values()))
    return {
        "party_ids": party_ids,
        "order_ids": list(range(order_first, order_first + orders)),
        "rows": written,
    }


def programme_setup(*, now: datetime):
    """The programme every part of the formula is exercised by, configured through
    `loyalty.configure` as the system: 1 point a euro from 3.00, points expire after 12
    months; beans earn 1 more point a euro; online orders x1.5; a double-points campaign
    with a 5-point bonus over the last 30 days; three tiers (x1, x1.1, x1.25) reached on
    points earned in 12 months."""
    from django.utils import timezone

    from clientela.loyalty import configure

    programme = configure.programme_update(
        actor=None, currency="EUR", base_rate=Decimal("1"), min_spend=Decimal("3.00"),
        expiry_months=12, tier_window_months=12, auto_enrol=True, active=True,
    )  # fmt: skip
    configure.rule_create(actor=None, kind="category", category="beans",
                          extra_per_unit=Decimal("1"))  # fmt: skip
    configure.rule_create(actor=None, kind="channel", channel="online",
                          multiplier=Decimal("1.5"))  # fmt: skip
    today = timezone.localtime(now).date()
    configure.campaign_create(actor=None, name="Double points month",
                              starts_on=today - timedelta(days=29), ends_on=today,
                              multiplier=Decimal("2"), bonus_points=5)  # fmt: skip
    for position, (name, threshold, multiplier) in enumerate(
        (("Member", 0, "1"), ("Silver", 500, "1.1"), ("Gold", 2000, "1.25"))
    ):
        configure.tier_create(actor=None, name=name, threshold=threshold, position=position,
                              multiplier=Decimal(multiplier))  # fmt: skip
    return programme


def members_enrol(*, party_ids: list[int], now: datetime) -> int:
    """Every party a member, written in bulk as `loyalty_enrol` would (base tier, first
    review after `review_every_months`), enrolled before their first order."""
    from django.db import transaction
    from django.utils import timezone

    from clientela.core.bulk import sequences_reset
    from clientela.core.ids import new_public_id
    from clientela.loyalty.ledger import add_months
    from clientela.loyalty.models import LoyaltyAccount
    from clientela.loyalty.selectors import programme_get
    from clientela.loyalty.tiers import base_tier

    enrolled = (now - timedelta(days=ORDER_DAYS + 10)).replace(tzinfo=None)
    review = add_months(timezone.localtime(now).date() - timedelta(days=ORDER_DAYS + 10),
                        programme_get().review_every_months)  # fmt: skip
    tier = base_tier()
    columns = ("id", "public_id", "created_at", "updated_at", "party_id", "balance",
               "enrolled_at", "tier_id", "tier_since", "next_review_on")  # fmt: skip
    rows = [
        (n, new_public_id("lac"), enrolled, enrolled, party_id, 0, enrolled,
         tier.pk if tier else None, enrolled if tier else None, review)
        for n, party_id in enumerate(party_ids, start=1)
    ]  # fmt: skip
    with transaction.atomic():
        for start in range(0, len(rows), CHUNK):
            _write(LoyaltyAccount, columns, rows[start : start + CHUNK])
        sequences_reset([LoyaltyAccount])
    return len(rows)
