"""Policy goals catalogue and the P01 mapping-coverage KPI (domain_kpis
§2.10). The catalogue ships as ``catalogue/policy_goals.yaml``; organisations
add their own goals (e.g. a national action plan) in the database.

P01 = service outcomes tagged to ≥ 1 policy goal ÷ service outcomes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

CATALOGUE = Path(__file__).resolve().parents[2] / "catalogue" / "policy_goals.yaml"


@dataclass(frozen=True)
class PolicyGoal:
    id: str
    framework: str
    title: str
    summary: str
    source: str
    url: str
    year: int | None


def parse_goals(data: Mapping[str, Any]) -> tuple[PolicyGoal, ...]:
    """Goals from the catalogue's parsed YAML.

    Raises:
        ValueError: a goal without id/framework/title/source, or a duplicate id.
    """
    goals: list[PolicyGoal] = []
    seen: set[str] = set()
    for i, raw in enumerate(data.get("goals") or []):
        for key in ("id", "framework", "title", "source"):
            if not str(raw.get(key) or "").strip():
                raise ValueError(f"goals[{i}].{key}: required")
        gid = str(raw["id"])
        if gid in seen:
            raise ValueError(f"goals[{i}].id: duplicate {gid!r}")
        seen.add(gid)
        year = raw.get("year")
        goals.append(
            PolicyGoal(
                id=gid,
                framework=str(raw["framework"]),
                title=str(raw["title"]),
                summary=str(raw.get("summary") or "").strip(),
                source=str(raw["source"]),
                url=str(raw.get("url") or ""),
                year=int(year) if year is not None else None,
            )
        )
    return tuple(goals)


@cache
def catalogue() -> tuple[PolicyGoal, ...]:
    """The shipped goals (read once)."""
    with CATALOGUE.open(encoding="utf-8") as fh:
        return parse_goals(yaml.safe_load(fh))


def mapping_coverage(
    outcomes: Iterable[str], tagged: Iterable[str]
) -> tuple[int, int] | None:
    """P01 as (tagged outcomes, outcomes); None without outcomes. Outcomes are
    compared after stripping whitespace; tags on outcomes no longer in the
    logic model do not count."""
    names = {o.strip() for o in outcomes if o.strip()}
    if not names:
        return None
    hit = names & {t.strip() for t in tagged}
    return len(hit), len(names)
