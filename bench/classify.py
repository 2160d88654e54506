"""Classification and conversion radar at a million relationships, on DuckDB.

    python bench/classify.py [--parties 1000000] [--runs 3]

Generates (seeded, numpy-vectorised) the source tables of a business with `--parties`
parties, each with one current relationship (8% clients), 2% past conversions, about 8
orders a customer and a monthly invoice a client, staff contacts and web visits; loads them
into an in-memory DuckDB exactly as `engine_open("duckdb")` does with the operational
database's rows, then times what a `clientela classify` run computes: the features of the
current relationships and of the past conversions (one Ibis expression, on DuckDB), the
classification with the order of its explanations (the sentences are written when a person
reads one), and the radar (transparent score, the logistic model
learned from the conversions, next best actions). Reading the operational database and
storing the rows are not part of this figure (see docs/benchmarks.md).

Baseline, in the same run: the same behaviour measures computed with pandas group-bys on the
same tables (how a Python CRM would typically do it); the ratio is baseline / DuckDB for the
features, and the two must agree on every relationship's purchases, staff interactions and
revenue.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

import numpy as np

DAY = 86_400_000_000  # microseconds
START = np.datetime64("2024-11-01T00:00:00", "us").astype("int64")
SPAN_DAYS = 730


def _setup() -> None:
    os.environ.setdefault("CLIENTELA_DATA_DIR", tempfile.mkdtemp(prefix="clientela-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clientela.config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def generate(parties: int, seed: int = 11) -> dict:
    """The five source tables (`analytics.engines.sources.RAW`) as Arrow tables."""
    import pyarrow as pa

    from clientela.analytics.engines.sources import RAW

    rng = np.random.default_rng(seed)
    n = parties
    pid = np.arange(1, n + 1)
    public = np.char.add("pty_", np.char.zfill(pid.astype(str), 10))
    client = rng.random(n) < 0.08
    start = START + (rng.random(n) ** 1.3 * (SPAN_DAYS - 30) * DAY).astype("int64")
    end = START + SPAN_DAYS * DAY
    months = (end - start) / (30.4375 * DAY)
    stage = np.where(
        client,
        rng.choice(["purchase", "onboarding", "relationship_management"], n, p=[0.1, 0.1, 0.8]),
        rng.choice(["awareness", "purchase", "retention"], n, p=[0.05, 0.15, 0.8]),
    )
    channel = np.where(
        client,
        rng.choice(["referral", "networking", "partnership"], n),
        rng.choice(["walk_in", "search_ad", "campaign", "word_of_mouth"], n),
    )
    converted = client & (rng.random(n) < 0.25)  # 2% of all parties
    old = np.flatnonzero(converted)
    old_start = START + ((start[old] - START) * rng.random(len(old))).astype("int64")
    rel_ids = np.concatenate([pid, n + 1 + np.arange(len(old))])
    relationship = {
        "id": rel_ids,
        "public_id": np.char.add("rel_", rel_ids.astype(str)),
        "party_id": np.concatenate([pid, pid[old]]),
        "kind": np.concatenate([np.where(client, "client", "customer"), ["customer"] * len(old)]),
        "acquisition_channel": np.concatenate([channel, ["walk_in"] * len(old)]),
        "status": np.concatenate([["active"] * n, ["converted"] * len(old)]),
        "is_current": np.concatenate([np.ones(n, bool), np.zeros(len(old), bool)]),
        "stage": np.concatenate([stage, ["retention"] * len(old)]),
        "started_at": np.concatenate([start, old_start]),
        "ended_at": np.concatenate([np.full(n, None), start[old]]),
        "converted_from_id": np.concatenate([np.where(converted, 0, -1), np.full(len(old), -1)]),
    }
    relationship["converted_from_id"] = np.where(
        relationship["converted_from_id"] == 0,
        0,
        None,
    )
    from_ids = np.full(n, None, dtype=object)
    from_ids[old] = n + 1 + np.arange(len(old))
    relationship["converted_from_id"] = np.concatenate([from_ids, np.full(len(old), None)])

    buying = np.isin(stage, ["purchase", "retention", "onboarding", "relationship_management"])
    count = np.where(client, np.ceil(months).astype(int), rng.poisson(7, n) + 1) * buying
    payer = np.repeat(pid, count)
    o_start, o_end = np.repeat(start, count), end
    placed = o_start + ((o_end - o_start) * rng.random(len(payer))).astype("int64")
    is_client = np.repeat(client, count)
    total = np.where(is_client, rng.gamma(4, 250, len(payer)), rng.gamma(2, 15, len(payer)))
    oid = np.arange(1, len(payer) + 1)
    order = {
        "id": oid,
        "public_id": np.char.add("ord_", oid.astype(str)),
        "payer_id": payer,
        "relationship_id": payer,
        "placed_at": placed,
        "currency": np.full(len(payer), "EUR"),
        "channel": np.where(is_client, "invoice", "store"),
        "status": np.full(len(payer), "paid"),
        "total": np.round(total, 2),
    }
    personal = rng.random(len(payer)) < np.where(is_client, 0.8, 0.05)
    line = {
        "id": oid,
        "order_id": oid,
        "offering": np.where(personal, "personalised", "standardised"),
        "quantity": np.ones(len(payer)),
        "amount": order["total"],
        "payer_id": payer,
        "consumer_id": payer,
    }
    staff_count = np.where(client, rng.poisson(np.maximum(months, 1) * 1.5), 0) + (
        ~client & (rng.random(n) < 0.1)
    )
    web_count = rng.poisson(2, n)
    a_party = np.concatenate([np.repeat(pid, staff_count), np.repeat(pid, web_count)])
    staffed = np.concatenate([np.ones(staff_count.sum(), bool), np.zeros(web_count.sum(), bool)])
    a_start = start[a_party - 1]
    occurred = a_start + ((end - a_start) * rng.random(len(a_party))).astype("int64")
    a_client = client[a_party - 1]
    staff_kind = rng.choice(["meeting_in_person", "meeting_virtual", "call", "email"], len(a_party))
    kind = np.where(staffed, np.where(a_client, staff_kind, "service_call"), "website_visit")
    aid = np.arange(1, len(a_party) + 1)
    inbound = rng.random(len(a_party)) < 0.3
    activity = {
        "id": aid,
        "public_id": np.char.add("act_", aid.astype(str)),
        "party_id": a_party,
        "relationship_id": a_party,
        "kind": kind,
        "channel": np.where(staffed, "phone", "web"),
        "direction": np.where(staffed, np.where(inbound, "inbound", "outbound"), "inbound"),
        "staff_id": np.where(staffed, rng.integers(1, 21, len(a_party)), None),
        "occurred_at": occurred,
    }
    party = {
        "id": pid,
        "public_id": public,
        "kind": np.full(n, "person"),
        "created_at": start,
    }
    columns = {
        "party": party,
        "relationship": relationship,
        "order": order,
        "line": line,
        "activity": activity,
    }
    tables = {}
    for name, data in columns.items():
        schema = RAW[name].schema()
        arrays = []
        for field in schema:
            values = data[field.name]
            if pa.types.is_timestamp(field.type):
                mask = np.array([v is None for v in values]) if values.dtype == object else None
                ints = np.where(mask, 0, values).astype("int64") if mask is not None else values
                arrays.append(pa.array(ints, type=pa.int64(), mask=mask).cast(field.type))
            else:
                arrays.append(pa.array(list(values) if values.dtype == object else values,
                                       type=field.type, from_pandas=True))  # fmt: skip
        tables[name] = pa.Table.from_arrays(arrays, schema=schema)
    return tables


def clientela_run(raw: dict):
    """The classification and the radar of one run, on DuckDB: returns (seconds by step,
    result frame)."""
    import ibis
    import pandas as pd

    from clientela.analytics.engines.tables import named_tables
    from clientela.growth.classify import classify
    from clientela.growth.features import classification_features
    from clientela.growth.radar_run import radar_apply
    from clientela.growth.services import features_split

    times = {}
    started = time.perf_counter()
    backend = ibis.duckdb.connect()
    backend.raw_sql("SET TimeZone = 'UTC'")
    tables = named_tables(
        {k: backend.create_table(f"raw_{k}", v, temp=True) for k, v in raw.items()}
    )
    times["load into DuckDB"] = time.perf_counter() - started
    mark = time.perf_counter()
    features = classification_features(tables, population="both")
    both = backend.to_pyarrow(features.order_by(["population", "customer_id"])).to_pandas()
    current, converted = features_split(both)
    times["features (DuckDB)"] = time.perf_counter() - mark
    mark = time.perf_counter()
    current["main_staff"] = None
    parts = [
        classify(current.iloc[i : i + 100_000], business_type="banking", sentences=False)
        for i in range(0, len(current), 100_000)
    ]
    result = pd.concat(parts, ignore_index=True)
    times["classify + explain"] = time.perf_counter() - mark
    mark = time.perf_counter()
    result, record = radar_apply(
        result, converted, radar_weights=None, ready=0.6, conversion_pays=True
    )
    times["radar"] = time.perf_counter() - mark
    backend.disconnect()
    times["scoring (features + classify + radar)"] = (
        times["features (DuckDB)"] + times["classify + explain"] + times["radar"]
    )
    return times, result, record


def pandas_features(raw: dict):
    """The baseline: purchases (paid purchase days), staff interactions and revenue of every
    current relationship, with pandas group-bys over the same tables."""

    party = raw["party"].to_pandas()
    rel = raw["relationship"].to_pandas()
    rel = rel[rel["is_current"]].merge(party[["id", "public_id"]], left_on="party_id",
                                       right_on="id", suffixes=("", "_party"))  # fmt: skip
    start = rel.set_index("party_id")["started_at"]
    orders = raw["order"].to_pandas()
    orders = orders[orders["status"] == "paid"]
    orders = orders[orders["placed_at"].to_numpy() >= start.reindex(orders["payer_id"]).to_numpy()]
    orders["day"] = orders["placed_at"].dt.floor("D")
    days = orders.groupby(["payer_id", "day"], sort=False)["total"].sum().reset_index()
    days = days.sort_values(["payer_id", "day"])
    days["gap"] = days.groupby("payer_id")["day"].diff().dt.total_seconds() / 86_400
    spend = days.groupby("payer_id").agg(
        revenue=("total", "sum"), purchases=("day", "count"), gap_mean=("gap", "mean"),
        gap_std=("gap", lambda g: g.std(ddof=0)),
    )  # fmt: skip
    lines = raw["line"].to_pandas().merge(orders[["id", "payer_id"]], left_on="order_id",
                                          right_on="id", suffixes=("", "_o"))  # fmt: skip
    personal = lines.assign(p=np.where(lines["offering"] == "personalised", lines["amount"], 0))
    offering = personal.groupby("payer_id_o")[["p", "amount"]].sum()
    acts = raw["activity"].to_pandas()
    acts = acts[acts["staff_id"].notna()]
    acts = acts[acts["occurred_at"].to_numpy() >= start.reindex(acts["party_id"]).to_numpy()]
    personal_kinds = acts["kind"].isin(["meeting_virtual", "meeting_in_person", "call", "email"])
    staff = (
        acts[personal_kinds]
        .groupby("party_id")
        .agg(
            staff_interactions=("id", "count"),
            inbound=("direction", lambda d: (d == "inbound").sum()),
        )
    )
    main = (
        acts[personal_kinds].groupby(["party_id", "staff_id"]).size().reset_index(name="n")
        .sort_values(["party_id", "n", "staff_id"], ascending=[True, False, True])
        .drop_duplicates("party_id").set_index("party_id")["staff_id"]
    )  # fmt: skip
    frame = rel[["party_id", "public_id_party"]].set_index("party_id")
    frame = frame.join(spend).join(offering).join(staff).join(main.rename("main_staff_id"))
    frame["revenue"] = frame["revenue"].fillna(0.0)
    frame["revenue_percentile"] = frame["revenue"].round(2).rank(method="min").sub(1) / len(frame)
    frame["personalised_share"] = (frame["p"] / frame["amount"]).fillna(0.0)
    frame["staff_interactions"] = frame["staff_interactions"].fillna(0).astype(int)
    frame["purchases"] = frame["purchases"].fillna(0).astype(int)
    return frame.reset_index().rename(columns={"public_id_party": "customer_id"})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parties", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    _setup()
    print(f"generating {args.parties:,} parties ...", flush=True)
    raw = generate(args.parties)
    print(", ".join(f"{k}: {v.num_rows:,} rows" for k, v in raw.items()), flush=True)
    runs = []
    for _ in range(args.runs):
        times, result, record = clientela_run(raw)
        runs.append(times)
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    for k, v in med.items():
        print(f"  {k:<40} {v:8.2f} s (median of {args.runs})")
    print(
        f"  radar: {record['method']}, {record['conversions']:,} past conversions, "
        f"{int(result['radar_score'].notna().sum()):,} customers ranked"
    )
    started = time.perf_counter()
    baseline = pandas_features(raw)
    pandas_seconds = time.perf_counter() - started
    merged = result.merge(baseline, on="customer_id", suffixes=("", "_pd"))
    columns = ("purchases", "staff_interactions", "revenue", "personalised_share")
    differ = [
        c
        for c in columns
        if not np.allclose(merged[c].astype(float), merged[f"{c}_pd"].astype(float), atol=1e-6)
    ]
    agree = not differ and len(merged) == len(result)
    if differ:
        print(f"  the baseline differs on: {', '.join(differ)}")
    print(f"  baseline: pandas features {pandas_seconds:8.2f} s; agree on every row: {agree}")
    print(f"  ratio (pandas / DuckDB features): {pandas_seconds / med['features (DuckDB)']:.1f}x")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
