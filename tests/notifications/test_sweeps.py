"""The sweep registry, the schedule chain, `clientela desk sweep` and `clientela worker`."""

from __future__ import annotations

import datetime as dt

import pytest
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from typer.testing import CliRunner

from clientela.cli import app
from clientela.core.errors import ApplicationError
from clientela.notifications import sweeps
from clientela.notifications.models import Notification, SweepSlot
from clientela.notifications.services import notification_send
from clientela.notifications.tasks import sweep

runner = CliRunner()
NOW = dt.datetime(2026, 3, 2, 9, 7, 30, tzinfo=dt.UTC)


@pytest.fixture
def registry():
    """Only the sweeps this test registers (the apps' own sweeps are put back after)."""
    saved = dict(sweeps._SWEEPS)
    sweeps._SWEEPS.clear()
    yield sweeps
    sweeps._SWEEPS.clear()
    sweeps._SWEEPS.update(saved)


def _register_three(registry):
    seen = []

    @registry.register("a.reminders")
    def reminders(*, now):
        seen.append(("a", now))
        for i in range(2):
            notification_send(
                key=f"reminder:{i}:{now.date()}", kind="r", subject="R", body="", email="a@x.test"
            )
        return 2

    @registry.register("b.broken")
    def broken(*, now):
        notification_send(key="half", kind="r", subject="R", body="", email="a@x.test")
        raise ValueError("the sweep has a bug")

    @registry.register("c.warnings")
    def warnings(*, now):
        seen.append(("c", now))
        return 0

    return seen


def test_every_sweep_runs_and_a_failing_one_neither_stops_the_others_nor_leaves_half(
    db, registry, caplog
):
    seen = _register_three(registry)

    results = registry.sweeps_run(now=NOW)

    assert list(results) == ["a.reminders", "b.broken", "c.warnings"]
    assert (results["a.reminders"], results["c.warnings"]) == (2, 0)
    assert isinstance(results["b.broken"], ValueError)
    assert seen == [("a", NOW), ("c", NOW)]
    assert sorted(Notification.objects.values_list("key", flat=True)) == [
        "reminder:0:2026-03-02",
        "reminder:1:2026-03-02",
    ]
    assert "Sweep b.broken failed" in caplog.text


def test_running_the_sweeps_twice_tells_nobody_twice(db, registry):
    _register_three(registry)

    registry.sweeps_run(now=NOW)
    registry.sweeps_run(now=NOW + dt.timedelta(minutes=15))

    assert Notification.objects.count() == 2


def test_registering_a_name_again_replaces_the_sweep(db, registry):
    registry.register("x")(lambda *, now: 1)
    registry.register("x")(lambda *, now: 5)

    assert (registry.sweeps_registered(), registry.sweeps_run(now=NOW)) == (["x"], {"x": 5})


def test_the_slots_are_on_a_grid_from_midnight_utc():
    assert sweeps.sweep_slot_after(now=NOW, minutes=15) == dt.datetime(
        2026, 3, 2, 9, 15, tzinfo=dt.UTC
    )
    assert sweeps.sweep_slot_after(
        now=dt.datetime(2026, 3, 2, 9, 15, tzinfo=dt.UTC), minutes=15
    ) == dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
    assert sweeps.sweep_slot_after(
        now=dt.datetime(2026, 3, 2, 23, 50, tzinfo=dt.UTC), minutes=60
    ) == dt.datetime(2026, 3, 3, 0, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize("value", ["0", "abc", "1441"])
def test_a_bad_interval_is_refused_naming_the_setting(settings, value):
    settings.CLIENTELA_SWEEP_MINUTES = value

    with pytest.raises(ApplicationError) as info:
        sweeps.sweep_minutes()

    assert list(info.value.extra["fields"]) == ["CLIENTELA_SWEEP_MINUTES"]


def _waiting_sweeps() -> list[DBTaskResult]:
    return list(
        DBTaskResult.objects.filter(task_path=sweep.module_path, status=TaskResultStatus.READY)
    )


def test_two_workers_starting_queue_one_scheduled_sweep(db, settings):
    settings.CLIENTELA_SWEEP_MINUTES = 10

    first = sweeps.sweep_schedule_next(now=NOW)
    second = sweeps.sweep_schedule_next(now=NOW)

    (waiting,) = _waiting_sweeps()
    assert (first, second) == (dt.datetime(2026, 3, 2, 9, 10, tzinfo=dt.UTC), None)
    assert (waiting.run_after, waiting.args_kwargs["kwargs"]) == (
        first,
        {"scheduled": True, "slot": "2026-03-02T09:10:00+00:00"},
    )


def test_a_slot_another_worker_claimed_is_not_queued_twice(db, settings):
    settings.CLIENTELA_SWEEP_MINUTES = 10
    sweeps.sweep_schedule_next(now=NOW)
    DBTaskResult.objects.all().delete()  # as if the other worker had already taken its task

    assert sweeps.sweep_schedule_next(now=NOW) is None
    assert _waiting_sweeps() == []


@pytest.mark.django_db(transaction=True)
def test_a_scheduled_sweep_queues_the_next_runs_the_sweeps_and_records_them(
    registry, settings, run_worker
):
    # given a sweep and the first scheduled run, now due
    settings.CLIENTELA_SWEEP_MINUTES = 15
    registry.register("a")(lambda *, now: 3)
    first = sweeps.sweep_schedule_next()
    DBTaskResult.objects.update(run_after=first - dt.timedelta(minutes=20))

    # when the worker runs it
    run_worker()

    # then the run is recorded on its slot and exactly one next run waits
    done = SweepSlot.objects.get(slot=first)
    assert (done.results, done.finished_at is not None) == ({"a": 3}, True)
    (waiting,) = _waiting_sweeps()
    assert waiting.run_after > first - dt.timedelta(minutes=20)
    assert waiting.args_kwargs["kwargs"]["scheduled"] is True


def test_desk_sweep_runs_every_sweep_once_and_prints_what_each_sent(db, registry):
    _register_three(registry)

    result = runner.invoke(app, ["desk", "sweep"])

    assert result.exit_code == 1
    assert "a.reminders" in result.stdout and "c.warnings" in result.stdout
    lines = [line for line in result.stdout.splitlines() if "│" in line]
    assert [
        " ".join(cell.strip() for cell in line.split("│") if cell.strip()) for line in lines
    ] == [
        "a.reminders 2",
        "b.broken failed: the sweep has a bug",
        "c.warnings 0",
    ]
    assert "2 sweeps ran." in result.stdout
    assert "1 sweeps failed" in result.stderr
    assert Notification.objects.count() == 2


def test_desk_sweep_without_sweeps_says_so(db, registry):
    result = runner.invoke(app, ["desk", "sweep"])

    assert (result.exit_code, result.stdout) == (0, "No sweeps are registered.\n")


@pytest.mark.django_db(transaction=True)
def test_the_worker_command_sends_queued_emails_and_schedules_the_sweeps(
    smtp, registry, signals_restored
):
    notification_send(key="k", kind="test", subject="Queued", body="", email="a@example.test")

    result = runner.invoke(app, ["worker", "--batch", "--interval", "0"])

    assert result.exit_code == 0, result.output
    assert [m["Subject"] for m in smtp.messages] == ["Queued"]
    assert Notification.objects.get().email_status == "sent"
    assert "Next sweep: " in result.stdout
    assert len(_waiting_sweeps()) == 1

    # and a second worker starting does not queue a second chain
    again = runner.invoke(app, ["worker", "--batch", "--interval", "0"])
    assert again.exit_code == 0, again.output
    assert "Next sweep: " not in again.stdout
    assert len(_waiting_sweeps()) == 1
