"""Logic models (inputs -> activities -> outputs -> outcomes) and their diagram.

The diagram is a self-contained SVG string so the same drawing serves the web page
and, later, the PDF report. It carries a ``<title>`` and ``<desc>`` and every box's
text as real text, so it is readable by screen readers; pages show the structured
lists beside it as well.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from html import escape

LOGIC_MODEL_PARTS: tuple[str, ...] = (
    "inputs",
    "activities",
    "outputs",
    "outcomes_short",
    "outcomes_medium",
    "outcomes_long",
    "assumptions",
)
MAX_ITEMS_PER_PART = 30
MAX_ITEM_LENGTH = 300


@dataclass(frozen=True)
class LogicModel:
    """A logic model as ordered lists of short statements (one per box)."""

    inputs: tuple[str, ...] = ()
    activities: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()
    outcomes_short: tuple[str, ...] = ()
    outcomes_medium: tuple[str, ...] = ()
    outcomes_long: tuple[str, ...] = ()
    assumptions: tuple[str, ...] = ()

    def is_empty(self) -> bool:
        return not any(getattr(self, part) for part in LOGIC_MODEL_PARTS)


def clean_items(raw: object, *, part: str) -> tuple[str, ...]:
    """Normalise one part of a logic model from a list of strings.

    Blank entries are dropped and whitespace is collapsed.

    Raises:
        ValueError: naming ``part`` when the value is not a list of strings, holds
            more than ``MAX_ITEMS_PER_PART`` entries, or an entry is longer than
            ``MAX_ITEM_LENGTH`` characters.
    """
    if not isinstance(raw, list | tuple) or not all(isinstance(i, str) for i in raw):
        raise ValueError(f"{part}: must be a list of text items")
    items = tuple(" ".join(i.split()) for i in raw if i.strip())
    if len(items) > MAX_ITEMS_PER_PART:
        raise ValueError(f"{part}: at most {MAX_ITEMS_PER_PART} items")
    for item in items:
        if len(item) > MAX_ITEM_LENGTH:
            raise ValueError(
                f"{part}: each item must be at most {MAX_ITEM_LENGTH} characters"
            )
    return items


@dataclass(frozen=True)
class DiagramLabels:
    """Headings for the diagram, passed in so the caller can translate them."""

    title: str = "Logic model"
    inputs: str = "Inputs"
    activities: str = "Activities"
    outputs: str = "Outputs"
    outcomes: str = "Outcomes"
    short: str = "Short term"
    medium: str = "Medium term"
    long: str = "Long term"
    assumptions: str = "Assumptions"
    empty: str = "(none yet)"


@dataclass
class _Column:
    heading: str
    boxes: list[tuple[str, list[str]]] = field(default_factory=list)


_COL_WIDTH = 220
_GAP = 40
_MARGIN = 20
_LINE = 16
_BOX_PAD = 8
_WRAP = 28


def _box_lines(text: str) -> list[str]:
    return textwrap.wrap(text, _WRAP) or [""]


def render_svg(model: LogicModel, labels: DiagramLabels | None = None) -> str:
    """Draw ``model`` as an SVG diagram with four columns joined by arrows and the
    assumptions underneath. Returns the SVG document as a string (UTF-8 text)."""
    lab = labels or DiagramLabels()
    outcomes: list[tuple[str, list[str]]] = []
    for sub, items in (
        (lab.short, model.outcomes_short),
        (lab.medium, model.outcomes_medium),
        (lab.long, model.outcomes_long),
    ):
        outcomes += [(f"{sub}: {item}", _box_lines(f"{sub}: {item}")) for item in items]
    columns = [
        _Column(lab.inputs, [(i, _box_lines(i)) for i in model.inputs]),
        _Column(lab.activities, [(i, _box_lines(i)) for i in model.activities]),
        _Column(lab.outputs, [(i, _box_lines(i)) for i in model.outputs]),
        _Column(lab.outcomes, outcomes),
    ]
    width = _MARGIN * 2 + len(columns) * _COL_WIDTH + (len(columns) - 1) * _GAP
    parts: list[str] = []
    column_bottom = 0
    for index, column in enumerate(columns):
        x = _MARGIN + index * (_COL_WIDTH + _GAP)
        y = _MARGIN
        parts.append(
            f'<text x="{x + _COL_WIDTH / 2}" y="{y + 14}" text-anchor="middle" '
            f'font-weight="bold" font-size="15">{escape(column.heading)}</text>'
        )
        y += 28
        boxes = column.boxes or [(lab.empty, [lab.empty])]
        for _text, lines in boxes:
            height = len(lines) * _LINE + 2 * _BOX_PAD
            parts.append(
                f'<rect x="{x}" y="{y}" width="{_COL_WIDTH}" height="{height}" '
                'rx="6" fill="#eef4fb" stroke="#1f4e79"/>'
            )
            for n, line in enumerate(lines):
                parts.append(
                    f'<text x="{x + _BOX_PAD}" y="{y + _BOX_PAD + 12 + n * _LINE}" '
                    f'font-size="13">{escape(line)}</text>'
                )
            y += height + 10
        column_bottom = max(column_bottom, y)
        if index < len(columns) - 1:
            ax = x + _COL_WIDTH + 6
            parts.append(
                f'<line x1="{ax}" y1="{_MARGIN + 60}" x2="{ax + _GAP - 12}" '
                f'y2="{_MARGIN + 60}" stroke="#1f4e79" stroke-width="2" '
                'marker-end="url(#arrow)"/>'
            )
    y = column_bottom + 10
    parts.append(
        f'<text x="{_MARGIN}" y="{y + 14}" font-weight="bold" font-size="15">'
        f"{escape(lab.assumptions)}</text>"
    )
    y += 24
    for item in model.assumptions or (lab.empty,):
        for line in textwrap.wrap(f"• {item}", 120) or [""]:
            parts.append(
                f'<text x="{_MARGIN}" y="{y + 12}" font-size="13">{escape(line)}</text>'
            )
            y += _LINE
    height = y + _MARGIN
    description = "; ".join(
        f"{c.heading}: {', '.join(t for t, _ in c.boxes) or lab.empty}" for c in columns
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" '
        'aria-labelledby="lm-title" aria-describedby="lm-desc" '
        'font-family="sans-serif" fill="#111">'
        f'<title id="lm-title">{escape(lab.title)}</title>'
        f'<desc id="lm-desc">{escape(description)}</desc>'
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" '
        'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M 0 0 L 10 5 L 0 10 z" fill="#1f4e79"/></marker></defs>'
        + "".join(parts)
        + "</svg>"
    )
