"""The example in docs/reference/bundle-format.md is a real, verifiable bundle."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from evidencehub.core.federation import BundleError, fingerprint, verify_bundle

DOC = Path(__file__).resolve().parents[3] / "docs" / "reference" / "bundle-format.md"
PUBLIC_KEY = "A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg="


def example() -> str:
    text = DOC.read_text(encoding="utf-8")
    blocks = re.findall(r"```json\n(.*?)```", text, re.DOTALL)
    assert len(blocks) == 1
    assert PUBLIC_KEY in text
    return str(blocks[0])


def test_the_documented_example_verifies() -> None:
    got = verify_bundle(
        example(),
        {fingerprint(PUBLIC_KEY): PUBLIC_KEY},
        known_kpis={"R01": "1", "R02": "1"},
    )
    assert got.publisher_organisation == "example-helpline"
    figures = {f.kpi_id: f for f in got.initiatives[0].figures}
    assert figures["R01"].value == 240.0 and figures["R01"].n == 240
    assert figures["R02"].suppressed and figures["R02"].value is None


def test_the_documented_example_fails_once_changed() -> None:
    changed = example().replace('"value": 240.0', '"value": 241.0')
    with pytest.raises(BundleError, match="bad signature"):
        verify_bundle(changed, {fingerprint(PUBLIC_KEY): PUBLIC_KEY})


def test_the_private_key_of_the_example_is_the_documented_one() -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from evidencehub.core.federation import public_key_text

    key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    assert public_key_text(key) == PUBLIC_KEY
