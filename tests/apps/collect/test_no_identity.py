"""After a run full of hostile input, no IP address, e-mail address, phone
number, user agent or free text exists anywhere in the database or logs."""

from __future__ import annotations

import io
import json
import logging
from typing import Any

import pytest
from django.apps import apps
from django.db import models

pytestmark = pytest.mark.django_db

IP4 = "203.0.113.77"
IP6 = "2001:db8:85a3::8a2e:370:7334"
EMAIL = "victim.name@example.com"
PHONE = "+491701234567"
PHONE_PLAIN = "01701234567"
UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 UniqueBrowser/987.65.43"
FREE_TEXT = "I met the child at the park"
NEEDLES = [IP4, IP6, EMAIL, PHONE, PHONE_PLAIN, "UniqueBrowser", FREE_TEXT, "987.65.43"]


def _hostile_values() -> list[Any]:
    return [IP4, IP6, EMAIL, PHONE, PHONE_PLAIN, UA, FREE_TEXT, f"{EMAIL} {PHONE}"]


def test_hostile_input_leaves_no_trace(
    cast: Any, site_key: Any, post: Any, client_for: Any, api_for: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from evidencehub.apps.collect.services import key_create, rollup_run

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logging.getLogger().addHandler(handler)
    try:
        server = key_create(
            actor=cast.admin_a, initiative=cast.initiative_a, kind="server", name="S"
        ).token
        fields = [
            "type",
            "module",
            "channel",
            "locale",
            "referrer",
            "campaign",
            "id",
            "time",
            "value",
            "email",
            "phone",
            "ip",
        ]
        for ip in (IP4, IP6, f"::ffff:{IP4}"):
            for value in _hostile_values():
                for field in fields:
                    post(
                        {"key": site_key.public_id, "type": "page_view", field: value},
                        ip=ip,
                        ua=UA,
                    )
                post(
                    {"key": site_key.public_id, "type": "page_view"},
                    ip=ip,
                    ua=UA,
                    HTTP_X_FORWARDED_FOR=ip,
                    HTTP_REFERER=f"https://x.example/?e={EMAIL}",
                )
                post(
                    {"type": "page_view", field: value},
                    origin=None,
                    ip=ip,
                    ua=UA,
                    HTTP_AUTHORIZATION=f"Bearer {server}",
                )
                client_for(cast.admin_a)
                api_for(cast.staff_a).post(
                    f"/api/v1/initiatives/{cast.initiative_a.slug}/contact-records/",
                    {
                        "date": "2026-01-01",
                        "channel": "phone",
                        "status": "answered",
                        "pseudonym": value,
                        "note": value,
                        "caller_type": value,
                    },
                    format="json",
                    REMOTE_ADDR=ip,
                    HTTP_USER_AGENT=UA,
                )
        # a valid one with a pseudonym that looks like a phone number
        api_for(cast.staff_a).post(
            f"/api/v1/initiatives/{cast.initiative_a.slug}/contact-records/",
            {
                "date": "2026-01-01",
                "channel": "phone",
                "status": "answered",
                "caller_type": "own_concern",
                "pseudonym": PHONE,
            },
            format="json",
        )
        api_for(cast.staff_a).post(
            f"/api/v1/initiatives/{cast.initiative_a.slug}/aggregate-figures/",
            {
                "element": EMAIL,
                "period_start": "2026-01-01",
                "period_end": "2026-01-31",
                "value": 3,
            },
            format="json",
        )
        rows = "\n".join(
            ["date,channel,status,caller_type,pseudonym"]
            + [f"2026-01-02,phone,answered,own_concern,{v}" for v in (EMAIL, FREE_TEXT)]
            + [f"2026-01-02,phone,{v},," for v in (IP4, PHONE)]
        )
        client_for(cast.staff_a).post(
            f"/initiatives/{cast.initiative_a.slug}/contacts/import/",
            {"file": SimpleUploadedFile("c.csv", rows.encode()), "skip_invalid": "on"},
        )
        rollup_run()
    finally:
        logging.getLogger().removeHandler(handler)

    from evidencehub.apps.collect.models import ContactRecord, Event

    assert Event.objects.count() > 10  # the hostile run did store events
    assert ContactRecord.objects.filter(pseudonym_hash__gt="").count() >= 2
    found = _scan_database()
    assert not found, found
    log = stream.getvalue()
    for needle in NEEDLES:
        assert needle not in log


def _scan_database() -> list[str]:
    hits = []
    for model in apps.get_models():
        text_fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(
                f,
                models.CharField
                | models.TextField
                | models.JSONField
                | models.BinaryField,
            )
        ]
        if not text_fields:
            continue
        for row in model.objects.values_list(*text_fields):
            blob = json.dumps([str(v) for v in row])
            for needle in NEEDLES:
                if needle in blob:
                    hits.append(f"{model._meta.label}: {needle}")
    return hits
