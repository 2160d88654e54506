"""`clientela analyze` in-process, and the worker running the analysis through the real
django-tasks database backend."""

from __future__ import annotations

import signal
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from typer.testing import CliRunner

from clientela.analytics.models import AnalysisRun, PartyScore, RunStatus
from clientela.analytics.schedule import schedule_next, schedule_slot_after, schedule_times
from clientela.analytics.services import analysis_enqueue
from clientela.cli import app
from clientela.core.errors import ApplicationError
from clientela.demo import demo_load
from tests.analytics.integration.conftest import BANK_PARTIES

runner = CliRunner()


def test_analyze_prints_a_summary_per_kind_and_stores_the_run(bank):
    # when the analysis runs from the command line
    result = runner.invoke(app, ["analyze", "--period", "day", "--horizon-months", "6"])

    # then it succeeds, stores one run with the options given, and prints the summary
    assert result.exit_code == 0, result.output
    run = AnalysisRun.objects.get()
    assert (run.status, run.engine, run.parameters["period"], run.parameters["horizon_months"]) == (
        RunStatus.SUCCEEDED,
        "duckdb",
        "day",
        6,
    )
    scored = PartyScore.objects.filter(run=run).count()
    assert f"{scored:,} parties scored." in result.output
    assert f"Analysis {run.public_id} (duckdb, days)" in result.output
    for kind in ("client", "customer"):
        parties = PartyScore.objects.filter(run=run, kind=kind).count()
        assert f"│ {kind}" in result.output and f"{parties:,}" in result.output


def test_analyze_with_an_unknown_engine_is_a_usage_error(db):
    result = runner.invoke(app, ["analyze", "--engine", "excel"])

    assert result.exit_code == 2
    assert "--engine" in result.output
    assert AnalysisRun.objects.count() == 0


def test_analyze_on_an_empty_database_is_a_red_error_and_exit_1(db):
    result = runner.invoke(app, ["analyze"])

    assert result.exit_code == 1
    assert "Error: orders: there are no paid orders to analyse" in result.output
    assert AnalysisRun.objects.get().status == RunStatus.FAILED


@pytest.fixture
def committed_bank(transactional_db):
    """The worker closes and reopens connections between tasks, as in production, so its
    tests run on committed data."""
    return demo_load(business="bank", size="small", parties=BANK_PARTIES)


@pytest.fixture
def signals_restored():
    """The db worker installs its own SIGINT/SIGTERM handlers; give pytest its own back."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def test_a_queued_analysis_is_run_by_the_worker_and_stored(committed_bank, users, signals_restored):
    # given an analysis queued by the manager
    analysis_enqueue(actor=users["manager"])
    queued = DBTaskResult.objects.get()
    assert (queued.status, queued.args_kwargs["kwargs"]) == (
        TaskResultStatus.READY,
        {"user_id": users["manager"].pk, "scheduled": False},
    )

    # when the worker runs what is due, then exits
    call_command(
        "db_worker", batch=True, interval=0, startup_delay=False, reload=False, verbosity=0
    )

    # then the run is stored as triggered by the manager, and the task succeeded with it
    run = AnalysisRun.objects.get()
    assert (run.status, run.triggered_by) == (RunStatus.SUCCEEDED, users["manager"])
    assert PartyScore.objects.filter(run=run).count() == run.parameters["parties"]
    done = DBTaskResult.objects.get()
    assert (done.status, done.return_value) == (
        TaskResultStatus.SUCCESSFUL,
        {"run": run.public_id, "status": "succeeded"},
    )


def test_the_worker_command_queues_the_next_nightly_run_and_runs_what_is_due(
    committed_bank, signals_restored, monkeypatch
):
    # given a schedule of 02:00 and nothing queued
    monkeypatch.setenv("CLIENTELA_ANALYZE_SCHEDULE", "02:00")

    # when the worker starts in batch mode
    result = runner.invoke(app, ["worker", "--batch", "--interval", "0"])

    # then it queued exactly one scheduled analysis, deferred to the next 02:00, and ran
    # nothing yet (nothing was due)
    assert result.exit_code == 0, result.output
    waiting = DBTaskResult.objects.get(task_path__endswith=".analyze")
    expected = schedule_slot_after(now=waiting.enqueued_at, times=schedule_times("02:00"))
    assert (waiting.status, waiting.run_after, waiting.args_kwargs["kwargs"]) == (
        TaskResultStatus.READY,
        expected,
        {"user_id": None, "scheduled": True},
    )
    assert f"Next scheduled analysis: {expected:%Y-%m-%d %H:%M} UTC." in result.output
    assert AnalysisRun.objects.count() == 0
    # and a second start queues no duplicate
    assert schedule_next() is None
    assert DBTaskResult.objects.filter(task_path__endswith=".analyze").count() == 1


def test_a_scheduled_run_queues_the_next_one_before_it_works(
    committed_bank, signals_restored, monkeypatch
):
    # given a scheduled analysis that is due now
    monkeypatch.setenv("CLIENTELA_ANALYZE_SCHEDULE", "02:00")
    analysis_enqueue(actor=None, run_after=datetime(2020, 1, 1, tzinfo=UTC), scheduled=True)

    # when the worker runs it
    call_command(
        "db_worker", batch=True, interval=0, startup_delay=False, reload=False, verbosity=0
    )

    # then the analysis is stored, and the next scheduled one waits
    assert AnalysisRun.objects.get().status == RunStatus.SUCCEEDED
    statuses = sorted(DBTaskResult.objects.values_list("status", flat=True))
    assert statuses == [TaskResultStatus.READY, TaskResultStatus.SUCCESSFUL]


def test_schedule_times_are_parsed_and_a_bad_one_names_the_setting():
    assert [t.isoformat() for t in schedule_times("14:30, 02:00")] == ["02:00:00", "14:30:00"]
    assert schedule_times("off") == []
    assert schedule_times("") == schedule_times("02:00")
    with pytest.raises(ApplicationError) as bad:
        schedule_times("2am")
    assert bad.value.message.startswith("CLIENTELA_ANALYZE_SCHEDULE: '2am' is not a time of day")


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2025, 3, 10, 1, 59, tzinfo=UTC), datetime(2025, 3, 10, 2, 0, tzinfo=UTC)),
        (datetime(2025, 3, 10, 2, 0, tzinfo=UTC), datetime(2025, 3, 11, 2, 0, tzinfo=UTC)),
        (datetime(2025, 3, 10, 23, 0, tzinfo=UTC), datetime(2025, 3, 11, 2, 0, tzinfo=UTC)),
    ],
)
def test_the_next_slot_is_strictly_after_now_in_the_configured_zone(settings, now, expected):
    settings.TIME_ZONE = "UTC"
    assert schedule_slot_after(now=now, times=schedule_times("02:00")) == expected


def test_the_next_slot_follows_the_configured_time_zone(settings):
    # 02:00 in Warsaw (UTC+1 in winter) is 01:00 UTC
    settings.TIME_ZONE = "Europe/Warsaw"
    now = datetime(2025, 1, 10, 12, 0, tzinfo=UTC)
    assert schedule_slot_after(now=now, times=schedule_times("02:00")) == datetime(
        2025, 1, 11, 1, 0, tzinfo=UTC
    )
