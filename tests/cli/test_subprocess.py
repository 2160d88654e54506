"""The `clientela` command as a real process, with its own data directory (SQLite)."""

from __future__ import annotations

import importlib.util
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest


def _env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    for name in (
        "CLIENTELA_DATABASE_URL",
        "CLIENTELA_DATA_DIR",
        "CLIENTELA_SECRET_KEY",
        "DJANGO_SETTINGS_MODULE",
    ):
        env.pop(name, None)
    return env


def _run(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "clientela", *args],
        cwd=tmp_path,
        env=_env(tmp_path),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_init_twice_and_users_create_in_a_real_process(tmp_path):
    data = tmp_path / "data"

    first = _run(tmp_path, "init", "--data-dir", str(data))
    assert first.returncode == 0, first.stderr
    assert "username: admin" in first.stdout
    assert (data / "clientela.sqlite3").exists()
    assert (data / "secret_key").stat().st_mode & 0o777 == 0o600

    second = _run(tmp_path, "init", "--data-dir", str(data))
    assert second.returncode == 0, second.stderr
    assert "The database is already initialised" in second.stdout
    assert "username: admin" not in second.stdout

    created = _run(
        tmp_path,
        "users",
        "create",
        "maria",
        "--role",
        "manager",
        "--password-stdin",
        "--data-dir",
        str(data),
        stdin="a-long-pass-phrase-42\n",
    )
    assert (created.returncode, created.stdout) == (0, "Created user maria (role manager).\n")


def test_serve_refuses_an_uninitialised_database(tmp_path):
    result = _run(tmp_path, "serve", "--data-dir", str(tmp_path / "empty"))
    assert result.returncode == 1
    assert "run clientela init first" in result.stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_answers_the_login_page_over_http(tmp_path):
    # given an initialised data directory
    data = tmp_path / "data"
    assert _run(tmp_path, "init", "--data-dir", str(data)).returncode == 0
    port = _free_port()

    # when the server runs
    server = subprocess.Popen(
        [sys.executable, "-m", "clientela", "serve", "--data-dir", str(data), "--port", str(port)],
        cwd=tmp_path,
        env=_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        status, body = None, ""
        for _attempt in range(120):
            try:
                # the first request loads every app's URLs and templates: on a busy machine
                # that takes a while
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=60) as resp:
                    status, body = resp.status, resp.read().decode()
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if server.poll() is not None:
                    break
                time.sleep(0.25)

        # then /login/ answers 200 with the sign-in form
        assert status == 200, server.stdout.read() if server.poll() is not None else "no answer"
        assert 'name="username"' in body
        assert 'name="password"' in body
        assert 'name="csrfmiddlewaretoken"' in body
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    assert f"http://127.0.0.1:{port}/" in server.stdout.read()


@pytest.mark.skipif(
    importlib.util.find_spec("clientela.demo") is None,
    reason="the demo generator (clientela.demo) is not installed",
)
def test_init_with_a_demo_prints_its_users_and_counts(tmp_path):
    result = _run(tmp_path, "init", "--data-dir", str(tmp_path / "d"), "--demo", "cafe")
    assert result.returncode == 0, result.stderr
    assert "Demo users (passwords shown only once)" in result.stdout
    assert "Demo: cafe (small)" in result.stdout
    printed = next(
        int(line.split("│")[2].strip().replace(",", ""))
        for line in result.stdout.splitlines()
        if line.startswith("│ parties ")
    )
    with sqlite3.connect(tmp_path / "d" / "clientela.sqlite3") as db:
        assert db.execute("select count(*) from parties_party").fetchone()[0] == printed
        # the demo is analysed at once: one succeeded run, a score per party with paid orders
        runs = db.execute("select status from analytics_analysisrun").fetchall()
        scored = db.execute("select count(*) from analytics_partyscore").fetchone()[0]
        buyers = db.execute(
            "select count(distinct payer_id) from commerce_order where status = 'paid'"
        ).fetchone()[0]
    assert runs == [("succeeded",)]
    assert scored == buyers > 0
