"""A scanner for outputs meant for people outside an organisation (pages,
API answers, exports, bundles): it finds figures under the suppression
threshold that should never have left.

Usage in any test::

    from tests.disclosure_scan import assert_no_small_cells
    assert_no_small_cells(response.json(), threshold=10)
    assert_no_small_cells(page.content.decode(), threshold=10)

What counts as a figure:

- JSON (a dict/list, or text that parses as JSON): any key in
  ``COUNT_KEYS`` holding a number from 1 to ``threshold - 1`` (bools and
  nulls are ignored); for a result dict (it has ``kpi_id``), also a count's
  ``value`` (``figure == "count"``, or a numerator equal to the value and no
  denominator). The numerator of a mean, median or sum is a total of scores,
  not a count of people, and is skipped when ``figure`` says so.
- HTML or text: ``data-n``, ``data-count``, ``data-numerator`` and
  ``data-denominator`` attributes, and ``n = 7`` / ``n=7`` written out.

Zero is not a small cell here (the release pipeline shows zeros); pass
``zeros=True`` to flag them too.
"""

from __future__ import annotations

import json
import re
from typing import Any

COUNT_KEYS = frozenset(
    {"n", "numerator", "denominator", "count", "contributors", "peers", "events"}
)
NOT_COUNTS = frozenset({"mean", "median", "sum", "statistic"})
_ATTR = re.compile(r'data-(n|count|numerator|denominator)="(-?\d+(?:\.\d+)?)"')
_N_TEXT = re.compile(r"\bn\s*=\s*(\d[\d,]*)\b")


def _small(value: Any, threshold: int, zeros: bool) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return (0 < value < threshold) or (zeros and value == 0)


def _walk(node: Any, path: str, threshold: int, zeros: bool, out: list[str]) -> None:
    if isinstance(node, dict):
        figure = node.get("figure")
        is_result = "kpi_id" in node
        for key, value in node.items():
            here = f"{path}.{key}"
            if key in COUNT_KEYS:
                if key == "numerator" and figure in NOT_COUNTS:
                    continue
                if _small(value, threshold, zeros):
                    out.append(f"{here} = {value}")
            elif isinstance(value, dict | list):
                _walk(value, here, threshold, zeros, out)
        if is_result and figure not in NOT_COUNTS:
            value = node.get("value")
            is_count = figure == "count" or (
                node.get("denominator") is None
                and node.get("numerator") is not None
                and node.get("numerator") == value
            )
            if is_count and _small(value, threshold, zeros):
                out.append(f"{path}.value = {value} (a count)")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            _walk(item, f"{path}[{i}]", threshold, zeros, out)


def small_cells(output: Any, threshold: int, *, zeros: bool = False) -> list[str]:
    """Every figure in ``output`` under ``threshold``, as ``"where = value"``
    lines; empty when the output is clean."""
    if isinstance(output, bytes):
        output = output.decode("utf-8")
    if isinstance(output, str):
        try:
            output = json.loads(output)
        except ValueError:
            found = [
                f"{m[0]} attribute = {m[1]}"
                for m in _ATTR.findall(output)
                if _small(float(m[1]), threshold, zeros)
            ]
            found += [
                f"n = {m}"
                for m in _N_TEXT.findall(output)
                if _small(int(m.replace(",", "")), threshold, zeros)
            ]
            return found
    found: list[str] = []
    _walk(output, "$", threshold, zeros, found)
    return found


def assert_no_small_cells(output: Any, threshold: int, *, zeros: bool = False) -> None:
    """Fail, listing each figure, when ``output`` shows one under
    ``threshold``."""
    found = small_cells(output, threshold, zeros=zeros)
    assert not found, "Figures under the threshold left the organisation:\n" + (
        "\n".join(found)
    )
