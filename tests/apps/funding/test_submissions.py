"""Moderated submissions: anyone signed in proposes, platform admins review,
every change keeps its history."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from evidencehub.apps.audit.models import AuditEvent
from evidencehub.apps.funding.models import Call, Funder, RecordChange, Submission
from evidencehub.apps.funding.services import submission_create, submission_review

SOURCE = "https://example.org/funder-page"


def test_new_call_is_published_only_after_review(
    cast: Any, seeded: dict[str, int], api_for: Any
) -> None:
    api = api_for(cast.evaluator)
    response = api.post(
        "/api/v1/funders/submissions/",
        {
            "kind": "call",
            "payload": {
                "name": "Community prevention grants 2027",
                "funder": "oak-foundation",
                "deadline_text": "2027-03-31 17:00 CET",
                "max_grant": 40000,
                "currency": "EUR",
            },
            "source_url": SOURCE,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert not Call.objects.filter(name="Community prevention grants 2027").exists()
    assert (
        api.post(
            f"/api/v1/funders/submissions/{pk}/review/", {"accept": True}, format="json"
        ).status_code
        == 403
    )
    admin = api_for(cast.platform_admin)
    reviewed = admin.post(
        f"/api/v1/funders/submissions/{pk}/review/",
        {"accept": True, "note": "Checked"},
        format="json",
    )
    assert reviewed.status_code == 200 and reviewed.json()["state"] == "accepted"
    call = Call.objects.get(name="Community prevention grants 2027")
    assert (
        call.origin == "submission"
        and call.funder is not None
        and call.funder.key == "oak-foundation"
    )
    assert call.sources == [{"url": SOURCE, "kind": "submitted"}]
    assert call.last_verified_on is not None
    assert call.deadlines.get().utc_offset_minutes == 60
    change = RecordChange.objects.get(record_key=call.key)
    assert change.submission_id == pk and change.changed_by == cast.platform_admin
    again = admin.post(
        f"/api/v1/funders/submissions/{pk}/review/", {"accept": False}, format="json"
    )
    assert again.status_code == 400 and "state" in again.json()
    assert AuditEvent.objects.filter(
        action="evidencehub.funder_submission.accepted"
    ).exists()


def test_bad_submissions_name_the_field(
    cast: Any, seeded: dict[str, int], api_for: Any
) -> None:
    api = api_for(cast.viewer_a)
    cases = [
        (
            {
                "kind": "call",
                "payload": {"name": "x", "deadline_text": "soon"},
                "source_url": SOURCE,
            },
            "deadline_text",
        ),
        (
            {
                "kind": "call",
                "payload": {"name": "x", "max_grant": -3},
                "source_url": SOURCE,
            },
            "max_grant",
        ),
        ({"kind": "funder", "payload": {"website": "x"}, "source_url": SOURCE}, "name"),
        (
            {"kind": "funder", "payload": {"name": "x"}, "source_url": "not a url"},
            "source_url",
        ),
        (
            {
                "kind": "correction",
                "target_type": "call",
                "target_key": "nope",
                "payload": {"name": "x"},
                "source_url": SOURCE,
            },
            "target_key",
        ),
        (
            {
                "kind": "call",
                "payload": {"name": "x", "colour": "red"},
                "source_url": SOURCE,
            },
            "colour",
        ),
        ({"kind": "call", "payload": {}, "source_url": SOURCE}, "payload"),
    ]
    for body, field in cases:
        response = api.post("/api/v1/funders/submissions/", body, format="json")
        assert response.status_code == 400, (body, response.content)
        assert field in response.json(), (field, response.json())
    assert Submission.objects.count() == 0


def test_correction_changes_record_and_keeps_history(
    cast: Any, seeded: dict[str, int], client_for: Any
) -> None:
    page = client_for(cast.staff_a).post(
        "/funding/propose/",
        {
            "kind": "correction",
            "target": "funder:oak-foundation",
            "eligibility": "Registered non-profits (corrected).",
            "source_url": SOURCE,
        },
    )
    assert page.status_code == 302
    submission = Submission.objects.get()
    assert submission.target_key == "oak-foundation"
    old = Funder.objects.get(key="oak-foundation").eligibility
    admin = client_for(cast.platform_admin)
    assert admin.get("/funding/review/").status_code == 200
    assert (
        admin.post(
            f"/funding/review/{submission.pk}/", {"decision": "accept"}
        ).status_code
        == 302
    )
    funder = Funder.objects.get(key="oak-foundation")
    assert funder.eligibility == "Registered non-profits (corrected)."
    assert funder.sources[-1] == {"url": SOURCE, "kind": "submitted"}
    change = RecordChange.objects.filter(
        record_key="oak-foundation", reason="correction"
    ).get()
    assert change.before["eligibility"] == old
    assert change.after["eligibility"] == "Registered non-profits (corrected)."
    history = (
        client_for(cast.viewer_a)
        .get("/funding/funders/oak-foundation/")
        .content.decode()
    )
    assert "History of changes" in history and "correction" in history
    assert client_for(cast.staff_a).get("/funding/review/").status_code == 403


def test_rejection_changes_nothing(cast: Any, seeded: dict[str, int]) -> None:
    submission = submission_create(
        actor=cast.viewer_a,
        kind="funder",
        payload={"name": "New fund"},
        source_url=SOURCE,
    )
    with pytest.raises(PermissionError):
        submission_review(actor=cast.admin_a, submission=submission, accept=True)
    submission_review(
        actor=cast.platform_admin, submission=submission, accept=False, note="No source"
    )
    submission.refresh_from_db()
    assert (
        submission.state == "rejected"
        and not Funder.objects.filter(name="New fund").exists()
    )
    with pytest.raises(ValidationError):
        submission_review(actor=cast.platform_admin, submission=submission, accept=True)
