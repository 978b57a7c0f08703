"""Controlled vocabularies of the funders database and the rules that derive
them from the free text of seed records.

Derived values are *our tags*, kept next to the words of the source, never in
their place: a seed record's ``funder_type`` text "government (research
ministry)" stays as written, and we add the facet value ``national_government``.
Every rule is a plain keyword table so a reviewer can check it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from evidencehub.core.funding.text import fold

FUNDER_TYPES: dict[str, str] = {
    "eu": "European Union",
    "national_government": "National government",
    "regional_government": "Regional or local government",
    "private_foundation": "Private foundation",
    "corporate": "Company or corporate foundation",
    "lottery": "Lottery",
    "multi_donor_fund": "Multi-donor or pooled fund",
    "research_council": "Research council",
    "charity": "Charity or appeal",
    "unknown": "Not recorded",
}

# Order matters: the first rule whose keyword occurs in the folded text wins.
_FUNDER_TYPE_RULES: tuple[tuple[str, str], ...] = (
    ("multi-donor", "multi_donor_fund"),
    ("pooled", "multi_donor_fund"),
    ("lottery", "lottery"),
    ("research council", "research_council"),
    ("research funder", "research_council"),
    ("eu", "eu"),
    ("regional", "regional_government"),
    ("local authority", "regional_government"),
    ("government", "national_government"),
    ("corporate", "corporate"),
    ("foundation", "private_foundation"),
    ("charity", "charity"),
    ("grantmaker", "charity"),
)


def funder_type_from_text(text: str) -> str:
    """Map a source's funder-type words to a :data:`FUNDER_TYPES` key
    (``"unknown"`` when nothing matches or the text is empty)."""
    folded = fold(text or "")
    words = set(re.findall(r"[a-z0-9-]+", folded))
    for keyword, value in _FUNDER_TYPE_RULES:
        if (" " in keyword and keyword in folded) or keyword in words:
            return value
    return "unknown"


THEMES: dict[str, str] = {
    "csa_prevention": "Preventing child sexual abuse",
    "online_safety": "Online safety and online abuse",
    "violence_against_children": "Violence against children",
    "gender_based_violence": "Gender-based and domestic violence",
    "child_protection": "Child protection and safeguarding",
    "victim_support": "Support for victims and survivors",
    "perpetrator_prevention": "Work with people at risk of offending",
    "helplines": "Helplines and hotlines",
    "research_evaluation": "Research and evaluation",
    "mental_health": "Mental health and trauma",
    "children_youth": "Children and young people",
    "early_childhood": "Early childhood",
    "capacity_building": "Capacity building of organisations",
    "professional_training": "Training for professionals",
}

_THEME_RULES: dict[str, tuple[str, ...]] = {
    "csa_prevention": (
        "sexual abuse",
        "sexual exploitation",
        "csea",
        "csam",
        "child sexual",
        "sexualised violence",
        "sexualisierte",
        "(sexual) abuse",
        "sexual preference",
    ),
    "online_safety": ("online", "internet", "digital", "encrypted", "social-media"),
    "violence_against_children": (
        "violence against children",
        "violence against young children",
        "child abuse",
        "maltreatment",
        "violence",
    ),
    "gender_based_violence": (
        "gender-based",
        "gbv",
        "domestic violence",
        "domestic abuse",
        "women and girls",
    ),
    "child_protection": ("child protection", "safeguarding", "child safety", "safe"),
    "victim_support": ("victim", "survivor", "barnahus"),
    "perpetrator_prevention": (
        "offender",
        "offending",
        "perpetrator",
        "deterrence",
        "minor attracted",
        "fear they might offend",
    ),
    "helplines": ("helpline", "hotline", "support line"),
    "research_evaluation": ("research", "evaluation", "evidence", "data collection"),
    "mental_health": ("mental health", "trauma", "anxiety", "ptsd", "psycholog"),
    "children_youth": ("children", "young people", "youth", "child"),
    "early_childhood": ("early childhood", "young children", "(0-6)", "age 8"),
    "capacity_building": ("capacity building", "re-granting", "civil society"),
    "professional_training": ("training", "professionals", "curricula"),
}


def themes_from_text(parts: Iterable[str]) -> list[str]:
    """Theme keys (:data:`THEMES`) whose keywords occur in ``parts``, in
    vocabulary order."""
    folded = fold(" \n ".join(p for p in parts if p))
    return [
        key
        for key, keywords in _THEME_RULES.items()
        if any(fold(k) in folded for k in keywords)
    ]


EU27: tuple[str, ...] = tuple(
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split()  # noqa: SIM905, E501
)

_COUNTRY_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("england", ("GB",)),
    ("wales", ("GB",)),
    ("scotland", ("GB",)),
    ("uk", ("GB",)),
    ("united kingdom", ("GB",)),
    ("isle of man", ("IM",)),
    ("channel islands", ("JE", "GG")),
    ("germany", ("DE",)),
    ("netherlands", ("NL",)),
    ("france", ("FR",)),
    ("poland", ("PL",)),
    ("switzerland", ("CH",)),
    ("sweden", ("SE",)),
    ("cyprus", ("CY",)),
)
_GLOBAL_WORDS = ("global", "international", "internationally", "worldwide")


def countries_from_text(text: str) -> tuple[list[str], bool]:
    """ISO 3166-1 alpha-2 codes named by a free-text area, and whether it
    reaches beyond named countries (global or international).

    "EU" and "EU Member States" expand to the 27 member states. Returns
    ``([], False)`` when nothing is recognised, which callers show as unknown.
    """
    folded = fold(text or "")
    words = set(re.findall(r"[a-z]+", folded))
    codes: list[str] = []
    if "eu" in words or "european union" in folded:
        codes.extend(EU27)
    for word, found in _COUNTRY_WORDS:
        hit = word in folded if " " in word else word in words
        if hit:
            codes.extend(c for c in found if c not in codes)
    is_global = any(w in words for w in _GLOBAL_WORDS)
    return sorted(set(codes)), is_global


LEGAL_FORMS: dict[str, str] = {
    "non_profit": "Non-profit association or NGO",
    "charity": "Registered charity",
    "foundation": "Foundation",
    "public_body": "Public body (e.g. municipality, public health service)",
    "university": "University or research institute",
    "company": "Company (for-profit)",
    "social_enterprise": "Social enterprise",
    "international_org": "International organisation",
    "informal_group": "Informal group without legal personality",
}

# Annual income in euro (or the equivalent); the bands follow the EU's
# "micro/small/medium" wording so small providers recognise themselves.
SIZE_BANDS: dict[str, tuple[str, int | None, int | None]] = {
    "micro": ("Very small (income under €250,000 a year)", None, 250_000),
    "small": ("Small (income €250,000 to €2 million)", 250_000, 2_000_000),
    "medium": ("Medium (income €2 million to €10 million)", 2_000_000, 10_000_000),
    "large": ("Large (income over €10 million)", 10_000_000, None),
}


def size_band_for_income(income: float | int | None) -> str | None:
    """The :data:`SIZE_BANDS` key for an annual income in euro, or ``None``."""
    if income is None:
        return None
    for key, (_label, low, high) in SIZE_BANDS.items():
        if (low is None or income >= low) and (high is None or income < high):
            return key
    return None


COUNTRY_NAMES: dict[str, str] = {
    "AT": "Austria",
    "BE": "Belgium",
    "BG": "Bulgaria",
    "CH": "Switzerland",
    "CY": "Cyprus",
    "CZ": "Czechia",
    "DE": "Germany",
    "DK": "Denmark",
    "EE": "Estonia",
    "ES": "Spain",
    "FI": "Finland",
    "FR": "France",
    "GB": "United Kingdom",
    "GG": "Guernsey",
    "GR": "Greece",
    "HR": "Croatia",
    "HU": "Hungary",
    "IE": "Ireland",
    "IM": "Isle of Man",
    "IT": "Italy",
    "JE": "Jersey",
    "LT": "Lithuania",
    "LU": "Luxembourg",
    "LV": "Latvia",
    "MT": "Malta",
    "NL": "Netherlands",
    "NO": "Norway",
    "PL": "Poland",
    "PT": "Portugal",
    "RO": "Romania",
    "SE": "Sweden",
    "SI": "Slovenia",
    "SK": "Slovakia",
    "US": "United States",
}


def country_name(code: str) -> str:
    return COUNTRY_NAMES.get(code, code)
