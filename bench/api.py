"""Benchmark: the REST API over real HTTP, a gunicorn server against a load generator.

For each database (the data directory's SQLite, and PostgreSQL with --postgres-url):
1. prepares it in a subprocess: migrations, the bank demo with --parties parties when it
   holds fewer (an existing data directory / database is reused), a manager with a write
   token;
2. starts gunicorn (`clientela.config.wsgi`, --workers processes x --threads threads) on
   127.0.0.1 and waits until it answers;
3. measures, from other processes:
   (a) ingestion of --events touchpoints with POST /events:batch (--batch-size items a
       request, encoded beforehand, --senders requests in flight, httpx), and the same kind
       of events posted one per request (POST /parties/{id}/activities, --single of them);
       prints events/s and the ratio batch / one-per-request (targets: >= 20,000/s on
       PostgreSQL, >= 20x);
   (b) party-detail reads, GET /api/v1/parties/{id} on random parties, by --clients
       concurrent clients for --seconds: requests/s, p50 and p99 latency (target p99 < 50 ms).
       The load comes from wrk when it is installed (Debian's package: C, event-driven, so
       it leaves the cores to the server), else from httpx threads; with --floor, also
       GET /me the same way, the cheapest authenticated request.

    pip install -e '.[bench]'
    python bench/api.py --data-dir bench-api --parties 1000000 \\
        --postgres-url postgres://postgres@127.0.0.1:5432/clientela_bench
    python bench/api.py --data-dir bench-api --parties 20000 --seconds 10   # a quick run

The rate limit is lifted for the server (CLIENTELA_API_RATE), nothing else is changed.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


# ------------------------------------------------------------------ preparation (subprocess)


def prepare(parties: int, sample: int) -> dict:
    """Runs with the target's environment: migrate, load, a token, sample party ids."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clientela.config.settings")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from clientela.accounts.models import User
    from clientela.api.services import token_create
    from clientela.parties.models import Party

    count = Party.objects.count()
    if count == 0:
        from clientela.demo import demo_load

        print(f"  loading the bank demo with {parties:,} parties ...", file=sys.stderr, flush=True)
        started = time.perf_counter()
        demo_load(business="bank", size="large", parties=parties)
        print(f"  loaded in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
        count = Party.objects.count()
    elif count < parties:
        print(
            f"  reusing the {count:,} parties already there (fewer than {parties:,})",
            file=sys.stderr,
        )
    user = User.objects.filter(username="bench-api").first()
    if user is None:
        user = User.objects.create_user(username="bench-api", role="manager")
    _token, secret = token_create(actor=None, user=user, name="bench", scope="write")
    ids = list(Party.objects.order_by("?").values_list("public_id", flat=True)[:sample])
    return {"token": secret, "parties": count, "sample": ids}


# ------------------------------------------------------------------ load generator


def _client(base: str, token: str):
    import httpx

    return httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=300)


def _send_batches(base: str, token: str, bodies: list[bytes], out) -> None:
    """Posts request bodies encoded beforehand (a client's own encoding is not the
    server's cost, and here it would take the server's cores)."""
    with _client(base, token) as client:
        created = 0
        for body in bodies:
            response = client.post(
                "/events:batch", content=body, headers={"Content-Type": "application/json"}
            )
            response.raise_for_status()
            created += response.json()["totals"]["created"]
        out.put(created)


def _send_singles(base: str, token: str, events: list[dict], out) -> None:
    with _client(base, token) as client:
        created = 0
        for event in events:
            party = event.pop("party")
            response = client.post(f"/parties/{party}/activities", json=event)
            response.raise_for_status()
            created += 1
        out.put(created)


def _read(base: str, token: str, ids: list[str], threads: int, seconds: float, out) -> None:
    import threading

    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def run(seed: int) -> None:
        rng = random.Random(seed)
        mine, failed = [], 0
        with _client(base, token) as client:
            while time.perf_counter() < stop_at:
                started = time.perf_counter()
                response = client.get(f"/parties/{rng.choice(ids)}")
                mine.append(time.perf_counter() - started)
                failed += response.status_code != 200
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    pool = [threading.Thread(target=run, args=(os.getpid() * 100 + i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    out.put((latencies, errors[0]))


def _run_processes(target, args_list: list[tuple]) -> tuple[list, float]:
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    procs = [ctx.Process(target=target, args=(*args, out)) for args in args_list]
    started = time.perf_counter()
    for proc in procs:
        proc.start()
    results = [out.get() for _ in procs]
    elapsed = time.perf_counter() - started
    for proc in procs:
        proc.join()
        if proc.exitcode:
            raise SystemExit(f"a load generator process failed ({proc.exitcode})")
    return results, elapsed


def _events(run: str, start: int, count: int, parties: list[str]) -> list[dict]:
    kinds = ("website_visit", "campaign_click", "campaign_open", "store_visit")
    return [
        {
            "external_id": f"{run}-{n}",
            "party": parties[n % len(parties)],
            "kind": kinds[n % len(kinds)],
            "occurred_at": f"2024-05-{1 + n % 28:02d}T{n % 24:02d}:{n % 60:02d}:00Z",
            "properties": {"page": f"/product/{n % 500}", "utm_source": "newsletter"},
        }
        for n in range(start, start + count)
    ]


def _encode(items: list[dict]) -> bytes:
    return json.dumps({"items": items}).encode()


_WRK_SCRIPT = r"""
local ids = {}
for line in io.lines(os.getenv("BENCH_IDS")) do ids[#ids + 1] = line end
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
math.randomseed(os.time())
request = function()
  return wrk.format("GET", os.getenv("BENCH_PATH") .. ids[math.random(#ids)])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "seconds": %f, "p50": %f, "p90": %f, '
    .. '"p99": %f, "max": %f, "errors": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(90) / 1e3, latency:percentile(99) / 1e3, latency.max / 1e3,
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def _read_wrk(
    base: str, token: str, ids: list[str], clients: int, seconds: float, what: str = "parties/"
) -> dict:
    """32 clients from wrk (C, event-driven: it leaves the cores to the server), each a
    keep-alive connection sending its next request as soon as the last one is answered
    (closed loop). Any non-2xx answer counts as an error."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        script, id_file = Path(tmp, "read.lua"), Path(tmp, "ids.txt")
        script.write_text(_WRK_SCRIPT)
        id_file.write_text("\n".join(ids) + "\n")
        host, _sep, path = base.partition("//")[2].partition("/")
        env = {
            **os.environ,
            "BENCH_IDS": str(id_file),
            "BENCH_TOKEN": token,
            "BENCH_PATH": f"/{path}/{what}",
        }
        command = ["wrk", "-t", "2", "-c", str(clients), "-d", f"{seconds:g}s"]
        command += ["--timeout", "10s", "-s", str(script), f"http://{host}/"]
        output = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    line = next((x for x in output.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None or output.stderr.strip():
        raise SystemExit(f"wrk failed:\n{output.stdout}\n{output.stderr}")
    result = json.loads(line.removeprefix("RESULT "))
    result["rps"] = result["requests"] / result["seconds"]
    return result


def _print_wrk(label: str, r: dict, clients: int) -> None:
    print(
        f"  {label}: {r['requests']:,} requests, {r['rps']:,.0f} req/s, "
        f"p50 {r['p50']:.1f} ms, p90 {r['p90']:.1f} ms, p99 {r['p99']:.1f} ms, "
        f"max {r['max']:.1f} ms, {r['errors']} errors ({clients} clients, wrk)"
    )


# ------------------------------------------------------------------ the server


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_server(env: dict, workers: int, threads: int, token: str):
    import httpx

    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "clientela.config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--timeout",
            "300",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}/api/v1"
    for _ in range(300):
        try:
            headers = {"Authorization": f"Bearer {token}"}
            if httpx.get(f"{base}/me", headers=headers, timeout=2).status_code == 200:
                return server, base
        except httpx.HTTPError:
            pass
        if server.poll() is not None:
            raise SystemExit("gunicorn did not start")
        time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 60 s")


# ------------------------------------------------------------------ one target


def bench_target(name: str, env: dict, args) -> dict:
    print(f"\n== {name}", flush=True)
    prepared = subprocess.run(
        [sys.executable, __file__, "--prepare", str(args.parties), "--sample", str(args.sample)],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    sys.stderr.write(prepared.stderr)
    info = json.loads(prepared.stdout.strip().splitlines()[-1])
    token, ids = info["token"], info["sample"]
    print(f"  {info['parties']:,} parties; gunicorn {args.workers} x {args.threads} threads")
    server, base = _start_server(env, args.workers, args.threads, token)
    result = {"parties": info["parties"]}
    try:
        run = uuid.uuid4().hex[:8]
        targets = ids[: min(len(ids), 2000)]
        # (a) batch ingestion
        if not args.skip_ingest:
            warm = _events(f"{run}w", 0, args.batch_size, targets)
            _run_processes(_send_batches, [(base, token, [_encode(warm)])])
            per_sender = args.events // args.senders
            work = []
            for s in range(args.senders):
                events = _events(run, s * per_sender, per_sender, targets)
                bodies = [
                    _encode(events[i : i + args.batch_size])
                    for i in range(0, per_sender, args.batch_size)
                ]
                work.append((base, token, bodies))
            counts, elapsed = _run_processes(_send_batches, work)
            batch_rate = sum(counts) / elapsed
            print(
                f"  events:batch   {sum(counts):>9,} events in {elapsed:6.2f} s = "
                f"{batch_rate:>9,.0f} events/s (batches of {args.batch_size:,}, "
                f"{args.senders} in flight)"
            )
            per_single = args.single // args.senders
            work = [
                (base, token, _events(f"{run}s", s * per_single, per_single, targets))
                for s in range(args.senders)
            ]
            counts, elapsed = _run_processes(_send_singles, work)
            single_rate = sum(counts) / elapsed
            print(
                f"  one a request  {sum(counts):>9,} events in {elapsed:6.2f} s = "
                f"{single_rate:>9,.0f} events/s ({args.senders} in flight)"
            )
            print(f"  ratio batch / one per request: {batch_rate / single_rate:.1f}x")
            result.update(batch_rate=batch_rate, single_rate=single_rate)
        # (b) party-detail reads
        if not args.skip_reads and args.load_generator == "wrk":
            _read_wrk(base, token, ids, 4, 2.0)  # warm up
            r = _read_wrk(base, token, ids, args.clients, args.seconds)
            _print_wrk("GET /parties/{id}", r, args.clients)
            result.update(rps=r["rps"], p50=r["p50"], p99=r["p99"], errors=r["errors"])
            if args.floor:
                floor = _read_wrk(base, token, [""], args.clients, args.seconds, what="me")
                _print_wrk("GET /me (the floor)", floor, args.clients)
                result.update(floor_rps=floor["rps"], floor_p99=floor["p99"])
        elif not args.skip_reads:
            procs = min(args.clients, args.reader_processes)
            threads = [args.clients // procs + (i < args.clients % procs) for i in range(procs)]
            _run_processes(_read, [(base, token, ids, 2, 2.0)])  # warm up
            results, elapsed = _run_processes(
                _read, [(base, token, ids, t, args.seconds) for t in threads]
            )
            latencies = sorted(x for lat, _e in results for x in lat)
            errors = sum(e for _lat, e in results)
            p50 = statistics.median(latencies) * 1000
            p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
            rps = len(latencies) / elapsed
            print(
                f"  GET /parties/{{id}}: {len(latencies):,} requests, {rps:,.0f} req/s, "
                f"p50 {p50:.1f} ms, p99 {p99:.1f} ms, {errors} errors "
                f"({args.clients} clients in {procs} processes)"
            )
            result.update(rps=rps, p50=p50, p99=p99, errors=errors)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--postgres-url", help="also measure this PostgreSQL database")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--parties", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=5_000)
    parser.add_argument("--senders", type=int, default=2)
    parser.add_argument("--single", type=int, default=2_000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--reader-processes", type=int, default=4, help="httpx reader only")
    parser.add_argument(
        "--load-generator",
        choices=("wrk", "httpx"),
        default="wrk" if shutil.which("wrk") else "httpx",
        help="for the reads: wrk (Debian's package, the default when installed) or httpx "
        "threads in --reader-processes processes",
    )
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--sample", type=int, default=10_000)
    parser.add_argument("--skip-ingest", action="store_true")
    parser.add_argument("--skip-reads", action="store_true")
    parser.add_argument(
        "--floor",
        action="store_true",
        help="also load GET /me (token check and nothing else) the same way (wrk): what "
        "any authenticated request costs this server",
    )
    parser.add_argument("--prepare", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare is not None:
        print(json.dumps(prepare(args.prepare, args.sample)))
        return 0
    if args.data_dir is None:
        parser.error("--data-dir is required")
    data_dir = args.data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "CLIENTELA_DATA_DIR": str(data_dir),
        "CLIENTELA_API_RATE": "100000000/minute",
        "DJANGO_SETTINGS_MODULE": "clientela.config.settings",
        "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""),
    }
    env.pop("CLIENTELA_DATABASE_URL", None)
    print(f"CPUs: {os.cpu_count()}; Python {sys.version.split()[0]}")
    results = {}
    if not args.no_sqlite:
        results["SQLite"] = bench_target("SQLite", env, args)
    if args.postgres_url:
        results["PostgreSQL"] = bench_target(
            "PostgreSQL", {**env, "CLIENTELA_DATABASE_URL": args.postgres_url}, args
        )
    print("\nsummary")
    for name, r in results.items():
        line = f"  {name:<10} {r['parties']:>9,} parties"
        if "batch_rate" in r:
            line += (
                f" | batch {r['batch_rate']:,.0f} ev/s, single {r['single_rate']:,.0f} ev/s, "
                f"{r['batch_rate'] / r['single_rate']:.1f}x"
            )
        if "rps" in r:
            line += f" | reads {r['rps']:,.0f} req/s, p50 {r['p50']:.1f} ms, p99 {r['p99']:.1f} ms"
        if "floor_rps" in r:
            line += f" | /me {r['floor_rps']:,.0f} req/s, p99 {r['floor_p99']:.1f} ms"
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
