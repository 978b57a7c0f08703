"""Aggregate bundles: protected KPI figures of one organisation for one period,
signed so a consortium hub can check who made them and that nothing changed.

Format ``evidencehub.aggregate-bundle`` version 1, described field by field in
``docs/reference/bundle-format.md`` and by the JSON Schema (draft 2020-12)
shipped next to this module (``bundle.schema.json``).

Signing: the signature is Ed25519 (RFC 8032, 2017) over the *canonical JSON* of
the bundle without its ``signature`` member: keys sorted, no whitespace, UTF-8,
no NaN or infinity (the same rules as RFC 8785 for the values this format
allows: strings, integers, floats written by Python's shortest round-trip
``repr``, booleans and null).

What a hub refuses (:class:`BundleError`, message naming what is wrong and
where): a file over :data:`MAX_BUNDLE_BYTES`, malformed JSON, duplicate keys,
anything that looks like raw data, a schema mismatch (with its JSON path), an
unknown key, a bad signature, a suppression threshold under the hub's, a
figure under the stated threshold that is not suppressed, and a KPI version
the hub's catalogue does not have.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from jsonschema.exceptions import best_match  # type: ignore[import-untyped]

from evidencehub.core.disclosure import (
    MIN_THRESHOLD,
    SUPPRESSION_ID,
    SUPPRESSION_VERSION,
    ReleasedResult,
    ReleasePolicy,
    release_results,
)
from evidencehub.core.federation.keys import (
    ALGORITHM,
    KeyFormatError,
    fingerprint,
    parse_public_key,
    sign,
    signature_valid,
)
from evidencehub.core.kpis.results import (
    STATUS_OK,
    KpiResult,
    Method,
    Period,
    PeriodError,
    parse_period,
)

FORMAT = "evidencehub.aggregate-bundle"
FORMAT_VERSION = 1
# 2 MB holds about 60 initiatives with every KPI of the catalogue (about 390
# bytes per figure in canonical form), far more than one organisation runs, and
# stays under Django's 2.5 MB request body limit.
MAX_BUNDLE_BYTES = 2_000_000
# The deepest legitimate value sits 6 levels down
# (initiatives[i].results[j].methods[k].id); anything deeper is not a bundle.
MAX_DEPTH = 8
SCHEMA_FILE = "bundle.schema.json"
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"

# Member names that carry unit-level data. None of them is part of the format;
# they are named here so the refusal says "raw data" rather than "unknown field".
RAW_DATA_KEYS = frozenset(
    {
        "answer",
        "answers",
        "code",
        "code_hash",
        "codes",
        "comment",
        "comments",
        "contact_code",
        "contact_codes",
        "contact_records",
        "contacts",
        "email",
        "event",
        "events",
        "free_text",
        "ip",
        "ip_address",
        "phone",
        "raw",
        "records",
        "response",
        "responses",
        "rows",
        "text",
        "user_agent",
        "visitor_hash",
        "visitor_hashes",
        "visitor_id",
    }
)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", re.IGNORECASE)
_IPV4 = re.compile(r"\b\d{1,3}(\.\d{1,3}){3}\b")
_HEX_HASH = re.compile(r"^[0-9a-f]{32,}$")
_NUMBER_FIELDS = ("value", "numerator", "denominator", "lower", "upper", "n")


class BundleError(ValueError):
    """A bundle that is refused. ``str(error)`` names what is wrong and where
    (a JSON path such as ``$.initiatives[0].results[2].n``)."""


@dataclass(frozen=True)
class BundleFigure:
    """One released KPI result as the bundle states it. Numbers are ``None``
    when the figure was suppressed or has no value."""

    kpi_id: str
    kpi_version: str
    status: str
    suppressed: bool
    value: float | None
    numerator: float | None
    denominator: float | None
    lower: float | None
    upper: float | None
    n: int | None
    unit: str
    methods: tuple[tuple[str, str], ...]
    suppression_reasons: tuple[str, ...]


@dataclass(frozen=True)
class BundleInitiative:
    key: str
    intervention_type: str
    figures: tuple[BundleFigure, ...]


@dataclass(frozen=True)
class VerifiedBundle:
    """A bundle whose signature, schema and disclosure rules were checked.
    ``sha256`` is the hex SHA-256 of the canonical JSON of the whole bundle
    (signature included): the same bundle always has the same hash."""

    publisher_organisation: str
    publisher_name: str
    key_fingerprint: str
    created_at: datetime
    catalogue_version: str
    period: Period
    threshold: int
    methods: tuple[tuple[str, str], ...]
    initiatives: tuple[BundleInitiative, ...]
    sha256: str


@dataclass(frozen=True)
class InitiativeFigures:
    """Input to :func:`build_bundle`: one initiative's released results."""

    key: str
    intervention_type: str
    released: Sequence[ReleasedResult]


# --- canonical form and hashing ---------------------------------------------


def canonical_json(data: Any) -> bytes:
    """Sorted keys, no whitespace, UTF-8, no NaN/infinity (``ValueError``)."""
    return json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def signed_content(doc: Mapping[str, Any]) -> bytes:
    """The bytes a signature covers: the bundle without ``signature``."""
    return canonical_json({k: v for k, v in doc.items() if k != "signature"})


def bundle_hash(doc: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical_json(doc)).hexdigest()


def initiative_key(secret: bytes, local_id: str) -> str:
    """An opaque, stable key for one initiative: the first 24 hex digits of
    HMAC-SHA256 (RFC 2104) of its local id under the publisher's secret, so a
    hub can follow an initiative across periods without learning its name."""
    digest = hmac.new(secret, local_id.encode("utf-8"), hashlib.sha256).hexdigest()
    return digest[:24]


# --- building ------------------------------------------------------------------


def _number(x: float | None) -> float | None:
    if x is None or not math.isfinite(x):
        return None
    return float(x)


def _method_list(methods: Iterator[tuple[str, str]]) -> list[dict[str, str]]:
    seen = dict.fromkeys(methods)
    return [{"id": i, "version": v} for i, v in seen]


def figure_dict(released: ReleasedResult, threshold: int) -> dict[str, Any]:
    """One released result as a bundle entry. Figures without a value carry no
    numbers at all (a proportion with no base could otherwise show its
    numerator), and a figure under ``threshold`` that slipped through unmarked
    is withheld here as well."""
    r = released.result
    reasons = list(released.reasons)
    suppressed = released.suppressed
    if not suppressed and r.has_value and r.n < threshold:
        suppressed = True
        reasons.append(f"Withheld: fewer than {threshold} people or contacts.")
    shown = r.has_value and not suppressed
    methods = [(m.id, m.version) for m in (*r.methods, *released.methods)]
    return {
        "kpi_id": r.kpi_id,
        "kpi_version": r.kpi_version,
        "status": r.status,
        "suppressed": suppressed,
        "value": _number(r.value) if shown else None,
        "numerator": _number(r.numerator) if shown else None,
        "denominator": _number(r.denominator) if shown else None,
        "lower": _number(r.lower) if shown else None,
        "upper": _number(r.upper) if shown else None,
        "n": int(r.n) if shown else None,
        "unit": r.unit[:40],
        "methods": _method_list(iter(methods))[:10],
        "suppression_reasons": [s[:300] for s in reasons][:10],
    }


def build_bundle(
    *,
    key: Ed25519PrivateKey,
    publisher_organisation: str,
    publisher_name: str,
    created_at: datetime,
    catalogue_version: str,
    period: Period,
    threshold: int,
    initiatives: Sequence[InitiativeFigures],
) -> dict[str, Any]:
    """A signed bundle (a JSON-ready ``dict``) of released results.

    Only results as released for outside viewers belong here; the function
    still blanks every figure without a value and any figure under
    ``threshold``. Breakdown cells are left out: bundles carry totals only.
    """
    entries = []
    methods: list[tuple[str, str]] = [(SUPPRESSION_ID, SUPPRESSION_VERSION)]
    for item in initiatives:
        results = [
            figure_dict(rel, threshold)
            for rel in item.released
            if not rel.result.breakdown
        ]
        methods.extend((m.id, m.version) for rel in item.released for m in rel.methods)
        entries.append(
            {
                "key": item.key,
                "intervention_type": item.intervention_type,
                "period": period.label,
                "results": results,
            }
        )
    print_ = fingerprint(key)
    doc: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "publisher": {
            "organisation": publisher_organisation,
            "name": publisher_name[:200],
            "key_fingerprint": print_,
        },
        "created_at": created_at.astimezone(UTC).strftime(TIME_FORMAT),
        "catalogue_version": catalogue_version,
        "period": {
            "label": period.label,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
        },
        "disclosure": {
            "threshold": threshold,
            "methods": _method_list(iter(methods))[:10],
        },
        "initiatives": entries,
    }
    doc["signature"] = {
        "algorithm": ALGORITHM,
        "key_fingerprint": print_,
        "value": sign(key, signed_content(doc)),
    }
    return doc


# --- reading and verifying -----------------------------------------------------


@cache
def schema() -> dict[str, Any]:
    """The shipped JSON Schema (draft 2020-12)."""
    text = (resources.files(__package__) / SCHEMA_FILE).read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise BundleError(f"malformed JSON: the member {k!r} appears twice")
        out[k] = v
    return out


def _no_constant(name: str) -> Any:
    raise BundleError(f"malformed JSON: {name} is not a number a bundle may hold")


def parse_bundle(data: bytes | str | Mapping[str, Any]) -> dict[str, Any]:
    """Size check and strict JSON decoding (bytes or text), or a size check of
    an already decoded mapping.

    Raises:
        BundleError: too large, not UTF-8, malformed JSON, not an object.
    """
    if isinstance(data, Mapping):
        try:
            size = len(canonical_json(data))
        except (TypeError, ValueError) as exc:
            raise BundleError(f"malformed JSON: {exc}") from None
        except RecursionError:
            raise BundleError("malformed JSON: nested too deeply") from None
        raw = b""
    else:
        raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        size = len(raw)
    if size > MAX_BUNDLE_BYTES:
        raise BundleError(
            f"too large: {size} bytes; a bundle may have at most "
            f"{MAX_BUNDLE_BYTES} bytes"
        )
    if isinstance(data, Mapping):
        return dict(data)
    try:
        text = raw.decode("utf-8")
        doc = json.loads(
            text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant
        )
    except UnicodeDecodeError:
        raise BundleError("malformed JSON: the file is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise BundleError(
            f"malformed JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except RecursionError:
        raise BundleError("malformed JSON: nested too deeply") from None
    if not isinstance(doc, dict):
        raise BundleError("wrong schema at $: a bundle is a JSON object")
    return doc


def _walk(value: Any, path: str, depth: int) -> Iterator[tuple[str, str, bool]]:
    """Every member name and string value: ``(path, text, is_member_name)``."""
    if depth > MAX_DEPTH:
        raise BundleError(f"wrong schema at {path}: nested deeper than a bundle is")
    if isinstance(value, dict):
        for k, v in value.items():
            yield f"{path}.{k}", str(k), True
            yield from _walk(v, f"{path}.{k}", depth + 1)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk(v, f"{path}[{i}]", depth + 1)
    elif isinstance(value, str):
        yield path, value, False


def refuse_raw_data(doc: Mapping[str, Any]) -> None:
    """Refuse members named like unit-level data and strings that look like an
    e-mail address, an IP address or a stored code hash.

    Raises:
        BundleError: ``raw data present at <path>: ...``.
    """
    for path, text, is_key in _walk(dict(doc), "$", 0):
        if is_key and text.lower() in RAW_DATA_KEYS:
            raise BundleError(
                f"raw data present at {path}: a bundle carries only aggregate "
                f"figures, never {text}"
            )
        if is_key:
            continue
        if _EMAIL.search(text) or _IPV4.search(text) or _HEX_HASH.match(text):
            raise BundleError(
                f"raw data present at {path}: the text looks like an e-mail "
                "address, an IP address or a code hash"
            )


def _inline(node: Any, defs: Mapping[str, Any]) -> Any:
    """The schema with every local ``$ref`` replaced by its definition (the
    schema has no cycles); validation is then several times faster than with
    reference lookups."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return _inline(defs[ref.removeprefix("#/$defs/")], defs)
        return {k: _inline(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline(v, defs) for v in node]
    return node


@cache
def _validator() -> Any:
    full = schema()
    return Draft202012Validator(_inline(full, full["$defs"]))


def check_schema(doc: Mapping[str, Any]) -> None:
    """Raises :class:`BundleError` ``wrong schema at <JSON path>: <reason>``."""
    error = best_match(_validator().iter_errors(doc))
    if error is not None:
        message = error.message if len(error.message) <= 200 else error.message[:200]
        raise BundleError(f"wrong schema at {error.json_path}: {message}")


def _check_signature(doc: Mapping[str, Any], trusted_keys: Mapping[str, str]) -> None:
    sig = doc["signature"]
    stated = sig["key_fingerprint"]
    if doc["publisher"]["key_fingerprint"] != stated:
        raise BundleError(
            "bad signature: $.publisher.key_fingerprint and "
            "$.signature.key_fingerprint differ"
        )
    key_text = trusted_keys.get(stated)
    if key_text is None:
        raise BundleError(
            f"unknown key: {stated} is not a trusted publisher on this hub "
            "(add it with `evidencehub bundle trust`)"
        )
    try:
        public = parse_public_key(key_text)
    except KeyFormatError as exc:
        raise BundleError(
            f"unknown key: the trusted key is unreadable ({exc})"
        ) from None
    if fingerprint(public) != stated:
        raise BundleError(f"unknown key: no trusted key has fingerprint {stated}")
    if not signature_valid(public, signed_content(doc), sig["value"]):
        raise BundleError(
            "bad signature: the bundle was changed after it was signed, or it "
            f"was not signed with the key {stated}"
        )


def _check_period(doc: Mapping[str, Any]) -> Period:
    p = doc["period"]
    try:
        period = parse_period(p["label"])
    except PeriodError as exc:
        raise BundleError(f"wrong schema at $.period.label: {exc}") from None
    if (period.start.isoformat(), period.end.isoformat()) != (p["start"], p["end"]):
        raise BundleError(
            f"wrong schema at $.period: {p['start']}..{p['end']} is not the "
            f"period {p['label']}"
        )
    for i, item in enumerate(doc["initiatives"]):
        if item["period"] != period.label:
            raise BundleError(
                f"wrong schema at $.initiatives[{i}].period: {item['period']} is "
                f"not the bundle's period {period.label}"
            )
    return period


def _release_again(
    fig: Mapping[str, Any], path: str, threshold: int, period: Period
) -> None:
    """Run the hub's own release pipeline over a shown figure: it must come
    out unchanged, e.g. a proportion with a numerator of 3 is refused even
    when its base is large."""
    result = KpiResult(
        kpi_id=fig["kpi_id"],
        kpi_version=fig["kpi_version"],
        period=period,
        status=STATUS_OK,
        value=fig["value"],
        numerator=fig["numerator"],
        denominator=fig["denominator"],
        lower=fig["lower"],
        upper=fig["upper"],
        n=fig["n"],
        unit=fig["unit"],
        methods=tuple(Method(m["id"], m["version"]) for m in fig["methods"]),
    )
    released = release_results([result], ReleasePolicy(threshold=threshold))[0]
    if released.suppressed:
        why = " ".join(released.reasons)
        raise BundleError(
            f"figure under the threshold not suppressed at {path}: "
            f"{fig['kpi_id']} at threshold {threshold}. {why}"
        )


def _check_plausible(
    fig: Mapping[str, Any], numbers: Mapping[str, Any], path: str
) -> None:
    """A percentage lies in 0..100 and an interval holds its value: a signed
    bundle can still carry impossible numbers, and a benchmark would take
    them at face value."""
    value, lower, upper = numbers["value"], numbers["lower"], numbers["upper"]
    if fig["unit"] == "%" and not 0 <= value <= 100:
        raise BundleError(
            f"impossible figure at {path}.value: {fig['kpi_id']} is {value:g} %, "
            "outside 0 to 100"
        )
    if lower is not None and upper is not None and not lower <= value <= upper:
        raise BundleError(
            f"impossible figure at {path}.lower: the interval {lower:g} to "
            f"{upper:g} does not hold the value {value:g}"
        )


def _check_figure(
    fig: Mapping[str, Any],
    path: str,
    threshold: int,
    period: Period,
    known_kpis: Mapping[str, str] | None,
) -> BundleFigure:
    kid, version = fig["kpi_id"], fig["kpi_version"]
    if known_kpis is not None and known_kpis.get(kid) != version:
        have = known_kpis.get(kid)
        detail = (
            f"this hub's catalogue has {kid} v{have}" if have else f"{kid} is unknown"
        )
        raise BundleError(
            f"unknown KPI version at {path}: {kid} v{version}; {detail}, so the "
            "figure cannot be compared"
        )
    numbers = {name: fig[name] for name in _NUMBER_FIELDS}
    shown = fig["status"] == STATUS_OK and not fig["suppressed"]
    if not shown:
        filled = [name for name, v in numbers.items() if v is not None]
        if filled:
            raise BundleError(
                f"a suppressed or empty figure shows numbers at {path}.{filled[0]}"
            )
        if fig["suppressed"] and not fig["suppression_reasons"]:
            raise BundleError(
                f"wrong schema at {path}.suppression_reasons: a suppressed figure "
                "says why"
            )
    else:
        if numbers["value"] is None or numbers["n"] is None:
            raise BundleError(
                f"wrong schema at {path}: a released figure needs value and n"
            )
        if numbers["n"] < threshold:
            raise BundleError(
                f"figure under the threshold not suppressed at {path}.n: {kid} "
                f"rests on n={numbers['n']}, under the stated threshold {threshold}"
            )
        _release_again(fig, path, threshold, period)
        _check_plausible(fig, numbers, path)
    return BundleFigure(
        kpi_id=kid,
        kpi_version=version,
        status=fig["status"],
        suppressed=fig["suppressed"],
        value=numbers["value"],
        numerator=numbers["numerator"],
        denominator=numbers["denominator"],
        lower=numbers["lower"],
        upper=numbers["upper"],
        n=numbers["n"],
        unit=fig["unit"],
        methods=tuple((m["id"], m["version"]) for m in fig["methods"]),
        suppression_reasons=tuple(fig["suppression_reasons"]),
    )


def _initiatives(
    doc: Mapping[str, Any],
    threshold: int,
    period: Period,
    known_kpis: Mapping[str, str] | None,
) -> tuple[BundleInitiative, ...]:
    out: list[BundleInitiative] = []
    keys: set[str] = set()
    for i, item in enumerate(doc["initiatives"]):
        path = f"$.initiatives[{i}]"
        if item["key"] in keys:
            raise BundleError(f"wrong schema at {path}.key: the key appears twice")
        keys.add(item["key"])
        figures: list[BundleFigure] = []
        seen: set[str] = set()
        for j, fig in enumerate(item["results"]):
            if fig["kpi_id"] in seen:
                raise BundleError(
                    f"wrong schema at {path}.results[{j}]: {fig['kpi_id']} appears "
                    "twice for one initiative"
                )
            seen.add(fig["kpi_id"])
            figures.append(
                _check_figure(
                    fig, f"{path}.results[{j}]", threshold, period, known_kpis
                )
            )
        out.append(
            BundleInitiative(item["key"], item["intervention_type"], tuple(figures))
        )
    return tuple(out)


def verify_bundle(
    data: bytes | str | Mapping[str, Any],
    trusted_keys: Mapping[str, str],
    *,
    known_kpis: Mapping[str, str] | None = None,
    min_threshold: int = MIN_THRESHOLD,
) -> VerifiedBundle:
    """Check a bundle completely and return what it states.

    ``trusted_keys`` maps key fingerprints to public keys (base64);
    ``known_kpis`` maps KPI id to the version this hub's catalogue has (``None``
    skips that check); ``min_threshold`` is the hub's own suppression
    threshold: a bundle stating a lower one is refused.

    Checks, in order: size, JSON, raw data, schema, key, signature, period,
    threshold, each figure (KPI version known; suppressed figures show no
    numbers; shown figures have ``n`` at or over the threshold and come out
    of this hub's release pipeline unchanged).

    Raises:
        BundleError: naming what is wrong and, where it applies, the JSON path.
    """
    doc = parse_bundle(data)
    refuse_raw_data(doc)
    check_schema(doc)
    _check_signature(doc, trusted_keys)
    period = _check_period(doc)
    threshold = int(doc["disclosure"]["threshold"])
    if threshold < min_threshold:
        raise BundleError(
            f"threshold too low at $.disclosure.threshold: {threshold}; this hub "
            f"releases nothing under {min_threshold}"
        )
    created = datetime.strptime(doc["created_at"], TIME_FORMAT).replace(tzinfo=UTC)
    return VerifiedBundle(
        publisher_organisation=doc["publisher"]["organisation"],
        publisher_name=doc["publisher"]["name"],
        key_fingerprint=doc["signature"]["key_fingerprint"],
        created_at=created,
        catalogue_version=doc["catalogue_version"],
        period=period,
        threshold=threshold,
        methods=tuple((m["id"], m["version"]) for m in doc["disclosure"]["methods"]),
        initiatives=_initiatives(doc, threshold, period, known_kpis),
        sha256=bundle_hash(doc),
    )
