"""Background tasks (django-tasks). The worker runs them: ``evidencehub
db_worker``, started beside the web server by ``evidencehub run``."""

from __future__ import annotations

from django_tasks import task


@task()
def run_job(job_id: str) -> str:
    """Run a report or export job; returns its final state."""
    from evidencehub.apps.sharing.services import job_run

    return job_run(job_id)
