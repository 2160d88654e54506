"""Verification for bench/loyalty.py: what must hold in a consistent points ledger after the
earning and the redemptions (counts of violations, all zero when it holds). Runs inside the
benchmark's child process (Django set up); table names come from the models, values are
passed as parameters."""

from __future__ import annotations


def _scalar(sql: str, params: tuple = ()) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0] or 0


def ledger_check(*, account_ids: list[int] | None = None) -> dict[str, int]:
    """Counts of what must be zero in a consistent ledger (of the given accounts, or all):
    negative balances; balances that differ from the sum of their entries or from their
    open lots; entries whose `balance_after` does not follow from the previous entry's
    (in insertion order) or whose lot holds more than it added."""
    from clientela.loyalty.models import LoyaltyAccount, PointsEntry

    accounts, entries = LoyaltyAccount._meta.db_table, PointsEntry._meta.db_table
    where, params = "", ()
    if account_ids is not None:
        where = f"WHERE a.id IN ({', '.join(['%s'] * len(account_ids))})"
        params = tuple(account_ids)
    sums = f"""
        SELECT a.id, a.balance, COALESCE(SUM(e.points), 0) AS total,
               COALESCE(SUM(CASE WHEN e.remaining > 0 THEN e.remaining ELSE 0 END), 0) AS lots
        FROM {accounts} a LEFT JOIN {entries} e ON e.account_id = a.id {where}
        GROUP BY a.id, a.balance"""
    chain_where = where.replace("a.id", "account_id")
    chain = f"""
        SELECT COUNT(*) FROM (
            SELECT points, balance_after,
                   LAG(balance_after) OVER (PARTITION BY account_id ORDER BY id) AS before
            FROM {entries} {chain_where}) c
        WHERE balance_after <> COALESCE(before, 0) + points"""
    lot_where = f"AND {chain_where[6:]}" if chain_where else ""
    return {
        "negative balances": _scalar(f"SELECT COUNT(*) FROM {accounts} a {where} "
                                     f"{'AND' if where else 'WHERE'} a.balance < 0", params),
        "balance != sum of entries": _scalar(
            f"SELECT COUNT(*) FROM ({sums}) s WHERE s.balance <> s.total", params),
        "balance != open lots": _scalar(
            f"SELECT COUNT(*) FROM ({sums}) s WHERE s.balance <> s.lots", params),
        "broken balance_after chain": _scalar(chain, params),
        "lots holding more than added": _scalar(
            f"SELECT COUNT(*) FROM {entries} WHERE remaining > points {lot_where}", params),
    }  # fmt: skip


def verify_earning(*, order_ids: list[int], sample_ids: list[int], min_spend) -> dict:
    """Every order at or above the minimum spend earned exactly once; the balances add up."""
    from clientela.commerce.models import Order
    from clientela.loyalty.models import EntryKind, LoyaltyAccount, PointsEntry

    earns = PointsEntry.objects.filter(kind=EntryKind.EARN)
    ids = [*order_ids, *sample_ids]
    eligible = Order.objects.filter(pk__gte=min(ids), pk__lte=max(ids), total__gte=min_spend)
    problems = ledger_check()
    problems.update({
        "earn entries != orders at or above the minimum spend":
            abs(earns.count() - eligible.count()),
        "orders earning twice": earns.count() - earns.values("order_id").distinct().count(),
        "earn entries without points": earns.filter(points__lte=0).count(),
        "sum of balances != sum of points earned":
            abs(_scalar(f"SELECT SUM(balance) FROM {LoyaltyAccount._meta.db_table}")
                - _scalar(f"SELECT SUM(points) FROM {PointsEntry._meta.db_table}")),
    })  # fmt: skip
    return problems


def report_problems(title: str, problems: dict[str, int]) -> bool:
    bad = {name: count for name, count in problems.items() if count}
    if bad:
        print(
            f"  verification FAILED ({title}): " + "; ".join(f"{k}: {v:,}" for k, v in bad.items())
        )
    else:
        print(f"  verified ({title}): " + ", ".join(f"{k}: 0" for k in problems))
    return not bad
