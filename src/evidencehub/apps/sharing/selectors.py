"""Reads: share links and background jobs of an initiative. Tenancy is
resolved by the caller (``initiative_required`` / ``api_initiative``)."""

from __future__ import annotations

from django.db.models import QuerySet

from evidencehub.apps.initiatives.models import Initiative
from evidencehub.apps.sharing.models import BackgroundJob, ShareLink


def links(*, initiative: Initiative) -> QuerySet[ShareLink]:
    return ShareLink.objects.filter(
        organisation_id=initiative.organisation_id, initiative=initiative
    ).select_related("created_by")


def link_get(*, initiative: Initiative, pk: int) -> ShareLink | None:
    return links(initiative=initiative).filter(pk=pk).first()


def job_get(*, initiative: Initiative, job_id: str) -> BackgroundJob | None:
    """A job of this initiative, or ``None`` (also for a malformed id)."""
    import uuid

    try:
        key = uuid.UUID(str(job_id))
    except ValueError:
        return None
    return (
        BackgroundJob.objects.filter(
            organisation_id=initiative.organisation_id, initiative=initiative, pk=key
        )
        .defer("result")
        .first()
    )


def job_status(job: BackgroundJob) -> dict[str, object]:
    """What the progress page and its script show."""
    return {
        "id": str(job.pk),
        "kind": job.kind,
        "state": job.state,
        "done": job.done,
        "total": job.total,
        "percent": job.percent if job.state != BackgroundJob.DONE else 100,
        "step": job.step,
        "error": job.error,
        "filename": job.filename,
    }
