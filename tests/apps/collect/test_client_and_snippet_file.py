"""The Python client against a live server, and the snippet's size."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import pytest

import evidencehub

SNIPPET = Path(evidencehub.__file__).parent / "static" / "evidencehub" / "collect.js"


def test_snippet_is_under_2_kb_gzipped_and_uses_no_storage() -> None:
    source = SNIPPET.read_bytes()
    assert len(gzip.compress(source, 9)) < 2048
    text = source.decode()
    code = "\n".join(
        line
        for line in text.splitlines()
        if not line.lstrip().startswith(("*", "/*", "//"))
    )
    assert "document.cookie" not in code
    assert "localStorage" not in code and "sessionStorage" not in code
    assert "sendBeacon" in code and "globalPrivacyControl" in code


@pytest.mark.django_db(transaction=True)
def test_python_client_sends_batches_and_retries_idempotently(
    cast: Any, live_server: Any
) -> None:
    from evidencehub.apps.collect import services
    from evidencehub.apps.collect.models import Event
    from evidencehub.client import CollectClient, CollectError

    services._KEY_CACHE.clear()
    services.collection_settings_update(
        actor=cast.admin_a, initiative=cast.initiative_a, modules=["m1"]
    )
    token = services.key_create(
        actor=cast.admin_a, initiative=cast.initiative_a, kind="server", name="App"
    ).token
    client = CollectClient(live_server.url, server_key=token, batch_size=3)
    with client:
        for _ in range(4):
            client.track("module_started", module="m1")
    assert Event.objects.count() == 4
    events = [{"type": "page_view", "id": "retry-0001"}]
    assert client.send(events).accepted == 1
    assert client.send(events).duplicates == 1
    client.track("page_view", module="not-declared")
    with pytest.raises(CollectError) as err:
        client.flush()
    assert err.value.status == 400
    assert "events[0].module" in err.value.errors


def test_device_side_code_generator_agrees_with_the_server() -> None:
    """The browser's generator (run here with Node) makes codes the core
    accepts, and rejects what the core rejects."""
    import json
    import shutil
    import subprocess

    from evidencehub.core import codes

    node = shutil.which("node")
    if node is None:
        pytest.fail("node is needed for this test (it is used for npm ci already)")
    script = (
        Path(evidencehub.__file__).parent
        / "apps"
        / "collect"
        / "static"
        / "collect"
        / "usercode.js"
    )
    known = codes.format_code("ABCD2345" + codes.check_character("ABCD2345"))
    program = (
        f"require({json.dumps(str(script))});"
        "const c = globalThis.evidencehubCode;"
        "const made = Array.from({length: 300}, () => c.generate());"
        f"console.log(JSON.stringify({{made, known: c.check({json.dumps(known)}),"
        " typo: c.check('ABCD-2345-Z')}));"
    )
    out = subprocess.run(
        [node, "-e", program], capture_output=True, text=True, check=True, timeout=30
    )
    result = json.loads(out.stdout)
    assert result["known"] is True
    assert result["typo"] is codes.is_valid_code("ABCD-2345-Z")
    for code in result["made"]:
        assert codes.normalise_code(code) == code.replace("-", "")
