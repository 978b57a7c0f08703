"""Plain dicts and texts of released figures, shared by the evaluator page
and API (and usable by reports and exports)."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext_lazy as _

from evidencehub.apps.kpis.presenters import result_dict, value_text
from evidencehub.core.disclosure import (
    SECONDARY_REASON,
    ReleasedResult,
    ReleasePolicy,
)


def released_dict(item: ReleasedResult) -> dict[str, Any]:
    """``result_dict`` of the protected result plus ``suppressed``,
    ``reasons``, ``release_methods`` and ``internal``. A withheld figure has
    ``value``, ``numerator``, ``denominator``, ``lower`` and ``upper`` null
    and ``n`` null (never a small number)."""
    d = result_dict(item.result)
    if item.suppressed:
        d["n"] = None
    d.pop("details", None)
    d["suppressed"] = item.suppressed
    d["reasons"] = list(item.reasons)
    d["release_methods"] = [f"{m.id} v{m.version}" for m in item.methods]
    d["internal"] = item.internal
    d["figure"] = item.kind
    return d


def released_text(item: ReleasedResult) -> str:
    """The figure as a reader sees it: "withheld" for a suppressed one."""
    if item.suppressed:
        return "withheld"
    return value_text(item.result)


def policy_dict(policy: ReleasePolicy) -> dict[str, Any]:
    return {
        "threshold": policy.threshold,
        "rounding_base": policy.rounding_base,
        "zeros_shown": not policy.suppress_zeros,
    }


# The core writes its reasons in English (it has no Django); pages show them
# in the reader's language by matching each sentence to its template.
_KINDS = {
    "count": _("count"),
    "proportion": _("proportion"),
    "ratio": _("ratio"),
    "mean": _("mean"),
    "median": _("median"),
    "sum": _("sum"),
    "statistic": _("statistic"),
}
_REASONS: list[tuple[re.Pattern[str], Any]] = [
    (
        re.compile(
            r"Withheld: this count is under (?P<k>\d+), so it could point to "
            r"individual people\."
        ),
        _(
            "Withheld: this count is under %(k)s, so it could point to individual "
            "people."
        ),
    ),
    (
        re.compile(
            r"Withheld: this (?P<kind>\w+) rests on fewer than (?P<k>\d+) people "
            r"or contacts\."
        ),
        _("Withheld: this %(kind)s rests on fewer than %(k)s people or contacts."),
    ),
    (
        re.compile(
            r"Withheld: fewer than (?P<k>\d+) people or contacts are counted in "
            r"this (?P<kind>\w+), and that number could be worked out from it\."
        ),
        _(
            "Withheld: fewer than %(k)s people or contacts are counted in this "
            "%(kind)s, and that number could be worked out from it."
        ),
    ),
    (
        re.compile(
            r"Withheld: this (?P<kind>\w+) summarises fewer than (?P<k>\d+) "
            r"people or contacts\."
        ),
        _("Withheld: this %(kind)s summarises fewer than %(k)s people or contacts."),
    ),
    (
        re.compile(re.escape(SECONDARY_REASON)),
        _(
            "Withheld so that a smaller withheld figure in this breakdown cannot "
            "be worked out from the total and the other groups."
        ),
    ),
    (
        re.compile(r"Rounded to the nearest (?P<b>\d+)\."),
        _("Rounded to the nearest %(b)s."),
    ),
]


def reason_text(reason: str) -> str:
    """``reason`` in the active language (unchanged when no template fits)."""
    for pattern, template in _REASONS:
        m = pattern.fullmatch(reason)
        if m:
            params = m.groupdict()
            if "kind" in params:
                params["kind"] = str(_KINDS.get(params["kind"], params["kind"]))
            return str(template) % params
    return reason
