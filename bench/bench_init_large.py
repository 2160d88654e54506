"""Benchmark: loading the large bank demo through the bulk path.

Prints the bulk path's rows per second and, as the baseline measured in the same run, the
rate of the naive per-row services (party_create + order_record, with their validation and
audit) on a sample, and the ratio between the two.

    python bench/bench_init_large.py                       # 1,000,000 parties
    python bench/bench_init_large.py --parties 100000      # a quicker run
    python bench/bench_init_large.py --data-dir bench-data # keep the database for
                                                           # bench_directory.py
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path


def _setup(data_dir: Path) -> None:
    os.environ["CLIENTELA_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clientela.config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _naive_rate(sample: int, seed: int) -> tuple[int, float]:
    """Per-row services for `sample` customers with ~10 orders each, like the bank demo.
    Returns (domain rows written, seconds): audit rows are not counted."""
    from clientela.commerce.services import LineIn, catalog_item_create, order_record
    from clientela.parties.services import party_create

    rng = random.Random(seed)
    item = catalog_item_create(
        actor=None, sku="BENCH-FEE", name="Account fee", offering="standardised",
        unit_price=Decimal("4.50"),
    )  # fmt: skip
    rows, started = 0, time.perf_counter()
    for index in range(sample):
        party = party_create(
            actor=None, given_name="Ana", family_name=f"Naive{index}", language="ro",
            emails=[f"ana.naive{index}@example.com"], relationship_kind="customer",
        )  # fmt: skip
        rows += 4  # party, contact point, relationship, transition
        for _ in range(10):
            lines = [LineIn(description="", item=item, unit_price=item.unit_price)]
            lines *= rng.choice((1, 1, 2))
            order_record(actor=None, payer=party, lines=lines, currency="EUR")
            rows += 1 + len(lines)
    return rows, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parties", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=2_000, help="parties for the baseline")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--data-dir", type=Path, default=None, help="kept after the run")
    args = parser.parse_args()

    base = Path(tempfile.mkdtemp(prefix="clientela-bench-"))
    data_dir = args.data_dir.resolve() if args.data_dir else base / "bulk"
    if data_dir.exists() and any(data_dir.iterdir()):
        print(f"{data_dir} is not empty: the benchmark needs a fresh data directory")
        return 2
    # The baseline gets its own database; Django's connection is switched by re-pointing
    # the settings before the bulk run (same process, same interpreter warm-up).
    _setup(base / "naive")
    naive_rows, naive_seconds = _naive_rate(args.sample, args.seed)
    naive_rate = naive_rows / naive_seconds
    print(f"naive per-row services: {naive_rows:,} rows in {naive_seconds:.1f} s "
          f"= {naive_rate:,.0f} rows/s ({args.sample:,} parties)")  # fmt: skip

    from django.conf import settings
    from django.db import connections

    connections.close_all()
    data_dir.mkdir(parents=True, exist_ok=True)
    settings.DATABASES["default"]["NAME"] = str(data_dir / "clientela.sqlite3")
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from clientela.demo import demo_load

    started = time.perf_counter()

    def progress(step: str, done: int, total: int) -> None:
        if step == "parties":
            elapsed = time.perf_counter() - started
            print(f"  {done:>9,} / {total:,} parties  {elapsed:7.1f} s", flush=True)

    summary = demo_load(
        business="bank", size="large", seed=args.seed, parties=args.parties, progress=progress
    )
    seconds = time.perf_counter() - started
    rows = sum(summary.counts.values())
    rate = rows / seconds
    print("rows written:", ", ".join(f"{k}={v:,}" for k, v in summary.counts.items()))
    print(f"bulk demo load: {rows:,} rows in {seconds:.1f} s = {rate:,.0f} rows/s")
    print(f"ratio bulk / naive: {rate / naive_rate:.1f}x")
    db_file = data_dir / "clientela.sqlite3"
    print(f"database: {db_file} ({db_file.stat().st_size / 2**30:.2f} GiB)")
    shutil.rmtree(base / "naive", ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
