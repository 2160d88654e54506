"""Customer value at scale: Clientela against lifetimes, in the same run.

    python bench/value.py --data-dir DIR [--customers 100000 1000000]

For each size, a BG/NBD transaction log is generated once (seeded, numpy-vectorised) and
cached as Parquet under DIR. Then each side runs the full pipeline in its own subprocess, so
that its peak memory (resource.getrusage max RSS) is its own:
summary (same-day merged, weeks), BG/NBD fit, Gamma-Gamma fit on repeat buyers, 12-month
CLV (1% monthly discount) for every customer. Printed: both times, the ratio, peak memory,
and the largest relative differences between the two sides' parameters and CLVs.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np

START = np.datetime64("2022-01-01")
DAYS = 730  # the log covers two years; customers are born during the first one
TRUE = {"r": 2.0, "alpha": 6.0, "a": 0.8, "b": 10.0, "p": 5.0, "q": 4.0, "gamma": 60.0}


def generate(path: Path, customers: int, seed: int = 2024) -> None:
    """A BG/NBD log: Poisson purchases (rate ~ Gamma(r, alpha) per week) until dropout
    (after each repeat purchase, with p ~ Beta(a, b)); Gamma-Gamma amounts."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    birth = rng.integers(0, 365, customers)
    age = (DAYS - 1 - birth) / 7.0
    rate = rng.gamma(TRUE["r"], 1 / TRUE["alpha"], customers)
    drop = rng.beta(TRUE["a"], TRUE["b"], customers)
    arrivals = rng.poisson(rate * age)
    alive_for = rng.geometric(drop)
    repeats = np.minimum(arrivals, alive_for)
    # the first k of n uniform order statistics on (0, age): partial sums of exponentials
    # over the sum of n + 1 of them (the remainder drawn at once as a Gamma)
    owner = np.repeat(np.arange(customers), repeats)
    gaps = rng.exponential(1.0, owner.size)
    ends = np.cumsum(repeats)
    sums = np.cumsum(gaps)
    before = np.concatenate([[0.0], sums[ends[:-1] - 1]]) if customers else sums
    before = np.where(repeats > 0, before, 0.0)
    partial = sums - np.repeat(before, repeats)
    remainder = rng.gamma(arrivals - repeats + 1.0)
    total = np.zeros(customers)
    has = repeats > 0
    total[has] = partial[ends[has] - 1]
    scale = age / (total + remainder)
    offset_days = np.floor(partial * np.repeat(scale, repeats) * 7).astype(np.int64)
    customer = np.concatenate([np.arange(customers), owner])
    day = np.concatenate([birth, np.repeat(birth, repeats) + offset_days])
    nu = rng.gamma(TRUE["q"], 1 / TRUE["gamma"], customers)
    amount = np.round(rng.gamma(TRUE["p"], 1 / nu[customer]), 2)
    order = np.lexsort((day, customer))
    table = pa.table(
        {
            "customer_id": customer[order],
            "date": (START + day[order]).astype("datetime64[D]"),
            "amount": amount[order],
        }
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)


def run_clientela(path: Path, engine: str = "duckdb") -> dict:
    """The pipeline on DuckDB (default) or on PySpark local[2] (the same Ibis summary,
    reading the same Parquet file; the session's start-up is not counted)."""
    import ibis

    from clientela.analytics.pipelines.summary import rfm_summary
    from clientela.analytics.value import value_score

    stages = {}
    if engine == "spark":
        from clientela.analytics.engines.spark import spark_session

        con = ibis.pyspark.connect(spark_session())
    else:
        con = ibis.duckdb.connect()
    began = time.perf_counter()
    transactions = con.read_parquet(str(path))
    summary = con.to_pyarrow(rfm_summary(transactions, period="week")).to_pandas()
    stages["summary"] = time.perf_counter() - began
    result = value_score(summary, model="bgnbd", horizon_months=12, monthly_discount=0.01)
    stages["fits and CLV"] = time.perf_counter() - began - stages["summary"]
    clv = result.per_customer.set_index("customer_id")["clv"].sort_index()
    return {
        "seconds": time.perf_counter() - began,
        "stages": stages,
        "customers": len(summary),
        "params": {**result.purchase_fit.params, **result.spend_fit.params},
        "clv": clv.to_numpy().tolist() if len(clv) <= 200_000 else clv.to_numpy()[::10].tolist(),
    }


def run_lifetimes(path: Path) -> dict:
    import pandas as pd
    from lifetimes import BetaGeoFitter, GammaGammaFitter
    from lifetimes.utils import summary_data_from_transaction_data

    warnings.simplefilter("ignore")
    stages = {}
    began = time.perf_counter()
    log = pd.read_parquet(path)
    summary = summary_data_from_transaction_data(
        log, "customer_id", "date", monetary_value_col="amount", freq="D", freq_multiplier=7
    )
    stages["summary"] = time.perf_counter() - began
    x, t_x, T, m = (summary[c] for c in ("frequency", "recency", "T", "monetary_value"))
    purchases = BetaGeoFitter().fit(x, t_x, T)
    stages["BG/NBD"] = time.perf_counter() - began - sum(stages.values())
    repeat = summary[x > 0]
    spend = GammaGammaFitter().fit(repeat["frequency"], repeat["monetary_value"])
    stages["Gamma-Gamma"] = time.perf_counter() - began - sum(stages.values())
    clv = spend.customer_lifetime_value(
        purchases, x, t_x, T, m, time=12, discount_rate=0.01, freq="W"
    ).sort_index()
    stages["CLV"] = time.perf_counter() - began - sum(stages.values())
    return {
        "seconds": time.perf_counter() - began,
        "stages": stages,
        "customers": len(summary),
        "params": {**purchases.params_.to_dict(), **spend.params_.rename({"v": "gamma"}).to_dict()},
        "clv": clv.to_numpy().tolist() if len(clv) <= 200_000 else clv.to_numpy()[::10].tolist(),
    }


def side(name: str, path: Path) -> dict:
    """Run one side in a fresh interpreter; its peak RSS is then its own."""
    out = subprocess.run(
        [sys.executable, __file__, "--side", name, "--file", str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--customers", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--side", choices=["clientela", "spark", "lifetimes"])
    parser.add_argument(
        "--spark", action="store_true", help="also run the pipeline on PySpark local[2]"
    )
    parser.add_argument("--file", type=Path)
    args = parser.parse_args()
    if args.side:
        if args.side == "lifetimes":
            result = run_lifetimes(args.file)
        else:
            result = run_clientela(args.file, "spark" if args.side == "spark" else "duckdb")
        result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return
    if args.data_dir is None:
        parser.error("--data-dir is required")
    for customers in args.customers:
        path = args.data_dir / f"bgnbd_{customers}.parquet"
        if not path.exists():
            began = time.perf_counter()
            generate(path, customers)
            print(f"generated {path.name} in {time.perf_counter() - began:.1f} s")
        import pyarrow.parquet as pq

        rows = pq.ParquetFile(path).metadata.num_rows
        ours, theirs = side("clientela", path), side("lifetimes", path)
        ours_p = np.array(list(ours["params"].values()))
        theirs_p = np.array([theirs["params"][k] for k in ours["params"]])
        clv_gap = np.max(np.abs(np.array(ours["clv"]) / np.array(theirs["clv"]) - 1))
        print(f"\n{customers:,} customers, {rows:,} transactions")
        for label, r in (("clientela", ours), ("lifetimes", theirs)):
            stages = ", ".join(f"{k} {v:.2f} s" for k, v in r["stages"].items())
            print(
                f"  {label:<10} {r['seconds']:7.2f} s  peak RSS {r['peak_rss_mb']:7.0f} MB  "
                f"({stages})"
            )
        print(f"  speed-up   {theirs['seconds'] / ours['seconds']:.1f}x")
        print(f"  params     {json.dumps({k: round(v, 4) for k, v in ours['params'].items()})}")
        print(
            f"  max relative difference: params {np.max(np.abs(ours_p / theirs_p - 1)):.1e}, "
            f"CLV {clv_gap:.1e}"
        )
        if args.spark:
            spark = side("spark", path)
            spark_p = np.array([spark["params"][k] for k in ours["params"]])
            spark_gap = np.max(np.abs(np.array(spark["clv"]) / np.array(ours["clv"]) - 1))
            stages = ", ".join(f"{k} {v:.2f} s" for k, v in spark["stages"].items())
            print(
                f"  spark      {spark['seconds']:7.2f} s  peak RSS (driver) "
                f"{spark['peak_rss_mb']:7.0f} MB  ({stages})"
            )
            print(
                f"  spark vs duckdb: params {np.max(np.abs(spark_p / ours_p - 1)):.1e}, "
                f"CLV {spark_gap:.1e}"
            )


if __name__ == "__main__":
    main()
