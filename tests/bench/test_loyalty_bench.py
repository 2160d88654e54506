"""Smoke test of bench/loyalty.py at a tiny size: its own verification must pass.

On SQLite the bench earns points in bulk and one order per call and verifies the ledger;
when the suite runs on PostgreSQL, the redemption part runs too, against a database the
bench creates on the same server and drops afterwards. Timings are printed, never asserted.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def _bench(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ}
    env.pop("CLIENTELA_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, str(ROOT / "bench" / "loyalty.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_a_tiny_run_on_sqlite_earns_and_verifies(tmp_path):
    # given a fresh data directory; when the bench runs at a tiny size
    done = _bench(
        "--orders", "3000", "--parties", "300", "--sample", "40",
        "--data-dir", str(tmp_path / "data"),
    )  # fmt: skip

    # then it exits 0, having verified the ledger after earning
    assert done.returncode == 0, done.stdout + done.stderr
    assert "earning in bulk: 3,000 orders" in done.stdout
    assert "one order per call: 40 orders" in done.stdout
    assert "verified (earning)" in done.stdout
    assert "FAILED" not in done.stdout
    assert "redeem" not in done.stdout  # redemptions run on PostgreSQL only


def test_a_data_directory_in_use_is_refused(tmp_path):
    # given a data directory that already holds something
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "clientela.sqlite3").write_text("")

    # when the bench is pointed at it
    done = _bench("--orders", "10", "--parties", "5", "--data-dir", str(tmp_path / "data"))

    # then it refuses, touching nothing
    assert done.returncode == 2
    assert "is not empty" in done.stdout
    assert (tmp_path / "data" / "clientela.sqlite3").read_text() == ""


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locking needs PostgreSQL")
def test_a_tiny_run_on_postgresql_redeems_concurrently_and_verifies():
    # given the test server's URL, pointed at its maintenance database
    parts = urlsplit(os.environ["CLIENTELA_DATABASE_URL"])
    server = urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))

    # when the bench runs there with two threads for one second per case
    done = _bench(
        "--no-sqlite", "--postgres-url", server, "--orders", "2000", "--parties", "200",
        "--sample", "20", "--threads", "2", "--seconds", "1", "--accounts", "50",
    )  # fmt: skip

    # then both cases were verified and the database it created is gone again
    assert done.returncode == 0, done.stdout + done.stderr
    assert "verified (earning)" in done.stdout
    assert "verified (many, 2 threads)" in done.stdout
    assert "verified (hot, 2 threads)" in done.stdout
    assert "verified (whole ledger after the redemptions)" in done.stdout
    assert "FAILED" not in done.stdout
    name = next(line.split()[-1] for line in done.stdout.splitlines() if "created the" in line)
    assert f"dropped the database {name}" in done.stdout
