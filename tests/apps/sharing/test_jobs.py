"""Background jobs: a report job records progress from the renderer's
callback, stores the PDF, and offers it for download; failures are shown;
expired jobs are purged."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from evidencehub.apps.audit.models import AuditEvent
from evidencehub.apps.sharing import services
from evidencehub.apps.sharing.models import BackgroundJob
from tests.apps.sharing.conftest import PERIOD


def start(cast: Any, **params: Any) -> BackgroundJob:
    return services.job_start(
        actor=cast.viewer_a,
        initiative=cast.initiative_a,
        kind="report",
        params={"period": PERIOD, "language": "en", "audience": "outside", **params},
        enqueue=False,
    )


@pytest.mark.django_db
def test_report_job_records_progress_then_file(results: Any, monkeypatch: Any) -> None:
    job = start(results, format="pdf")
    assert job.state == "queued" and job.percent == 0
    seen: list[tuple[int, int, str]] = []

    real = services._progress

    def spy(j: BackgroundJob) -> Any:
        inner = real(j)

        def report(done: int, total: int, step: str) -> None:
            inner(done, total, step)
            row = BackgroundJob.objects.get(pk=j.pk)
            seen.append((row.done, row.total, row.state))

        return report

    monkeypatch.setattr(services, "_progress", spy)
    assert services.job_run(str(job.pk)) == "done"
    assert seen, "the renderer reported no progress"
    assert all(state == "running" for _d, _t, state in seen)
    dones = [d for d, _t, _s in seen]
    assert dones == sorted(dones) and seen[-1][0] <= seen[-1][1]
    job.refresh_from_db()
    assert job.state == "done" and job.percent == 100
    assert bytes(job.result or b"").startswith(b"%PDF")
    assert job.filename.endswith(".pdf") and job.content_type == "application/pdf"
    assert AuditEvent.objects.filter(action="evidencehub.report.generated").exists()
    # running it again changes nothing
    assert services.job_run(str(job.pk)) == "done"


@pytest.mark.django_db
def test_failed_job_says_why(results: Any) -> None:
    job = start(results, language="xx")
    assert services.job_run(str(job.pk)) == "failed"
    job.refresh_from_db()
    assert job.state == "failed" and job.error


@pytest.mark.django_db
def test_report_page_starts_job_polls_and_downloads(
    results: Any, client_for: Any
) -> None:
    client = client_for(results.viewer_a)
    page = client.get("/initiatives/helpline-a/report/")
    assert page.status_code == 200 and b"Download report (PDF)" in page.content
    r = client.post(
        "/initiatives/helpline-a/report/",
        {"period": PERIOD, "language": "en", "audience": "outside"},
    )
    assert r.status_code == 302
    job_page = client.get(r["Location"])
    assert job_page.status_code == 200
    assert b"<progress" in job_page.content and b"sharing/job.js" in job_page.content
    status = client.get(r["Location"] + "status/").json()
    assert status["state"] == "done" and status["percent"] == 100
    pdf = client.get(status["download"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf["Content-Type"] == "application/pdf"


@pytest.mark.django_db
def test_job_page_before_the_worker_runs_and_without_script(
    results: Any, client_for: Any
) -> None:
    job = start(results)
    client = client_for(results.viewer_a)
    url = f"/initiatives/helpline-a/jobs/{job.pk}/"
    page = client.get(url).content.decode()
    assert 'value="0"' in page and "Check again" in page
    assert client.get(url + "status/").json()["state"] == "queued"
    # not ready: the download sends you back to the progress page
    assert client.get(url + "download/").status_code == 302
    services.job_run(str(job.pk))
    page = client.get(url).content.decode()
    assert 'value="100"' in page and "download/" in page


@pytest.mark.django_db
def test_bad_report_input_and_tenancy(results: Any, client_for: Any) -> None:
    client = client_for(results.viewer_a)
    bad = client.post(
        "/initiatives/helpline-a/report/",
        {"period": "later", "language": "xx", "audience": "all"},
    )
    assert bad.status_code == 400
    for field in (b"period", b"language", b"audience"):
        assert field in bad.content
    job = start(results)
    outsider = client_for(results.admin_b)
    url = f"/initiatives/helpline-a/jobs/{job.pk}/"
    assert outsider.get(url).status_code == 404
    assert client.get("/initiatives/helpline-a/jobs/not-a-uuid/").status_code == 404


@pytest.mark.django_db
def test_job_api(results: Any, api_for: Any) -> None:
    api = api_for(results.viewer_a)
    r = api.post(
        "/api/v1/initiatives/helpline-a/report-jobs/",
        {"period": PERIOD, "format": "html"},
        format="json",
    )
    assert r.status_code == 202
    job = r.json()
    assert job["state"] == "done"
    base = f"/api/v1/initiatives/helpline-a/jobs/{job['id']}/"
    assert api.get(base).json()["percent"] == 100
    html = api.get(base + "download/")
    assert html.status_code == 200 and b"<html" in html.content.lower()
    bad = api.post(
        "/api/v1/initiatives/helpline-a/report-jobs/",
        {"period": "x", "format": "doc"},
        format="json",
    )
    assert bad.status_code == 400
    queued = start(results)
    waiting = api.get(f"/api/v1/initiatives/helpline-a/jobs/{queued.pk}/download/")
    assert waiting.status_code == 409
    assert api_for(results.admin_b).get(base).status_code == 404


@pytest.mark.django_db
def test_expired_jobs_are_purged(results: Any) -> None:
    old = start(results)
    BackgroundJob.objects.filter(pk=old.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    fresh = start(results)
    assert not BackgroundJob.objects.filter(pk=old.pk).exists()
    assert BackgroundJob.objects.filter(pk=fresh.pk).exists()


@pytest.mark.django_db
def test_internal_report_needs_a_role_that_may_export(
    results: Any, api_for: Any, client_for: Any
) -> None:
    # The internal report shows small numbers, like an internal export.
    body = {"period": PERIOD, "format": "html", "audience": "internal"}
    url = "/api/v1/initiatives/helpline-a/report-jobs/"
    for who in (results.viewer_a, results.staff_a):
        assert api_for(who).post(url, body, format="json").status_code == 403
    page = client_for(results.viewer_a).post(
        "/initiatives/helpline-a/report/",
        {"period": PERIOD, "language": "en", "audience": "internal"},
    )
    assert page.status_code == 400
    assert b"audience" in page.content
    assert api_for(results.analyst_a).post(url, body, format="json").status_code == 202
