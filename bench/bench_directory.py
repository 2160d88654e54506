"""Benchmark: the party directory's server time at a million parties.

Times (median of --runs) the selector `parties.selectors.directory_page` and the whole page
(GET /parties/ through django.test.Client, middleware and template included) for: the first
page, a deep page reached by its cursor (row 500,000), a name-prefix search and a kind
filter. The baseline, measured in the same run, is the same deep page with OFFSET
pagination (Django's Paginator, page 10,000 of 50 rows); the ratio is baseline / keyset.

    python bench/bench_directory.py --data-dir bench-data   # reuses the database that
                                                            # bench_init_large.py left there
    python bench/bench_directory.py --data-dir fresh --parties 1000000   # loads it first
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path


def _setup(data_dir: Path, parties: int) -> None:
    os.environ["CLIENTELA_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clientela.config.settings")
    os.environ.setdefault("CLIENTELA_ALLOWED_HOSTS", "testserver,localhost")
    import django
    from django.core.management import call_command

    fresh = not (data_dir / "clientela.sqlite3").exists()
    django.setup()
    call_command("migrate", verbosity=0)
    if fresh:
        from clientela.demo import demo_load

        print(f"loading the bank demo with {parties:,} parties ...", flush=True)
        demo_load(business="bank", size="large", parties=parties)


def _median_ms(fn, runs: int) -> float:
    fn()  # warm the caches the same way for every contender
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--parties", type=int, default=1_000_000, help="when loading")
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--deep-row", type=int, default=500_000)
    args = parser.parse_args()
    _setup(args.data_dir.resolve(), args.parties)

    from django.core.paginator import Paginator
    from django.test import Client

    from clientela.accounts.models import User
    from clientela.parties.models import Party
    from clientela.parties.selectors import (
        DirectoryFilters,
        _attach_current_and_email,  # the selector's own row decoration, for a fair baseline
        _encode_cursor,  # the cursor the page would hand out after row `deep_row`
        _filtered,
        directory_page,
    )

    total = Party.objects.count()
    deep_row = min(args.deep_row, total - 51)
    key, last_id = Party.objects.order_by("sort_key", "id").values_list("sort_key", "id")[
        deep_row - 1
    ]
    cursor = _encode_cursor(key, last_id)
    prefix = Party.objects.order_by("sort_key", "id").values_list("family_key", flat=True)[
        total // 3
    ][:3]
    owner = User.objects.filter(role="account_manager").order_by("id").first().pk
    client = Client()
    client.force_login(User.objects.filter(role="admin").order_by("id").first())

    def page(query: str):
        def get():
            response = client.get("/parties/" + query)
            assert response.status_code == 200, response.status_code

        return get

    def selector(filters, cursor=None):
        return lambda: directory_page(filters=filters, cursor=cursor)

    cases = [
        ("first page", selector(DirectoryFilters()), page("")),
        (f"deep page (row {deep_row:,}, cursor)", selector(DirectoryFilters(), cursor),
         page(f"?cursor={cursor}")),
        (f"name prefix '{prefix}'", selector(DirectoryFilters(q=prefix)), page(f"?q={prefix}")),
        ("kind = client", selector(DirectoryFilters(kind="client")), page("?kind=client")),
        ("client, stage = onboarding",
         selector(DirectoryFilters(kind="client", stage="onboarding")),
         page("?kind=client&stage=onboarding")),
        ("owner = one account manager", selector(DirectoryFilters(owner_id=owner)),
         page(f"?owner={owner}")),
    ]  # fmt: skip
    print(f"parties: {total:,}; median of {args.runs} runs, milliseconds")
    print(f"{'case':<34} {'selector':>10} {'full page':>10}")
    results = {}
    for name, by_selector, by_page in cases:
        results[name] = _median_ms(by_selector, args.runs)
        print(f"{name:<34} {results[name]:>10.2f} {_median_ms(by_page, args.runs):>10.2f}")

    page_number = deep_row // 50 + 1

    def offset_page():
        paginator = Paginator(_filtered(DirectoryFilters()).order_by("sort_key", "id"), 50)
        rows = list(paginator.page(page_number).object_list)
        _attach_current_and_email(rows)

    baseline = _median_ms(offset_page, args.runs)
    keyset = results[cases[1][0]]
    print(f"baseline: OFFSET pagination, Paginator page {page_number:,}: {baseline:.2f} ms")
    print(f"ratio OFFSET / keyset cursor (deep page): {baseline / keyset:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
