"""The ledger's building blocks, used by the services inside their transaction, after they
locked the account row (`account_lock`). No authorization here.

Guarantees: an account's `balance` equals the sum of its lots' `remaining`; spending
consumes lots first-expiring-first (lots that never expire last, then oldest first); a
spend never takes more than the balance (the caller checks; the check constraint is the
last line of defence); entries are inserted, never updated, except a lot's `remaining`.
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.db.models import F
from django.utils import timezone

from clientela.loyalty.models import EntryKind, LoyaltyAccount, PointsEntry


def rows_update(model, objs, fields: list[str]) -> None:
    """Write `fields` of many rows by primary key with one prepared UPDATE run through
    `executemany`: what `bulk_update` does, without building a CASE expression per row
    (which costs more than the database's work at a few thousand rows)."""
    from django.db import connection

    if not objs:
        return
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    qn = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        qn(meta.db_table),
        ", ".join(f"{qn(f.column)} = %s" for f in columns),
        qn(meta.pk.column),
    )
    params = [
        [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in columns] + [obj.pk]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def add_months(moment, months: int):
    """A date or datetime plus whole months, clamped to the month's last day."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(
        year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1])
    )


def lot_expiry(*, programme, at: dt.datetime) -> dt.datetime | None:
    """When points earned at `at` expire under the programme's rule (None = never)."""
    if not programme.expiry_months:
        return None
    return add_months(at, programme.expiry_months)


def account_lock(*, party_id: int) -> LoyaltyAccount | None:
    """The party's account, row-locked until the transaction ends (None for a non-member)."""
    return LoyaltyAccount.objects.select_for_update().filter(party_id=party_id).first()


def entry_by_key(key: str) -> PointsEntry | None:
    return PointsEntry.objects.filter(key=key).first()


def _save_balance(account: LoyaltyAccount, at: dt.datetime) -> None:
    account.updated_at = timezone.now()
    LoyaltyAccount.objects.filter(pk=account.pk).update(
        balance=account.balance, updated_at=account.updated_at
    )


def lot_add(
    *,
    account: LoyaltyAccount,
    kind: str,
    points: int,
    at: dt.datetime,
    expires_at: dt.datetime | None,
    actor=None,
    key: str | None = None,
    reference: str = "",
    note: str = "",
    order_id: int | None = None,
    related: PointsEntry | None = None,
) -> PointsEntry:
    """Add `points` (> 0) as a new lot and raise the balance."""
    account.balance += points
    entry = PointsEntry.objects.create(
        account=account,
        kind=kind,
        points=points,
        balance_after=account.balance,
        occurred_at=at,
        expires_at=expires_at,
        remaining=points,
        order_id=order_id,
        related=related,
        reference=reference,
        note=note,
        actor=actor if getattr(actor, "pk", None) else None,
        key=key,
    )
    _save_balance(account, at)
    return entry


def _open_lots(account: LoyaltyAccount) -> list[PointsEntry]:
    return list(
        PointsEntry.objects.filter(account=account, remaining__gt=0).order_by(
            F("expires_at").asc(nulls_last=True), "occurred_at", "id"
        )
    )


def spend(
    *,
    account: LoyaltyAccount,
    kind: str,
    points: int,
    at: dt.datetime,
    actor=None,
    key: str | None = None,
    reference: str = "",
    note: str = "",
    related: PointsEntry | None = None,
    first_lot_id: int | None = None,
    unrecovered: int = 0,
    order_id: int | None = None,
) -> PointsEntry:
    """Take `points` (0 <= points <= balance) from the lots, first-expiring-first (the lot
    `first_lot_id` before any other), and write the negative entry with its allocation."""
    lots = _open_lots(account)
    if first_lot_id is not None:
        lots.sort(key=lambda lot: lot.pk != first_lot_id)
    left, allocation, touched = points, [], []
    for lot in lots:
        if left <= 0:
            break
        take = min(left, lot.remaining)
        lot.remaining -= take
        left -= take
        allocation.append([lot.pk, take])
        touched.append(lot)
    if left > 0:  # the balance and the lots disagree: refuse rather than go negative
        raise RuntimeError(f"loyalty account {account.pk}: lots hold less than the balance")
    if touched:
        PointsEntry.objects.bulk_update(touched, ["remaining"])
    account.balance -= points
    entry = PointsEntry.objects.create(
        account=account,
        kind=kind,
        points=-points,
        balance_after=account.balance,
        occurred_at=at,
        related=related,
        unrecovered=unrecovered,
        allocation=allocation,
        reference=reference,
        note=note,
        actor=actor if getattr(actor, "pk", None) else None,
        key=key,
        order_id=order_id,
    )
    _save_balance(account, at)
    return entry


def expire_due(*, account: LoyaltyAccount, now: dt.datetime) -> list[PointsEntry]:
    """Write an `expire` entry (key `expire:<lot id>`, dated `now`: the ledger runs in the
    order it is written) for every lot of the locked account past its expiry with points
    left, taking exactly what is left of that lot."""
    due = list(
        PointsEntry.objects.filter(account=account, remaining__gt=0, expires_at__lte=now).order_by(
            "expires_at", "id"
        )
    )
    written = []
    for lot in due:
        key = f"expire:{lot.pk}"
        if PointsEntry.objects.filter(key=key).exists():  # pragma: no cover - defensive
            continue
        written.append(
            spend(
                account=account,
                kind=EntryKind.EXPIRE,
                points=lot.remaining,
                at=now,
                key=key,
                related=lot,
                first_lot_id=lot.pk,
            )
        )
    return written


def expire_bulk(*, now: dt.datetime, chunk: int = 2000) -> int:
    """Expire, set-based, every lot past its expiry with points left: per chunk of
    accounts, lock them, write one `expire` entry per lot (dated `now`, the sweep's time; key
    `expire:<lot id>`), empty the lots and lower the balances, in a constant number of
    queries. Returns the entries written; a second run finds nothing left to expire."""
    from django.db import transaction

    written = 0
    while True:
        account_ids = list(
            PointsEntry.objects.filter(remaining__gt=0, expires_at__lte=now)
            .order_by("account_id")
            .values_list("account_id", flat=True)
            .distinct()[:chunk]
        )
        if not account_ids:
            return written
        with transaction.atomic():
            accounts = {
                a.pk: a
                for a in LoyaltyAccount.objects.select_for_update()
                .filter(pk__in=account_ids)
                .order_by("id")
                .only("id", "balance")
            }
            lots = list(
                PointsEntry.objects.filter(
                    account_id__in=account_ids, remaining__gt=0, expires_at__lte=now
                )
                .order_by("account_id", "expires_at", "id")
                .values_list("id", "account_id", "remaining", "expires_at")
            )
            entries = []
            for lot_id, account_id, remaining, _expires_at in lots:
                account = accounts[account_id]
                account.balance -= remaining
                entry = PointsEntry(
                    account_id=account_id,
                    kind=EntryKind.EXPIRE,
                    points=-remaining,
                    balance_after=account.balance,
                    occurred_at=now,
                    related_id=lot_id,
                    allocation=[[lot_id, remaining]],
                    key=f"expire:{lot_id}",
                )
                entry.assign_public_id()
                entries.append(entry)
            PointsEntry.objects.filter(pk__in=[lot[0] for lot in lots]).update(remaining=0)
            PointsEntry.objects.bulk_create(entries, batch_size=1000)
            stamp = timezone.now()
            for account in accounts.values():
                account.updated_at = stamp
            rows_update(LoyaltyAccount, list(accounts.values()), ["balance", "updated_at"])
            written += len(entries)
