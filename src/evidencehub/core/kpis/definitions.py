"""KPI definitions as data: the shared, versioned catalogue.

A definition is loaded from YAML (``evidencehub/catalogue/kpis/*.yaml``) and
validated here; a broken one is refused with :class:`KpiDefinitionError`,
whose message names the KPI and the field (``R03.formula.denominator: ...``).

Shape follows DHIS2 indicators (numerator / denominator / factor, 2024 docs,
``reference/anchor_platforms.md`` §1.2) and the KPI fields of
``reference/domain_kpis.md`` §6. Two results are comparable only when the KPI
id *and* version match (:func:`comparable`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from importlib import resources
from typing import Any

import yaml

DOMAINS: dict[str, str] = {
    "reach": "Reach",
    "engagement": "Engagement",
    "wellbeing": "Well-being",
    "behaviour": "Behaviour change and desistance",
    "harm": "Harm reduction and risk",
    "motivation": "Motivation to change",
    "accessibility": "Accessibility and comprehension",
    "cost": "Cost",
    "sustainability": "Sustainability and funding",
    "policy": "Policy alignment",
    "staff": "Staff",
    "data_quality": "Data quality",
}
REAIM = ("reach", "effectiveness", "adoption", "implementation", "maintenance")
LEVELS = ("activity", "output", "outcome", "impact")
FORMULA_KINDS = ("ratio", "count", "statistic")
PERIODS = ("month", "quarter", "year")
SCOPES = ("events", "episodes", "organisation")
ANONYMITY = ("A0", "A1", "A2", "A3")
BETTER = ("higher", "lower", "neutral")
SOURCE_STATUS = ("confirmed", "unconfirmed")
COMPUTED_BY = ("engine", "operations", "not_yet")
EIF = ("NL2", "2", "3", "4")
DATA_NEEDED: dict[str, str] = {
    "events": "Service events (website, app)",
    "contact_records": "Helpline contact records",
    "aggregate_figures": "Aggregate figures from other systems",
    "questionnaire_single": "Single-occasion questionnaires",
    "questionnaire_linked": "Questionnaires linked over time by a user-held code",
    "finance": "Costs and funding",
    "hr": "Staff records (training, supervision, turnover)",
    "staff_surveys": "Anonymous staff surveys",
    "content_inventory": "Content and channel inventory",
    "partner_register": "Partner register",
    "evaluation_register": "Evaluation register",
    "platform_logs": "Partner platform or telephony logs",
    "policy_tags": "Policy goals tagged in the logic model",
    "data_inventory": "Data inventory",
    "population_estimate": "Estimate of the eligible population",
    "publication_log": "Log of published figures",
}
ID_PATTERN = re.compile(r"^[A-Z]{1,2}[0-9]{2}$")
OUTCOME_LEVELS = frozenset({"outcome", "impact"})


class KpiDefinitionError(ValueError):
    """A KPI definition is broken. ``str()`` names the KPI and the field."""

    def __init__(self, kpi_id: str, field_name: str, message: str) -> None:
        self.kpi_id = kpi_id
        self.field = field_name
        super().__init__(f"{kpi_id}.{field_name}: {message}")


@dataclass(frozen=True)
class Formula:
    """``value = numerator / denominator * factor`` (``kind="ratio"``), a
    count (no denominator), or a named statistic (``statistic`` says which)."""

    kind: str
    numerator: str
    denominator: str | None = None
    factor: float = 1
    statistic: str = ""

    def text(self) -> str:
        if self.kind == "ratio":
            factor = "" if self.factor == 1 else f" x {self.factor:g}"
            return f"({self.numerator}) / ({self.denominator}){factor}"
        if self.kind == "count":
            return str(self.numerator)
        return f"{self.statistic} of {self.numerator}"


@dataclass(frozen=True)
class EvidenceCap:
    """Highest Maryland SMS (1-5, ``None`` = descriptive only) and EIF level
    the KPI's data can support on its own."""

    sms: int | None
    eif: str


@dataclass(frozen=True)
class KpiDefinition:
    id: str
    version: str
    name: str
    description: str
    domain: str
    reaim: str
    level: str
    formula: Formula
    unit: str
    period: str
    scope: str
    anonymity: str
    better: str
    min_n: int
    evidence: EvidenceCap
    data_needed: tuple[str, ...]
    sources: tuple[str, ...]
    source_status: str
    computed_by: str
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """``"R03@1"``: id and version, the unit of comparability."""
        return f"{self.id}@{self.version}"

    @property
    def is_outcome(self) -> bool:
        return self.level in OUTCOME_LEVELS

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["data_needed"] = list(self.data_needed)
        data["sources"] = list(self.sources)
        data["params"] = dict(self.params)
        return data


def comparable(a: KpiDefinition, b: KpiDefinition) -> bool:
    """Two results can be compared only when KPI id and version match."""
    return a.id == b.id and a.version == b.version


def _req(raw: Mapping[str, Any], kid: str, name: str, kind: type) -> Any:
    if name not in raw or raw[name] is None:
        raise KpiDefinitionError(kid, name, "is required")
    value = raw[name]
    if kind is str and not (isinstance(value, str) and value.strip()):
        raise KpiDefinitionError(kid, name, "must be non-empty text")
    if kind is int and (not isinstance(value, int) or isinstance(value, bool)):
        raise KpiDefinitionError(kid, name, "must be a whole number")
    return value


def _choice(raw: Mapping[str, Any], kid: str, name: str, allowed: Iterable[str]) -> str:
    value = _req(raw, kid, name, str)
    options = tuple(allowed)
    if value not in options:
        raise KpiDefinitionError(kid, name, f"must be one of {', '.join(options)}")
    return str(value)


def _text_list(raw: Mapping[str, Any], kid: str, name: str) -> tuple[str, ...]:
    value = raw.get(name)
    if not isinstance(value, list) or not value:
        raise KpiDefinitionError(kid, name, "must be a non-empty list")
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise KpiDefinitionError(kid, f"{name}[{i}]", "must be non-empty text")
    return tuple(value)


def parse_definition(raw: Mapping[str, Any]) -> KpiDefinition:
    """Validate one KPI mapping and return it frozen.

    Raises:
        KpiDefinitionError: naming the KPI id (or ``"?"``) and the field.
    """
    if not isinstance(raw, Mapping):
        raise KpiDefinitionError("?", "", "a KPI must be a mapping")
    kid = raw.get("id")
    if not isinstance(kid, str) or not ID_PATTERN.match(kid):
        raise KpiDefinitionError(str(kid or "?"), "id", "must look like R01 or ST09")
    known = set(KpiDefinition.__dataclass_fields__)
    for name in raw:
        if name not in known:
            raise KpiDefinitionError(kid, str(name), "unknown field")
    version = raw.get("version")
    if not isinstance(version, str) or not re.match(r"^[0-9]+(\.[0-9]+)*$", version):
        raise KpiDefinitionError(kid, "version", "must be text such as '1' or '1.2'")
    f = raw.get("formula")
    if not isinstance(f, Mapping):
        raise KpiDefinitionError(kid, "formula", "must be a mapping")
    kind = _choice(f, kid, "kind", FORMULA_KINDS)
    numerator = f.get("numerator")
    if not isinstance(numerator, str) or not numerator.strip():
        raise KpiDefinitionError(kid, "formula.numerator", "must be non-empty text")
    denominator = f.get("denominator")
    if kind == "ratio" and not (isinstance(denominator, str) and denominator.strip()):
        raise KpiDefinitionError(kid, "formula.denominator", "a ratio needs one")
    factor = f.get("factor", 1)
    if not isinstance(factor, int | float) or isinstance(factor, bool) or factor <= 0:
        raise KpiDefinitionError(kid, "formula.factor", "must be a positive number")
    statistic = f.get("statistic") or ""
    if kind == "statistic" and not statistic:
        raise KpiDefinitionError(kid, "formula.statistic", "name the statistic")
    ev = raw.get("evidence")
    if not isinstance(ev, Mapping):
        raise KpiDefinitionError(kid, "evidence", "must be a mapping")
    sms = ev.get("sms")
    if sms is not None and (not isinstance(sms, int) or not 1 <= sms <= 5):
        raise KpiDefinitionError(kid, "evidence.sms", "must be 1-5 or null")
    eif = str(ev.get("eif"))
    if eif not in EIF:
        raise KpiDefinitionError(kid, "evidence.eif", f"must be one of {EIF}")
    data_needed = _text_list(raw, kid, "data_needed")
    for i, tag in enumerate(data_needed):
        if tag not in DATA_NEEDED:
            raise KpiDefinitionError(kid, f"data_needed[{i}]", f"unknown tag {tag!r}")
    min_n = _req(raw, kid, "min_n", int)
    if min_n < 0:
        raise KpiDefinitionError(kid, "min_n", "must be 0 or more")
    params = raw.get("params") or {}
    if not isinstance(params, Mapping):
        raise KpiDefinitionError(kid, "params", "must be a mapping")
    return KpiDefinition(
        id=kid,
        version=version,
        name=_req(raw, kid, "name", str),
        description=_req(raw, kid, "description", str),
        domain=_choice(raw, kid, "domain", DOMAINS),
        reaim=_choice(raw, kid, "reaim", REAIM),
        level=_choice(raw, kid, "level", LEVELS),
        formula=Formula(
            kind=kind,
            numerator=numerator,
            denominator=denominator if isinstance(denominator, str) else None,
            factor=float(factor),
            statistic=str(statistic),
        ),
        unit=_req(raw, kid, "unit", str),
        period=_choice(raw, kid, "period", PERIODS),
        scope=_choice(raw, kid, "scope", SCOPES),
        anonymity=_choice(raw, kid, "anonymity", ANONYMITY),
        better=_choice(raw, kid, "better", BETTER),
        min_n=min_n,
        evidence=EvidenceCap(sms=sms, eif=eif),
        data_needed=data_needed,
        sources=_text_list(raw, kid, "sources"),
        source_status=_choice(raw, kid, "source_status", SOURCE_STATUS),
        computed_by=_choice(raw, kid, "computed_by", COMPUTED_BY),
        params=dict(params),
    )


@dataclass(frozen=True)
class Catalogue:
    """All KPI definitions plus the core set per intervention type."""

    kpis: tuple[KpiDefinition, ...]
    core_sets: Mapping[str, tuple[str, ...]]
    version: str = "1"

    def get(self, kpi_id: str) -> KpiDefinition | None:
        for k in self.kpis:
            if k.id == kpi_id:
                return k
        return None

    def __getitem__(self, kpi_id: str) -> KpiDefinition:
        found = self.get(kpi_id)
        if found is None:
            raise KeyError(kpi_id)
        return found

    def core_set(self, intervention_type: str) -> tuple[KpiDefinition, ...]:
        ids = self.core_sets.get(intervention_type) or self.core_sets.get("other", ())
        return tuple(self[i] for i in ids)

    def search(
        self, *, q: str = "", domain: str = "", data_needed: str = "", level: str = ""
    ) -> tuple[KpiDefinition, ...]:
        needle = q.strip().lower()
        return tuple(
            k
            for k in self.kpis
            if (not domain or k.domain == domain)
            and (not data_needed or data_needed in k.data_needed)
            and (not level or k.level == level)
            and (
                not needle
                or needle in k.id.lower()
                or needle in k.name.lower()
                or needle in k.description.lower()
            )
        )


def build_catalogue(
    kpis: Iterable[Mapping[str, Any]], core_sets: Mapping[str, Any]
) -> Catalogue:
    """Validate every KPI and the core sets (unique ids, known members).

    Raises:
        KpiDefinitionError: on the first broken definition.
    """
    parsed: list[KpiDefinition] = []
    seen: set[str] = set()
    for raw in kpis:
        kpi = parse_definition(raw)
        if kpi.id in seen:
            raise KpiDefinitionError(kpi.id, "id", "appears twice in the catalogue")
        seen.add(kpi.id)
        parsed.append(kpi)
    sets: dict[str, tuple[str, ...]] = {}
    for name, ids in core_sets.items():
        if not isinstance(ids, list):
            raise KpiDefinitionError(f"core_sets.{name}", "", "must be a list")
        for kid in ids:
            if kid not in seen:
                raise KpiDefinitionError(
                    f"core_sets.{name}", str(kid), "is not in the catalogue"
                )
        sets[str(name)] = tuple(ids)
    parsed.sort(key=_order)
    return Catalogue(kpis=tuple(parsed), core_sets=sets)


_PREFIX_ORDER = ("R", "E", "W", "B", "H", "M", "A", "C", "S", "P", "ST", "D")


def _order(k: KpiDefinition) -> tuple[int, str]:
    prefix = k.id.rstrip("0123456789")
    return (_PREFIX_ORDER.index(prefix) if prefix in _PREFIX_ORDER else 99, k.id)


_CACHE: dict[str, Catalogue] = {}


def load_catalogue() -> Catalogue:
    """The shipped catalogue (cached). Raises :class:`KpiDefinitionError`."""
    if "shipped" not in _CACHE:
        base = resources.files("evidencehub.catalogue") / "kpis"
        raws: list[Mapping[str, Any]] = []
        core: Mapping[str, Any] = {}
        for entry in sorted(base.iterdir(), key=lambda p: p.name):
            if not entry.name.endswith(".yaml"):
                continue
            doc = yaml.safe_load(entry.read_text(encoding="utf-8"))
            if entry.name == "core_sets.yaml":
                core = doc["core_sets"]
            else:
                raws.extend(doc["kpis"])
        _CACHE["shipped"] = build_catalogue(raws, core)
    return _CACHE["shipped"]


PACKAGE_FORMAT = "evidencehub.kpi-package"


def export_package(catalogue: Catalogue, ids: Iterable[str] | None = None) -> str:
    """A JSON package (like WHO/DHIS2 metadata packages): format, version, KPI
    definitions and core sets. ``ids`` limits it to some KPIs."""
    wanted = set(ids) if ids is not None else None
    kpis = [k.as_dict() for k in catalogue.kpis if wanted is None or k.id in wanted]
    sets = {
        n: list(v)
        for n, v in catalogue.core_sets.items()
        if wanted is None or set(v) <= wanted
    }
    return json.dumps(
        {"format": PACKAGE_FORMAT, "version": 1, "kpis": kpis, "core_sets": sets},
        indent=2,
        ensure_ascii=False,
    )


def import_package(text: str) -> Catalogue:
    """Parse and validate a package made by :func:`export_package`.

    Raises:
        KpiDefinitionError: a broken definition (naming KPI and field), or a
            file that is not such a package (``package.format``).
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise KpiDefinitionError("package", "", f"not JSON ({exc.msg})") from None
    if not isinstance(data, dict) or data.get("format") != PACKAGE_FORMAT:
        raise KpiDefinitionError("package", "format", f"must be {PACKAGE_FORMAT}")
    kpis = data.get("kpis")
    if not isinstance(kpis, list):
        raise KpiDefinitionError("package", "kpis", "must be a list")
    return build_catalogue(kpis, data.get("core_sets") or {})
