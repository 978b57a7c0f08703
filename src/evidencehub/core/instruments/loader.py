"""Read instrument definitions from YAML or JSON text and files, and list the
shipped catalogue (``evidencehub/catalogue/instruments/*.yaml``)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from evidencehub.core.instruments.schema import (
    Instrument,
    InstrumentError,
    instrument_to_dict,
    parse_instrument,
)

CATALOGUE_DIR = Path(__file__).resolve().parents[2] / "catalogue" / "instruments"
MAX_DEFINITION_BYTES = 1_000_000


def parse_text(text: str, *, fmt: str = "auto") -> Instrument:
    """Parse a definition from YAML or JSON text (``fmt``: auto, yaml, json).

    Raises:
        InstrumentError: unreadable text, or a definition that does not validate.
    """
    if len(text.encode("utf-8", "replace")) > MAX_DEFINITION_BYTES:
        raise InstrumentError([("", "the definition is larger than 1 MB")])
    data: Any
    try:
        if fmt == "json" or (fmt == "auto" and text.lstrip().startswith("{")):
            data = json.loads(text)
        else:
            data = yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise InstrumentError(
            [("", f"cannot be read as YAML or JSON: {exc}")]
        ) from None
    except RecursionError:
        raise InstrumentError([("", "the definition is nested too deeply")]) from None
    return parse_instrument(data)


def load_file(path: Path) -> Instrument:
    """Parse one definition file (``.yaml``, ``.yml`` or ``.json``)."""
    fmt = "json" if path.suffix == ".json" else "yaml"
    return parse_text(path.read_text(encoding="utf-8"), fmt=fmt)


def dump_json(inst: Instrument, *, with_text: bool = True) -> str:
    """The definition as pretty JSON (see ``instrument_to_dict``)."""
    return json.dumps(
        instrument_to_dict(inst, with_text=with_text), indent=2, ensure_ascii=False
    )


def dump_yaml(inst: Instrument, *, with_text: bool = True) -> str:
    return str(
        yaml.safe_dump(
            instrument_to_dict(inst, with_text=with_text),
            sort_keys=False,
            allow_unicode=True,
        )
    )


@cache
def catalogue() -> tuple[Instrument, ...]:
    """Every shipped instrument, ordered by id then version.

    Raises:
        InstrumentError: a shipped file is broken (a test keeps this from
            happening), with the file name in the path.
    """
    out = []
    for path in sorted(CATALOGUE_DIR.glob("*.yaml")):
        try:
            out.append(load_file(path))
        except InstrumentError as exc:
            raise InstrumentError(
                [(f"{path.name}:{p}", m) for p, m in exc.errors]
            ) from None
    return tuple(sorted(out, key=lambda i: (i.id, i.version)))


def catalogue_instrument(instrument_id: str, version: str | None = None) -> Instrument:
    """One shipped instrument (the highest version when ``version`` is None).

    Raises:
        KeyError: unknown id or version.
    """
    matches = [i for i in catalogue() if i.id == instrument_id]
    if version is not None:
        matches = [i for i in matches if i.version == version]
    if not matches:
        raise KeyError(f"{instrument_id} {version or ''}".strip())
    return matches[-1]
