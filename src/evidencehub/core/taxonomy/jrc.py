"""Export of initiative profiles to the JRC classification of prevention initiatives.

Source of the classification: European Commission, Joint Research Centre (2023),
*Help-seeker and Perpetrator Prevention Initiatives - Child Sexual Abuse and
Exploitation*, JRC131323,
https://publications.jrc.ec.europa.eu/repository/handle/JRC131323.

The report describes initiatives with 14 agreed classification criteria and
related keywords (tags), and groups more than one hundred initiatives in four
categories: people who fear they may offend, during criminal proceedings, after
criminal proceedings, and children and young people. The criteria and categories
are kept as data in ``evidencehub/catalogue/jrc_taxonomy.yaml``, each with the
address it was read at. A criterion whose name could not be found in a published
source is kept as ``status: not_found`` with no title, no values and no profile
field. It is exported with a ``None`` value and listed under ``unmapped``, so it
is never filled with a guess.

Shapes:

* :class:`InitiativeProfile` is the product's description of one initiative.
* :func:`load_jrc_taxonomy` reads and checks the YAML and returns a
  :class:`JrcTaxonomy`.
* :func:`export_jrc_profile` returns a JSON-serialisable dict::

      {
          "taxonomy": "jrc131323",
          "taxonomy_version": 1,
          "initiative": "<slug>",
          "criteria": [
              {"id": str, "title": str | None,
               "value": str | list[str] | bool | dict | None,
               "label": str | list[str] | None,
               "status": "confirmed" | "not_found"},
              ...  # one entry per criterion, in published order
          ],
          "categories": [{"id": str, "title": str, "label": str}, ...],
          "unmapped": [criterion ids that no profile field feeds],
      }

Profile values are translated to JRC codes only through explicit tables: the
``value_map`` of each criterion in the YAML, and :data:`CATEGORIES_BY_TARGET_GROUP`
and :data:`CATEGORIES_BY_STAGE_IN_JUSTICE` for the four categories. Those two
tables are decisions of this product about which profiles belong in which
published category. They are not rules published by the JRC.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from importlib import resources
from pathlib import Path
from typing import Final, Literal

import yaml

__all__ = [
    "CATEGORIES_BY_STAGE_IN_JUSTICE",
    "CATEGORIES_BY_TARGET_GROUP",
    "DELIVERY_MODES",
    "INTERVENTION_TYPES",
    "PREVENTION_LEVELS",
    "STAGES_IN_JUSTICE",
    "STATUSES",
    "TARGET_GROUPS",
    "Category",
    "Criterion",
    "EvaluationPlan",
    "InitiativeProfile",
    "JrcExportError",
    "JrcTaxonomy",
    "JrcTaxonomyError",
    "TaxonomyValue",
    "export_jrc_profile",
    "jrc_categories",
    "load_jrc_taxonomy",
    "profile_field_paths",
]

# --- Profile vocabularies (stored codes) -------------------------------------

INTERVENTION_TYPES: Final[tuple[str, ...]] = (
    "helpline",
    "online_self_help",
    "therapy_treatment",
    "deterrence_warning",
    "peer_support",
    "professional_training",
    "other",
)
PREVENTION_LEVELS: Final[tuple[str, ...]] = ("primary", "secondary", "tertiary")
DELIVERY_MODES: Final[tuple[str, ...]] = ("online", "offline", "hybrid")
TARGET_GROUPS: Final[tuple[str, ...]] = (
    "own_thoughts_or_behaviour",
    "family_and_friends",
    "professionals",
    "young_people_hsb",
    "other",
)
STATUSES: Final[tuple[str, ...]] = ("planned", "active", "paused", "ended")
STAGES_IN_JUSTICE: Final[tuple[str, ...]] = (
    "not_involved",
    "during_proceedings",
    "after_proceedings",
    "mixed",
)

# --- Category tables (product decisions, see module docstring) ---------------

CATEGORIES_BY_TARGET_GROUP: Final[Mapping[str, tuple[str, ...]]] = {
    "own_thoughts_or_behaviour": ("fear_they_may_offend",),
    "family_and_friends": (),
    "professionals": (),
    "young_people_hsb": ("children_and_young_people",),
    "other": (),
}
"""Which JRC categories each profile target group places an initiative in."""

CATEGORIES_BY_STAGE_IN_JUSTICE: Final[Mapping[str, tuple[str, ...]]] = {
    "not_involved": (),
    "during_proceedings": ("during_criminal_proceedings",),
    "after_proceedings": ("after_criminal_proceedings",),
    "mixed": ("during_criminal_proceedings", "after_criminal_proceedings"),
}
"""Which JRC categories each stage in the criminal justice process maps to."""

DEFAULT_RESOURCE: Final = "jrc_taxonomy.yaml"
_PACKAGE: Final = "evidencehub.catalogue"
_SNAKE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
_ISO_COUNTRY = re.compile(r"^[A-Z]{2}$")
_BCP47 = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
_CRITERION_STATUSES: Final = ("confirmed", "not_found")
_TITLE_STATUSES: Final = ("full", "partial", "translated")


class JrcTaxonomyError(ValueError):
    """The taxonomy file is malformed or breaks a rule of the format."""


class JrcExportError(ValueError):
    """A profile cannot be exported without guessing.

    For example, two JRC codes for a criterion that takes one.
    """


# --- Profile -----------------------------------------------------------------


@dataclass(frozen=True)
class EvaluationPlan:
    """The evaluation plan of an initiative.

    Attributes:
        design: design code (see :class:`evidencehub.core.evidence.Design`).
        evidence_level: the evidence level the plan aims at, as stored.
    """

    design: str
    evidence_level: str


@dataclass(frozen=True, kw_only=True)
class InitiativeProfile:
    """One prevention initiative as the product describes it.

    List fields are tuples and dates are :class:`datetime.date` or ``None``.
    Codes are checked against the vocabularies of this module when the profile
    is built, so a mistyped code fails at once instead of being exported.

    ``stage_in_justice`` (``not_involved``, ``during_proceedings``,
    ``after_proceedings`` or ``mixed``) records where in the criminal justice
    process the people served are. The JRC categories 2 and 3 (during and after
    criminal proceedings) cannot be derived from any other field.
    """

    name: str
    slug: str
    description: str
    organisation_name: str
    organisation_country: str
    intervention_type: str
    prevention_level: str
    delivery_mode: str
    onion_service: bool = False
    target_groups: tuple[str, ...]
    countries: tuple[str, ...]
    languages: tuple[str, ...]
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    status: str
    website: str | None = None
    funding: str | None = None
    evaluation: EvaluationPlan | None = None
    stage_in_justice: str

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("name must not be empty")
        if not _SLUG.match(self.slug):
            raise ValueError(f"slug {self.slug!r} is not a valid slug")
        _check_code("intervention_type", self.intervention_type, INTERVENTION_TYPES)
        _check_code("prevention_level", self.prevention_level, PREVENTION_LEVELS)
        _check_code("delivery_mode", self.delivery_mode, DELIVERY_MODES)
        _check_code("status", self.status, STATUSES)
        _check_code("stage_in_justice", self.stage_in_justice, STAGES_IN_JUSTICE)
        for attr in ("target_groups", "countries", "languages"):
            if not isinstance(getattr(self, attr), tuple):
                raise TypeError(f"{attr} must be a tuple")
        for group in self.target_groups:
            _check_code("target_groups", group, TARGET_GROUPS)
        for country in (self.organisation_country, *self.countries):
            if not _ISO_COUNTRY.match(country):
                raise ValueError(f"{country!r} is not an ISO 3166-1 alpha-2 code")
        for language in self.languages:
            if not _BCP47.match(language):
                raise ValueError(f"{language!r} is not a BCP 47 language tag")
        if (
            self.start_date is not None
            and self.end_date is not None
            and self.end_date < self.start_date
        ):
            raise ValueError("end_date is before start_date")


def _check_code(name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ValueError(f"{name} {value!r} is not one of {', '.join(allowed)}")


def profile_field_paths() -> frozenset[str]:
    """Every path ``maps_from`` may name.

    These are the profile fields, plus ``evaluation.<x>`` for each field of
    :class:`EvaluationPlan`.
    """
    top = {f.name for f in fields(InitiativeProfile)}
    nested = {f"evaluation.{f.name}" for f in fields(EvaluationPlan)}
    return frozenset(top | nested)


# --- Taxonomy ----------------------------------------------------------------


@dataclass(frozen=True)
class TaxonomyValue:
    """One published value of a criterion."""

    code: str
    label: str


@dataclass(frozen=True)
class Criterion:
    """One of the 14 classification criteria.

    Attributes:
        id: snake_case identifier (``criterion_NN`` while the name is not found).
        position: published order, 1-14.
        title: the name as published, or ``None`` when not found.
        source: address the title and values were read at, or ``None``.
        status: ``confirmed`` or ``not_found``.
        values: the published values; empty when none were published or read.
        maps_from: profile field paths that feed the criterion, or ``None``.
        value_map: ``{field path: {profile code: JRC code}}``.
        multiple: whether an initiative can take several values.
    """

    id: str
    position: int
    title: str | None
    source: str | None
    status: Literal["confirmed", "not_found"]
    values: tuple[TaxonomyValue, ...]
    maps_from: tuple[str, ...] | None
    value_map: Mapping[str, Mapping[str, str]] = field(hash=False)
    multiple: bool = False

    def label_for(self, code: str) -> str:
        """The published label of ``code``."""
        for value in self.values:
            if value.code == code:
                return value.label
        raise KeyError(code)


@dataclass(frozen=True)
class Category:
    """One of the four categories the JRC mapping groups initiatives in.

    ``title`` is the wording read at ``source``. ``title_status`` says whether
    that wording is ``full``, ``partial`` (the source was cut off) or
    ``translated`` (only a summary in another language was read). ``label`` is
    the short English name shown in the product.
    """

    id: str
    position: int
    title: str
    title_status: str
    label: str
    source: str
    status: Literal["confirmed", "not_found"]
    maps_from: tuple[str, ...]


@dataclass(frozen=True)
class JrcTaxonomy:
    """The JRC 2023 (JRC131323) classification as loaded from YAML."""

    id: str
    version: int
    title: str
    source: str
    criteria: tuple[Criterion, ...]
    categories: tuple[Category, ...]
    notes: tuple[str, ...]

    def criterion(self, criterion_id: str) -> Criterion:
        for criterion in self.criteria:
            if criterion.id == criterion_id:
                return criterion
        raise KeyError(criterion_id)

    def category(self, category_id: str) -> Category:
        for category in self.categories:
            if category.id == category_id:
                return category
        raise KeyError(category_id)


def load_jrc_taxonomy(path: Path | None = None) -> JrcTaxonomy:
    """Load and check the JRC taxonomy.

    Args:
        path: a YAML file; by default the copy shipped in
            ``evidencehub.catalogue`` (``jrc_taxonomy.yaml``).

    Raises:
        JrcTaxonomyError: if the file breaks a rule of the format, for example a
            ``maps_from`` naming no profile field, or a ``not_found`` criterion
            that carries a title, values or a mapping.
    """
    if path is None:
        text = (
            resources.files(_PACKAGE)
            .joinpath(DEFAULT_RESOURCE)
            .read_text(encoding="utf-8")
        )
        where = f"{_PACKAGE}/{DEFAULT_RESOURCE}"
    else:
        text = path.read_text(encoding="utf-8")
        where = str(path)
    data: object = yaml.safe_load(text)
    root = _mapping(data, where)
    criteria = tuple(
        _criterion(item, f"{where}: criteria[{i}]")
        for i, item in enumerate(_list(root.get("criteria"), f"{where}: criteria"))
    )
    categories = tuple(
        _category(item, f"{where}: categories[{i}]")
        for i, item in enumerate(_list(root.get("categories"), f"{where}: categories"))
    )
    _unique([c.id for c in criteria], f"{where}: criterion ids")
    _unique([c.id for c in categories], f"{where}: category ids")
    _unique([str(c.position) for c in criteria], f"{where}: criterion positions")
    _unique([str(c.position) for c in categories], f"{where}: category positions")
    version = root.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise JrcTaxonomyError(f"{where}: version must be a positive integer")
    notes = tuple(
        _str(note, f"{where}: notes")
        for note in _list(root.get("notes", []), f"{where}: notes")
    )
    return JrcTaxonomy(
        id=_str(root.get("id"), f"{where}: id"),
        version=version,
        title=_str(root.get("title"), f"{where}: title"),
        source=_str(root.get("source"), f"{where}: source"),
        criteria=tuple(sorted(criteria, key=lambda c: c.position)),
        categories=tuple(sorted(categories, key=lambda c: c.position)),
        notes=notes,
    )


def _criterion(item: object, where: str) -> Criterion:
    raw = _mapping(item, where)
    criterion_id = _snake(raw.get("id"), f"{where}: id")
    where = f"{where} ({criterion_id})"
    status = raw.get("status")
    if status not in _CRITERION_STATUSES:
        raise JrcTaxonomyError(f"{where}: status must be confirmed or not_found")
    title = _optional_str(raw.get("title"), f"{where}: title")
    source = _optional_str(raw.get("source"), f"{where}: source")
    values = tuple(
        _value(v, f"{where}: values")
        for v in _list(raw.get("values", []), f"{where}: values")
    )
    _unique([v.code for v in values], f"{where}: value codes")
    maps_from = _maps_from(raw.get("maps_from"), f"{where}: maps_from")
    value_map = _value_map(raw.get("value_map", {}), f"{where}: value_map")
    multiple = raw.get("multiple", False)
    if not isinstance(multiple, bool):
        raise JrcTaxonomyError(f"{where}: multiple must be true or false")
    if status == "not_found":
        if title is not None or values or maps_from is not None or value_map:
            raise JrcTaxonomyError(
                f"{where}: a not_found criterion must have no title, values, "
                "maps_from or value_map"
            )
    elif title is None or source is None:
        raise JrcTaxonomyError(f"{where}: a confirmed criterion needs title and source")
    _check_mapping(maps_from, values, value_map, where)
    return Criterion(
        id=criterion_id,
        position=_position(raw.get("position"), f"{where}: position"),
        title=title,
        source=source,
        status="confirmed" if status == "confirmed" else "not_found",
        values=values,
        maps_from=maps_from,
        value_map=value_map,
        multiple=multiple,
    )


def _check_mapping(
    maps_from: tuple[str, ...] | None,
    values: tuple[TaxonomyValue, ...],
    value_map: Mapping[str, Mapping[str, str]],
    where: str,
) -> None:
    fed = set(maps_from or ())
    stray = set(value_map) - fed
    if stray:
        raise JrcTaxonomyError(
            f"{where}: value_map names fields not in maps_from: {sorted(stray)}"
        )
    if maps_from is None:
        return
    if not values:
        # Copy mode: the profile value is exported as it is stored.
        if len(maps_from) != 1 or value_map:
            raise JrcTaxonomyError(
                f"{where}: without published values, maps_from must name one "
                "field and value_map must be empty"
            )
        return
    if "evaluation" in maps_from:
        raise JrcTaxonomyError(
            f"{where}: map evaluation.design or evaluation.evidence_level, "
            "not the whole evaluation plan"
        )
    codes = {v.code for v in values}
    for path in maps_from:
        table = value_map.get(path)
        if not table:
            raise JrcTaxonomyError(f"{where}: value_map has no table for {path}")
        unknown = set(table.values()) - codes
        if unknown:
            raise JrcTaxonomyError(
                f"{where}: value_map targets unknown codes {sorted(unknown)}"
            )


def _category(item: object, where: str) -> Category:
    raw = _mapping(item, where)
    category_id = _snake(raw.get("id"), f"{where}: id")
    where = f"{where} ({category_id})"
    status = raw.get("status")
    if status not in _CRITERION_STATUSES:
        raise JrcTaxonomyError(f"{where}: status must be confirmed or not_found")
    title_status = _str(raw.get("title_status"), f"{where}: title_status")
    if title_status not in _TITLE_STATUSES:
        raise JrcTaxonomyError(
            f"{where}: title_status must be one of {', '.join(_TITLE_STATUSES)}"
        )
    maps_from = _maps_from(raw.get("maps_from"), f"{where}: maps_from")
    return Category(
        id=category_id,
        position=_position(raw.get("position"), f"{where}: position"),
        title=_str(raw.get("title"), f"{where}: title"),
        title_status=title_status,
        label=_str(raw.get("label"), f"{where}: label"),
        source=_str(raw.get("source"), f"{where}: source"),
        status="confirmed" if status == "confirmed" else "not_found",
        maps_from=maps_from or (),
    )


def _maps_from(raw: object, where: str) -> tuple[str, ...] | None:
    if raw is None:
        return None
    paths = (raw,) if isinstance(raw, str) else tuple(_list(raw, where))
    if not paths:
        raise JrcTaxonomyError(f"{where}: use null rather than an empty list")
    known = profile_field_paths()
    result: list[str] = []
    for path in paths:
        name = _str(path, where)
        if name not in known:
            raise JrcTaxonomyError(
                f"{where}: {name!r} is not an InitiativeProfile field"
            )
        result.append(name)
    _unique(result, where)
    return tuple(result)


def _value_map(raw: object, where: str) -> dict[str, dict[str, str]]:
    if raw is None:
        return {}
    result: dict[str, dict[str, str]] = {}
    for path, table in _mapping(raw, where).items():
        inner = _mapping(table, f"{where}.{path}")
        result[path] = {
            key: _str(code, f"{where}.{path}.{key}") for key, code in inner.items()
        }
    return result


def _value(raw: object, where: str) -> TaxonomyValue:
    item = _mapping(raw, where)
    return TaxonomyValue(
        code=_str(item.get("code"), f"{where}: code"),
        label=_str(item.get("label"), f"{where}: label"),
    )


def _mapping(raw: object, where: str) -> dict[str, object]:
    if not isinstance(raw, dict):
        raise JrcTaxonomyError(f"{where}: expected a mapping")
    result: dict[str, object] = {}
    for key, value in raw.items():
        if not isinstance(key, str):
            raise JrcTaxonomyError(f"{where}: key {key!r} must be a quoted string")
        result[key] = value
    return result


def _list(raw: object, where: str) -> list[object]:
    if not isinstance(raw, list):
        raise JrcTaxonomyError(f"{where}: expected a list")
    return list(raw)


def _str(raw: object, where: str) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise JrcTaxonomyError(f"{where}: expected a non-empty string")
    return raw


def _optional_str(raw: object, where: str) -> str | None:
    return None if raw is None else _str(raw, where)


def _snake(raw: object, where: str) -> str:
    value = _str(raw, where)
    if not _SNAKE.match(value):
        raise JrcTaxonomyError(f"{where}: {value!r} is not snake_case")
    return value


def _position(raw: object, where: str) -> int:
    if not isinstance(raw, int) or isinstance(raw, bool) or raw < 1:
        raise JrcTaxonomyError(f"{where}: expected a positive integer")
    return raw


def _unique(items: list[str], where: str) -> None:
    seen: set[str] = set()
    for item in items:
        if item in seen:
            raise JrcTaxonomyError(f"{where}: {item!r} appears twice")
        seen.add(item)


# --- Export ------------------------------------------------------------------

JsonValue = str | bool | list[str] | dict[str, str] | None


def jrc_categories(
    profile: InitiativeProfile, taxonomy: JrcTaxonomy
) -> tuple[Category, ...]:
    """The JRC categories ``profile`` belongs in, in published order.

    Uses :data:`CATEGORIES_BY_TARGET_GROUP` and
    :data:`CATEGORIES_BY_STAGE_IN_JUSTICE` only.
    """
    wanted: set[str] = set(CATEGORIES_BY_STAGE_IN_JUSTICE[profile.stage_in_justice])
    for group in profile.target_groups:
        wanted.update(CATEGORIES_BY_TARGET_GROUP[group])
    known = {c.id for c in taxonomy.categories}
    missing = wanted - known
    if missing:
        raise JrcExportError(f"categories missing from the taxonomy: {sorted(missing)}")
    return tuple(c for c in taxonomy.categories if c.id in wanted)


def export_jrc_profile(
    profile: InitiativeProfile, taxonomy: JrcTaxonomy
) -> dict[str, object]:
    """Describe ``profile`` with the JRC 2023 (JRC131323) criteria and categories.

    Returns the JSON-serialisable dict described in the module docstring. Each
    criterion appears once, in published order. A criterion with no profile
    field has ``value`` and ``label`` ``None`` and its id is listed under
    ``unmapped``.

    Raises:
        JrcExportError: if a single-valued criterion would receive two codes.
    """
    criteria: list[dict[str, object]] = []
    unmapped: list[str] = []
    for criterion in taxonomy.criteria:
        if criterion.maps_from is None:
            unmapped.append(criterion.id)
            value: JsonValue = None
            label: str | list[str] | None = None
        else:
            value, label = _criterion_value(profile, criterion)
        criteria.append(
            {
                "id": criterion.id,
                "title": criterion.title,
                "value": value,
                "label": label,
                "status": criterion.status,
            }
        )
    categories: list[dict[str, object]] = [
        {"id": c.id, "title": c.title, "label": c.label}
        for c in jrc_categories(profile, taxonomy)
    ]
    return {
        "taxonomy": taxonomy.id,
        "taxonomy_version": taxonomy.version,
        "initiative": profile.slug,
        "criteria": criteria,
        "categories": categories,
        "unmapped": unmapped,
    }


def _criterion_value(
    profile: InitiativeProfile, criterion: Criterion
) -> tuple[JsonValue, str | list[str] | None]:
    paths = criterion.maps_from or ()
    if not criterion.values:
        return _as_json(_resolve(profile, paths[0])), None
    codes: list[str] = []
    for path in paths:
        table = criterion.value_map.get(path, {})
        for item in _as_codes(_resolve(profile, path)):
            code = table.get(item)
            if code is not None and code not in codes:
                codes.append(code)
    if not codes:
        return None, None
    if criterion.multiple:
        return codes, [criterion.label_for(code) for code in codes]
    if len(codes) > 1:
        raise JrcExportError(
            f"{criterion.id} takes one value but the profile gives {codes}"
        )
    return codes[0], criterion.label_for(codes[0])


def _resolve(profile: InitiativeProfile, path: str) -> object:
    head, _, rest = path.partition(".")
    value: object = getattr(profile, head)
    if rest:
        value = None if value is None else getattr(value, rest)
    return value


def _as_codes(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, bool):
        return ["true" if value else "false"]
    if isinstance(value, str):
        return [value]
    if isinstance(value, tuple):
        return [str(item) for item in value]
    if isinstance(value, datetime.date):
        return [value.isoformat()]
    raise JrcExportError(f"cannot map a value of type {type(value).__name__}")


def _as_json(value: object) -> JsonValue:
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [str(item) for item in value]
    if isinstance(value, EvaluationPlan):
        return {"design": value.design, "evidence_level": value.evidence_level}
    raise JrcExportError(f"cannot export a value of type {type(value).__name__}")
