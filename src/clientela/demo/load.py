"""Generating and loading a demo business.

Generation streams chunks of about `CHUNK_PARTIES` parties with their whole history, so
memory stays flat at a million parties; each chunk is written through the bulk path
(`core.bulk`) in one transaction and reported to `progress`. The few staff users, the
business settings and the catalogue go through the ordinary services.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db import transaction

from clientela.demo.businesses import UNITS
from clientela.demo.names import pools_build
from clientela.demo.plan import CHUNK_PARTIES, PARTIES, plan_check, staff_plan
from clientela.demo.rows import TABLE_COLUMNS, TABLES, Builder, Item
from clientela.demo.world import World
from clientela.parties.services import party_current_refresh

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Context:
    """The ids the generated rows refer to: catalogue items by sku, and staff."""

    items: dict[str, Item]
    account_managers: list[int]
    support: int
    marketer: int
    next_id: dict[str, int]


def demo_generate(
    *, business: str, size: str, seed: int, context: Context, parties: int | None = None,
    chunk: int = CHUNK_PARTIES, truth: dict[int, str] | None = None,
) -> Iterator[tuple[int, dict[str, list[tuple]]]]:  # fmt: skip
    """Yield (parties so far, rows by table) chunk after chunk; pure and deterministic.
    `truth`, when given, is filled with what each party really is (`world.TRUTH`)."""
    plan = plan_check(business=business, size=size)
    total = parties if parties is not None else PARTIES[size][business]
    world = World(
        b=Builder(seed=seed, next_id=dict(context.next_id), currency=plan.currency),
        rng=random.Random(f"demo:{business}:{seed}"),
        pools=pools_build(seed=seed),
        items=context.items,
        account_managers=context.account_managers,
        support=context.support,
        marketer=context.marketer,
        truth=truth if truth is not None else {},
        business=business,
    )
    unit = UNITS[business]
    done = 0
    while done < total:
        target = min(done + chunk, total)
        while done < target:
            done += unit(world)
        yield done, world.b.take()


def demo_digest(*, business: str, size: str, seed: int, parties: int | None = None) -> str:
    """SHA-256 of every row the demo would write into an empty database (staff and
    catalogue ids numbered from 1): equal for equal seeds, the reproducibility check."""
    staff = staff_plan(size=size, seed=seed)
    context = _pure_context(business=business, size=size, staff=staff)
    digest = hashlib.sha256()
    for users_row in staff:
        digest.update(repr(users_row).encode())
    for _done, rows in demo_generate(
        business=business, size=size, seed=seed, context=context, parties=parties
    ):
        for table in TABLES:
            digest.update(table.encode())
            for row in rows[table]:
                digest.update(repr(row).encode())
    return digest.hexdigest()


def demo_truth(
    *, business: str, size: str, seed: int, parties: int | None = None
) -> dict[str, str]:
    """What the demo loaded with these arguments really holds: party public id -> one of
    `world.TRUTH`, for every party with a relationship. Computed without a database by
    generating the same rows again (public ids depend on the seed only), so an evaluation
    can compare the classification of a loaded demo with the truth behind it."""
    staff = staff_plan(size=size, seed=seed)
    context = _pure_context(business=business, size=size, staff=staff)
    labels: dict[int, str] = {}
    public: dict[int, str] = {}
    for _done, rows in demo_generate(
        business=business, size=size, seed=seed, context=context, parties=parties, truth=labels
    ):
        public.update((row[0], row[1]) for row in rows["parties"])
    return {public[pid]: label for pid, label in labels.items()}


def _pure_context(*, business: str, size: str, staff: list) -> Context:
    """The context of a load into an empty database, without one."""
    plan = plan_check(business=business, size=size)
    return Context(
        items={
            e.sku: Item(i + 1, e.sku, e.name, e.offering, e.price)
            for i, e in enumerate(plan.catalogue)
        },
        account_managers=list(range(6, len(staff) + 1)),
        support=3,
        marketer=4,
        next_id={table: 1 for table in TABLES},
    )


def demo_write(
    *, business: str, size: str, seed: int, parties: int | None, progress: Progress
) -> tuple[dict[str, int], list[tuple[str, str, str]]]:
    """Create staff, settings and catalogue through the services, then bulk-load the
    generated history. Returns (row counts, (username, role, password) per user)."""
    from clientela.accounts.services import user_create
    from clientela.commerce.services import catalog_item_create
    from clientela.core.bulk import bulk_session, next_ids, rows_insert, sequences_reset
    from clientela.core.errors import ApplicationError, ErrorCode
    from clientela.core.services import business_update
    from clientela.parties.models import Party

    plan = plan_check(business=business, size=size)
    if Party.objects.exists():
        raise ApplicationError(
            ErrorCode.CONFLICT, "The demo loads into an empty database; this one has parties."
        )
    staff = staff_plan(size=size, seed=seed)
    users, ids = [], {}
    for index, (username, role, password, first) in enumerate(staff):
        user, _ = user_create(
            actor=None, username=username, role=role, password=password,
            first_name=first.title(), last_name="Demo", email=f"{username}@example.com",
            validate=False,
        )  # fmt: skip
        users.append((username, role, password))
        ids.setdefault(role, []).append(user.pk)
        progress("users", index + 1, len(staff))
    business_update(
        actor=None, name=plan.name, business_type=plan.business_type, currency=plan.currency
    )
    items = {}
    for entry in plan.catalogue:
        item = catalog_item_create(
            actor=None, sku=entry.sku, name=entry.name, offering=entry.offering,
            unit_price=entry.price, currency=plan.currency, category=entry.category,
        )  # fmt: skip
        items[entry.sku] = Item(item.pk, entry.sku, entry.name, entry.offering, entry.price)
    models = _models()
    first_ids = next_ids(list(models.values()))
    context = Context(
        items=items,
        account_managers=ids["account_manager"],
        support=ids["support_agent"][0],
        marketer=ids["marketer"][0],
        next_id={table: first_ids[model] for table, model in models.items()},
    )
    total = parties if parties is not None else PARTIES[size][business]
    counts = {table: 0 for table in TABLES}
    progress("parties", 0, total)
    with bulk_session():
        for done, rows in demo_generate(
            business=business, size=size, seed=seed, context=context, parties=parties
        ):
            with transaction.atomic():
                for table in TABLES:
                    counts[table] += rows_insert(
                        model=models[table], columns=TABLE_COLUMNS[table], rows=rows[table]
                    )
                if rows["parties"]:
                    party_current_refresh(id_range=(rows["parties"][0][0], rows["parties"][-1][0]))
            progress("parties", min(done, total), total)
        sequences_reset(list(models.values()))
    counts["users"] = len(users)
    counts["catalog_items"] = len(items)
    return counts, users


def _models() -> dict[str, type]:
    from clientela.activities.models import Activity
    from clientela.commerce.models import Order, OrderLine
    from clientela.journeys.models import JourneyTransition
    from clientela.parties.models import ContactPoint, Membership, Party, Relationship

    return {
        "parties": Party,
        "contact_points": ContactPoint,
        "memberships": Membership,
        "relationships": Relationship,
        "transitions": JourneyTransition,
        "orders": Order,
        "order_lines": OrderLine,
        "activities": Activity,
    }
