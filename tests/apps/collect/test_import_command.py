"""``evidencehub import events FILE --initiative SLUG``."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


@pytest.fixture
def declared(cast: Any) -> Any:
    from evidencehub.apps.collect.services import collection_settings_update

    collection_settings_update(
        actor=cast.admin_a, initiative=cast.initiative_a, modules=["m1"]
    )
    return cast.initiative_a


def _recent(hours: int = 5) -> str:
    return (datetime.now(UTC) - timedelta(hours=hours)).strftime("%Y-%m-%d %H:%M:%S")


def test_imports_a_semicolon_cp1252_csv(
    declared: Any, tmp_path: Path, capsys: Any
) -> None:
    from evidencehub.apps.audit.models import AuditEvent
    from evidencehub.apps.collect.models import Event

    path = tmp_path / "export.csv"
    path.write_bytes(
        (
            "Type;Module;Channel;Time;ID\r\n"
            f"module_started;m1;app;{_recent()};a0000001-x\r\n"
            f'page_view;;web;"{_recent(30)}";00000002x\r\n'
        ).encode("cp1252")
    )
    call_command("import", "events", str(path), "--initiative", declared.slug)
    assert "2 events imported" in capsys.readouterr().out
    rows = list(Event.objects.order_by("id").values_list("type", "module", "source"))
    assert rows == [("module_started", "m1", "import"), ("page_view", "", "import")]
    assert Event.objects.first().occurred.minute == 0
    assert AuditEvent.objects.filter(action="evidencehub.events.imported").exists()


def test_a_file_with_errors_imports_nothing_and_names_line_and_column(
    declared: Any, tmp_path: Path, capsys: Any
) -> None:
    from evidencehub.apps.collect.models import Event

    path = tmp_path / "events.jsonl"
    lines = [
        {"type": "page_view", "time": _recent()},
        {"type": "page_view", "module": "nope"},
        {"type": "page_view", "note": "free text"},
        "not json",
    ]
    path.write_text(
        "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n"
    )
    with pytest.raises(CommandError, match="3 of 4 rows have errors"):
        call_command("import", "events", str(path), "--initiative", declared.slug)
    err = capsys.readouterr().err
    assert "line 2, column module" in err
    assert "line 3, column note" in err
    assert "line 4" in err
    assert not Event.objects.exists()


def test_skip_invalid_writes_a_reject_file(declared: Any, tmp_path: Path) -> None:
    from evidencehub.apps.collect.models import Event

    path = tmp_path / "events.csv"
    path.write_text(
        "type,module\npage_view,\nbad_type,\nmodule_completed,m1\n", encoding="utf-8"
    )
    call_command(
        "import", "events", str(path), "--initiative", declared.slug, "--skip-invalid"
    )
    assert Event.objects.count() == 2
    rejects = (tmp_path / "events.csv.rejects.csv").read_text()
    assert rejects.splitlines()[0] == "line,errors,type,module"
    assert rejects.splitlines()[1].startswith("3,type: Unknown event type")


def test_events_older_than_retention_are_refused(declared: Any, tmp_path: Path) -> None:
    path = tmp_path / "old.csv"
    path.write_text("type,time\npage_view,2001-01-01\n")
    with pytest.raises(CommandError):
        call_command("import", "events", str(path), "--initiative", declared.slug)


def test_unknown_initiative_and_unreadable_file(declared: Any, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no initiative"):
        call_command("import", "events", "x.csv", "--initiative", "nope")
    with pytest.raises(CommandError, match="no such file"):
        call_command(
            "import", "events", str(tmp_path / "x.csv"), "--initiative", "helpline-a"
        )
    bad = tmp_path / "dup.csv"
    bad.write_text("type,type\npage_view,page_view\n")
    with pytest.raises(CommandError, match="appears twice"):
        call_command("import", "events", str(bad), "--initiative", "helpline-a")


def test_reimport_with_client_ids_is_idempotent(declared: Any, tmp_path: Path) -> None:
    from evidencehub.apps.collect.models import Event

    path = tmp_path / "ids.csv"
    path.write_text("type,id\npage_view,evt-000001\npage_view,evt-000002\n")
    for _ in range(2):
        call_command("import", "events", str(path), "--initiative", declared.slug)
    assert Event.objects.count() == 2


def test_contacts_and_figures_import_through_the_command(
    declared: Any, tmp_path: Path
) -> None:
    from evidencehub.apps.collect.models import AggregateFigure, ContactRecord

    contacts = tmp_path / "contacts.csv"
    contacts.write_text("date,channel,status\n2026-01-01,chat,answered\n")
    call_command("import", "contacts", str(contacts), "--initiative", declared.slug)
    figures = tmp_path / "figures.csv"
    figures.write_text(
        "element,period_start,period_end,value\ncalls_offered,2025-01-01,2025-01-31,9\n"
    )
    call_command("import", "figures", str(figures), "--initiative", declared.slug)
    assert ContactRecord.objects.count() == 1
    assert AggregateFigure.objects.get().value == 9
