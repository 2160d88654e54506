"""Benchmark: loyalty points earned in bulk, and concurrent redemptions on PostgreSQL.

For each database (a fresh SQLite data directory, and with --postgres-url a PostgreSQL
database that the run creates and drops), in a subprocess of its own:
1. generates --parties enrolled customers and --orders paid orders of one or two lines
   (categories, channels) through the bulk path (COPY on PostgreSQL, executemany on
   SQLite), and a programme with a base rate, a minimum spend, a category rule, a channel
   rule, a campaign and three tiers, so every part of the formula is evaluated;
2. earning in bulk: `loyalty.services.points_earn_orders` over every order id, in slices
   of 50,000 (the function chunks them by 2,000 itself); the baseline in the same run is
   one order per call (what the order hook does for one `order_record`) on --sample more
   orders: orders/s, entries/s and the ratio, and the rate of the first, median and last
   slice (does it slow down as the ledger grows?). On PostgreSQL the ledger's statistics
   are refreshed between slices (ANALYZE, not timed), as autovacuum would. Verified
   afterwards: one earn entry per order at or above the minimum spend, none twice, every
   balance equal to its entries and to its open lots, `balance_after` chained entry by
   entry, the balances adding up to the points earned;
3. PostgreSQL only: concurrent redemptions, for each of --threads, that many threads (each
   with its own connection) calling `points_redeem` for --seconds, (a) across --accounts
   members and (b) all against one hot member whose balance is set to run dry during the
   run: redemptions/s (for (b) until it ran dry), refusals (balance short), p50 and p99
   latency of the redemptions; verified afterwards (the checks above on the accounts
   touched, no error but refusals, the redeem entries equal the calls that succeeded and
   the balances' decrease, the hot member never spent more than it held).

    python bench/loyalty.py --postgres-url postgres://postgres@127.0.0.1:5432/postgres
    python bench/loyalty.py --orders 20000 --parties 2000 --seconds 3   # a quick run

The PostgreSQL URL names the server (and the database to connect to while creating and
dropping `clientela_bench_loyalty_<random>`). Exit status 1 when a verification fails.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from loyalty_checks import ledger_check, report_problems, verify_earning
from loyalty_data import data_generate, members_enrol, programme_setup, progress_bar

ROOT = Path(__file__).resolve().parent.parent


# ------------------------------------------------------------------ earning (in the child)


def bench_earning(*, actor, order_ids: list[int], sample_ids: list[int], at, chunk: int) -> dict:
    """Bulk earning over `order_ids` in chunks of `chunk`, then the baseline: one order per
    call over `sample_ids`. Counts come from the ledger, not from return values."""
    from clientela.loyalty.models import EntryKind, PointsEntry
    from clientela.loyalty.services import points_earn_orders

    def earn_entries() -> int:
        return PointsEntry.objects.filter(kind=EntryKind.EARN).count()

    slices, analyze = [], 0.0
    with progress_bar() as bar:
        task = bar.add_task("earning in bulk", total=len(order_ids))
        for i in range(0, len(order_ids), chunk):
            part = order_ids[i : i + chunk]
            started = time.perf_counter()
            points_earn_orders(actor=actor, order_ids=part, at=at)
            slices.append((len(part), time.perf_counter() - started))
            bar.advance(task, len(part))
            analyze += _analyze_ledger()
    seconds = sum(t for _n, t in slices)
    load = os.getloadavg()
    entries = earn_entries()
    with progress_bar() as bar:
        task = bar.add_task("one order per call", total=len(sample_ids))
        started = time.perf_counter()
        for order_id in sample_ids:
            points_earn_orders(actor=actor, order_ids=[order_id], at=at)
            bar.advance(task)
        single_seconds = time.perf_counter() - started
    single_entries = earn_entries() - entries
    rate, single_rate = len(order_ids) / seconds, len(sample_ids) / single_seconds
    print(
        f"  earning in bulk: {len(order_ids):,} orders, {entries:,} entries in {seconds:.1f} s"
        f" = {rate:,.0f} orders/s, {entries / seconds:,.0f} entries/s (chunks of {chunk:,})"
    )
    print(
        f"  one order per call: {len(sample_ids):,} orders, {single_entries:,} entries in "
        f"{single_seconds:.1f} s = {single_rate:,.1f} orders/s"
    )
    print(f"  ratio bulk / one per call: {rate / single_rate:.1f}x")  # fmt: skip
    rates = [n / t for n, t in slices]
    extra = f"; ANALYZE between slices {analyze:.1f} s, not counted" if analyze else ""
    extra += f"; load average at the end {load[0]:.1f} (1 min), {load[1]:.1f} (5 min)"
    print(f"  slices of {chunk:,} orders: first {rates[0]:,.0f}/s, median "
          f"{statistics.median(rates):,.0f}/s, last {rates[-1]:,.0f}/s{extra}")  # fmt: skip
    return {
        "orders": len(order_ids), "entries": entries, "seconds": seconds,
        "orders_per_s": rate, "entries_per_s": entries / seconds,
        "single_orders": len(sample_ids), "single_entries": single_entries,
        "single_seconds": single_seconds, "single_orders_per_s": single_rate,
        "ratio": rate / single_rate, "chunk": chunk, "analyze_seconds": analyze,
        "slice_rates": rates, "load_average": load,
    }  # fmt: skip


def _analyze_ledger() -> float:
    """PostgreSQL: refresh the ledger tables' statistics, as autovacuum would while the
    ledger grows (the development server runs with autovacuum off); returns the seconds."""
    from django.db import connection

    from clientela.loyalty.models import LoyaltyAccount, PointsEntry

    if connection.vendor != "postgresql":
        return 0.0
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for model in (PointsEntry, LoyaltyAccount):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return time.perf_counter() - started


# ------------------------------------------------------------------ redemptions (PostgreSQL)


def _redeem_threads(*, actor, parties: list, points: int, threads: int, seconds: float,
                    reference: str) -> dict:  # fmt: skip
    """`threads` threads, each with its own database connection, calling `points_redeem` on
    random parties of `parties` until `seconds` have passed. Latencies are those of the
    redemptions that succeeded; `dry_after` is when the first refusal came (or None)."""
    from django.db import connection

    from clientela.core.errors import ApplicationError, ErrorCode
    from clientela.loyalty.services import points_redeem

    barrier = threading.Barrier(threads + 1)
    results: list[tuple] = []
    lock = threading.Lock()
    stop = [0.0]

    def work(number: int) -> None:
        rng = random.Random(f"{reference}:{number}")
        latencies, done, refused, errors, first_refusal = [], 0, 0, [], None
        try:
            connection.ensure_connection()
            barrier.wait()
            n = 0
            while time.perf_counter() < stop[0]:
                party = parties[rng.randrange(len(parties))]
                key = f"{reference}:{number}:{n}"
                n += 1
                started = time.perf_counter()
                try:
                    points_redeem(actor=actor, party=party, points=points, reference=reference,
                                  key=key)  # fmt: skip
                    done += 1
                    latencies.append(time.perf_counter() - started)
                except ApplicationError as error:
                    if error.code != ErrorCode.CONFLICT:
                        errors.append(repr(error))
                    refused += 1
                    first_refusal = first_refusal or time.perf_counter()
                except Exception as error:  # noqa: BLE001 - reported, the run goes on
                    errors.append(repr(error))
        finally:
            connection.close()
            with lock:
                results.append((latencies, done, refused, errors, first_refusal))

    pool = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    started = time.perf_counter()
    stop[0] = started + seconds  # set before the barrier lets the threads read it
    barrier.wait()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies = sorted(x for r in results for x in r[0])
    refusals = [r[4] for r in results if r[4] is not None]
    return {
        "elapsed": elapsed,
        "redeemed": sum(r[1] for r in results),
        "refused": sum(r[2] for r in results),
        "errors": [e for r in results for e in r[3]],
        "p50_ms": statistics.median(latencies) * 1000 if latencies else 0.0,
        "p99_ms": latencies[max(0, int(len(latencies) * 0.99) - 1)] * 1000 if latencies else 0.0,
        "dry_after": (min(refusals) - started) if refusals else None,
    }


def _case(*, case: str, actor, parties: list, points: int, threads: int, seconds: float,
          reference: str, start_balance: int | None = None) -> dict:  # fmt: skip
    """One timed run of redemptions, then its verification."""
    from django.db.models import Sum

    from clientela.loyalty.models import EntryKind, LoyaltyAccount, PointsEntry

    accounts = LoyaltyAccount.objects.filter(party_id__in=[p.pk for p in parties])
    account_ids = list(accounts.values_list("id", flat=True))
    before = accounts.aggregate(t=Sum("balance"))["t"]
    r = _redeem_threads(actor=actor, parties=parties, points=points, threads=threads,
                        seconds=seconds, reference=reference)  # fmt: skip
    after = accounts.aggregate(t=Sum("balance"))["t"]
    entries = PointsEntry.objects.filter(kind=EntryKind.REDEEM, reference=reference)
    spent = -(entries.aggregate(t=Sum("points"))["t"] or 0)
    problems = ledger_check(account_ids=account_ids)
    problems.update({
        "errors other than a short balance": len(r["errors"]),
        "redeem entries != successful calls": abs(entries.count() - r["redeemed"]),
        "points in redeem entries != calls x points": abs(spent - r["redeemed"] * points),
        "balance decrease != points redeemed": abs(before - after - spent),
    })  # fmt: skip
    if start_balance is not None:
        problems["points spent beyond the balance held"] = max(0, spent - start_balance)
        problems["hot balance != held - spent"] = abs(after - (start_balance - spent))
    # every success comes before the first refusal (all amounts are multiples of `points`)
    window = r["dry_after"] if r["dry_after"] is not None else r["elapsed"]
    rate = r["redeemed"] / window
    load = os.getloadavg()[0]
    dry = f" (ran dry at {window:.1f} s)" if r["dry_after"] is not None else ""
    print(f"  redeem {case:<4} {threads} threads: {r['redeemed']:,} redeemed in {window:.1f} s"
          f"{dry} = {rate:,.0f}/s, {r['refused']:,} refused, p50 {r['p50_ms']:.1f} ms, "
          f"p99 {r['p99_ms']:.1f} ms; load average {load:.1f}")  # fmt: skip
    for error in r["errors"][:5]:
        print(f"    error: {error}")
    verified = report_problems(f"{case}, {threads} threads", problems)
    return {
        "case": case, "threads": threads, "seconds": r["elapsed"], "redeemed": r["redeemed"],
        "refused": r["refused"], "errors": len(r["errors"]), "redeemed_per_s": rate,
        "attempts_per_s": (r["redeemed"] + r["refused"]) / r["elapsed"],
        "p50_ms": r["p50_ms"], "p99_ms": r["p99_ms"], "dry_after": r["dry_after"],
        "accounts": len(account_ids), "start_balance": start_balance, "verified": verified,
    }  # fmt: skip


def bench_redemptions(*, actor, threads_list: list[int], seconds: float, accounts: int) -> list:
    """(a) 5-point redemptions spread over `accounts` random members with 100+ points;
    (b) 10-point redemptions all against one member (a regular with many lots) whose
    balance is set to what a quarter of the run at the rate (a) reached would spend, so it
    runs dry during the run (one member's redemptions queue on its row lock, so they come
    at about half that rate) and the refusals are exercised too."""
    from clientela.loyalty.models import LoyaltyAccount, PointsEntry
    from clientela.loyalty.services import points_credit, points_redeem
    from clientela.parties.models import Party

    ranked = LoyaltyAccount.objects.order_by("-balance", "id").values_list("party_id", flat=True)
    hot_ids = list(ranked[: len(threads_list)])
    many_ids = list(
        LoyaltyAccount.objects.filter(balance__gte=100)
        .exclude(party_id__in=hot_ids)
        .order_by("?")
        .values_list("party_id", flat=True)[:accounts]
    )
    many = list(Party.objects.filter(pk__in=many_ids).order_by("pk"))
    hots = {p.pk: p for p in Party.objects.filter(pk__in=hot_ids)}
    runs = []
    for index, threads in enumerate(threads_list):
        tag = f"bench:{uuid.uuid4().hex[:6]}:{threads}"
        runs.append(_case(case="many", actor=actor, parties=many, points=5, threads=threads,
                          seconds=seconds, reference=f"{tag}:many"))  # fmt: skip
        hot = hots[hot_ids[index]]
        target = 10 * max(50, int(runs[-1]["redeemed_per_s"] * seconds / 4))
        held = LoyaltyAccount.objects.get(party=hot).balance
        lots = PointsEntry.objects.filter(account__party=hot, remaining__gt=0).count()
        print(f"  hot member: {lots:,} open lots, balance {held:,} set to {target:,}")
        if held < target:
            points_credit(actor=None, party=hot, points=target - held, reason="bench top-up",
                          key=f"{tag}:top-up")  # fmt: skip
        elif held > target:
            points_redeem(actor=actor, party=hot, points=held - target, reference=f"{tag}:trim")
        runs.append(_case(case="hot", actor=actor, parties=[hot], points=10, threads=threads,
                          seconds=seconds, reference=f"{tag}:hot",
                          start_balance=target))  # fmt: skip
    return runs


# ------------------------------------------------------------------ the child


def child(args) -> int:
    """One database, configured by the environment the parent set; writes the result file."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clientela.config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.utils import timezone

    from clientela.accounts.models import User
    from clientela.loyalty import earning
    from clientela.loyalty.models import LoyaltyAccount, PointsEntry

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    version = (connection.Database.sqlite_version if connection.vendor == "sqlite"
               else connection.cursor().connection.info.server_version)  # fmt: skip
    print(f"  {connection.vendor} {version}; migrated in {time.perf_counter() - started:.1f} s",
          flush=True)  # fmt: skip
    now = timezone.now().replace(microsecond=0)
    programme = programme_setup(now=now)
    started = time.perf_counter()
    data = data_generate(parties=args.parties, orders=args.orders + args.sample, seed=args.seed,
                         now=now)  # fmt: skip
    members = members_enrol(party_ids=data["party_ids"], now=now)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    rows = sum(data["rows"].values()) + members
    listing = ", ".join(f"{k} {v:,}" for k, v in data["rows"].items())
    seconds = time.perf_counter() - started
    print(f"  data: {listing}, members {members:,}: {rows:,} rows in {seconds:.1f} s", flush=True)
    bulk_ids, sample_ids = data["order_ids"][: args.orders], data["order_ids"][args.orders :]
    result = {"vendor": connection.vendor, "rows": data["rows"], "members": members}
    result["earning"] = bench_earning(actor=None, order_ids=bulk_ids, sample_ids=sample_ids,
                                      at=now, chunk=max(earning.CHUNK, 50_000))  # fmt: skip
    result["earning"]["verified"] = report_problems("earning", verify_earning(
        order_ids=bulk_ids, sample_ids=sample_ids, min_spend=programme.min_spend))  # fmt: skip
    tiers = dict(
        LoyaltyAccount.objects.values_list("tier__name").annotate(n=Count("id")).order_by()
    )
    print(f"  members by tier after earning: {tiers}; lots: "
          f"{PointsEntry.objects.filter(remaining__gt=0).count():,}")  # fmt: skip
    if connection.vendor == "postgresql" and args.seconds > 0:
        actor = User.objects.create_user(username="bench-loyalty", role="manager")
        result["redemptions"] = bench_redemptions(
            actor=actor, threads_list=args.threads, seconds=args.seconds, accounts=args.accounts
        )
        final = ledger_check()
        result["redemptions_final_check"] = report_problems(
            "whole ledger after the redemptions", final
        )
        for run in result["redemptions"]:
            run["verified"] = run["verified"] and result["redemptions_final_check"]
    args.child.write_text(json.dumps(result, default=str))
    ok = result["earning"]["verified"] and all(r["verified"] for r in result.get("redemptions", []))
    return 0 if ok else 1


# ------------------------------------------------------------------ the parent


def _database_url(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def _admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


def run_target(name: str, env: dict, out: Path) -> dict | None:
    """Run the benchmark of one database in a subprocess, which writes its result to `out`."""
    print(f"\n== {name}", flush=True)
    command = [sys.executable, __file__, *sys.argv[1:], "--child", str(out)]
    process = subprocess.run(command, env=env, cwd=ROOT)
    if process.returncode not in (0, 1) or not out.exists():
        print(f"  the {name} run failed (exit status {process.returncode})")
        return None
    return json.loads(out.read_text())


def summary(results: dict[str, dict | None]) -> None:
    print("\nsummary")
    for name, r in results.items():
        if r is None:
            print(f"  {name:<10} FAILED")
            continue
        e = r["earning"]
        print(
            f"  {name:<10} earning: {e['orders']:,} orders in {e['seconds']:.1f} s = "
            f"{e['orders_per_s']:,.0f} orders/s, {e['entries_per_s']:,.0f} entries/s | "
            f"one per call {e['single_orders_per_s']:,.1f} orders/s | "
            f"ratio {e['ratio']:.1f}x | verified: {'yes' if e['verified'] else 'NO'}"
        )
        for run in r.get("redemptions", []):
            print(
                f"  {'':<10} redeem {run['case']:<4} {run['threads']} threads: "
                f"{run['redeemed_per_s']:,.0f} redemptions/s, {run['refused']:,} refused, "
                f"p50 {run['p50_ms']:.1f} ms, p99 {run['p99_ms']:.1f} ms | "
                f"verified: {'yes' if run['verified'] else 'NO'}"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--parties", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=2_000, help="orders for the baseline")
    parser.add_argument("--threads", type=int, nargs="+", default=[2, 4, 8])
    parser.add_argument("--seconds", type=float, default=10.0, help="per redemption run")
    parser.add_argument("--accounts", type=int, default=5_000, help="accounts for (a)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--data-dir", type=Path, help="SQLite data directory (kept; must be new)")
    parser.add_argument("--postgres-url", help="also run on this PostgreSQL server")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--keep-database", action="store_true", help="do not drop it")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)  # its result file
    args = parser.parse_args()
    if args.child:
        return child(args)
    print(f"CPUs: {os.cpu_count()}; Python {sys.version.split()[0]}; {args.orders:,} orders, "
          f"{args.parties:,} parties")  # fmt: skip
    base = Path(tempfile.mkdtemp(prefix="clientela-bench-loyalty-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "clientela.config.settings",
        "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""),
    }
    env.pop("CLIENTELA_DATABASE_URL", None)
    results: dict[str, dict | None] = {}
    try:
        if not args.no_sqlite:
            data_dir = args.data_dir.resolve() if args.data_dir else base / "sqlite"
            if data_dir.exists() and any(data_dir.iterdir()):
                print(f"{data_dir} is not empty: the benchmark needs a fresh data directory")
                return 2
            data_dir.mkdir(parents=True, exist_ok=True)
            sqlite_env = {**env, "CLIENTELA_DATA_DIR": str(data_dir)}
            results["SQLite"] = run_target("SQLite", sqlite_env, base / "sqlite.json")
        if args.postgres_url:
            name = f"clientela_bench_loyalty_{uuid.uuid4().hex[:8]}"
            _admin(args.postgres_url, f'CREATE DATABASE "{name}"')
            print(f"\ncreated the PostgreSQL database {name}")
            try:
                pg_env = {
                    **env,
                    "CLIENTELA_DATA_DIR": str(base / "postgres"),
                    "CLIENTELA_DATABASE_URL": _database_url(args.postgres_url, name),
                }
                results["PostgreSQL"] = run_target("PostgreSQL", pg_env, base / "pg.json")
            finally:
                if args.keep_database:
                    print(f"kept the database {name}")
                else:
                    _admin(args.postgres_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                    print(f"dropped the database {name}")
    finally:
        shutil.rmtree(base, ignore_errors=True)
    summary(results)
    ok = all(
        r is not None
        and r["earning"]["verified"]
        and all(run["verified"] for run in r.get("redemptions", []))
        for r in results.values()
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
