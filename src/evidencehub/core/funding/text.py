"""Text folding and safe full-text query building for funder search.

Whatever a person types (hyphens, apostrophes, full stops, call codes such as
``CERV-2025-DAPHNE``, quotes, ``*``, ``NEAR``, accents) is reduced to plain word
tokens before it reaches a query language, so no input can raise a syntax error
or change the query's meaning:

* SQLite FTS5: every token is emitted as a double-quoted string (FTS5 "strings",
  https://www.sqlite.org/fts5.html section 3.1), which FTS5 never parses as an
  operator; tokens are ANDed (FTS5's implicit operator).
* PostgreSQL: the folded tokens are passed as a bound parameter to
  ``plainto_tsquery``, which ignores punctuation and operators by design.

Accents are folded on both sides (index text and query), so "Zurich" finds
"Zürich" and "sexualisierte" finds "sexualisierte" however it was typed.
"""

from __future__ import annotations

import re
import unicodedata

MAX_TOKENS = 12
MAX_TOKEN_LENGTH = 40
# Letters that do not decompose under NFKD and so keep their "accent".
_EXTRA_FOLDS = str.maketrans(
    {
        "ø": "o",
        "Ø": "o",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "þ": "th",
        "\u0131": "i",  # dotless i
    }
)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def fold(text: str) -> str:
    """Lower-case ``text`` and strip diacritics ("Zürich" -> "zurich",
    "Straße" -> "strasse")."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_EXTRA_FOLDS))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.casefold()


def tokens(text: str) -> list[str]:
    """Word tokens of ``text`` after folding: letters and digits only, at most
    :data:`MAX_TOKENS` tokens of at most :data:`MAX_TOKEN_LENGTH` characters;
    duplicates removed, order kept."""
    seen: list[str] = []
    for match in _WORD.finditer(fold(text or "")):
        token = match.group(0)[:MAX_TOKEN_LENGTH]
        if token not in seen:
            seen.append(token)
        if len(seen) >= MAX_TOKENS:
            break
    return seen


def index_text(*parts: object) -> str:
    """The text stored for indexing: the folded parts joined by newlines.
    Lists are flattened; ``None`` is skipped."""
    out: list[str] = []
    for part in parts:
        if part is None:
            continue
        if isinstance(part, list | tuple | set | frozenset):
            out.extend(str(p) for p in part if p is not None)
        else:
            out.append(str(part))
    return fold("\n".join(p for p in out if p))


def fts5_query(text: str) -> str | None:
    """An FTS5 MATCH expression for ``text``, or ``None`` when it has no words.

    Each token is double-quoted (it contains only letters and digits, so it can
    hold no quote); the last one also matches as a prefix so a half-typed word
    still finds something.
    """
    words = tokens(text)
    if not words:
        return None
    quoted = [f'"{w}"' for w in words]
    quoted[-1] = quoted[-1] + " *" if len(words[-1]) >= 3 else quoted[-1]
    return " ".join(quoted)


def plain_query(text: str) -> str | None:
    """The folded words of ``text`` separated by spaces (for PostgreSQL's
    ``plainto_tsquery``), or ``None`` when there are none."""
    words = tokens(text)
    return " ".join(words) if words else None
