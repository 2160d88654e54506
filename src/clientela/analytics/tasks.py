"""The background analysis, run by `clientela worker` through django-tasks' database backend.

A scheduled run first queues the next scheduled one (before it starts working), so the
nightly chain survives a failed analysis; a run queued by a person does not.
"""

from __future__ import annotations

from django_tasks import task


@task()
def analyze(*, user_id: int | None = None, scheduled: bool = False, engine: str = "duckdb"):
    """Run `analysis_run` as the user who queued it (None: the system) and return the run's
    public id and status. A failed analysis is recorded on its run and re-raised, so the
    task result shows it failed too."""
    from clientela.accounts.models import User
    from clientela.analytics.services import analysis_run

    if scheduled:
        from clientela.analytics.schedule import schedule_next

        schedule_next()
    actor = User.objects.get(pk=user_id) if user_id is not None else None
    run = analysis_run(actor=actor, engine=engine)
    return {"run": run.public_id, "status": run.status}
