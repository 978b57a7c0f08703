"""Query sanitising: any input becomes a safe FTS5 expression."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evidencehub.core.funding.text import (
    fold,
    fts5_query,
    index_text,
    plain_query,
    tokens,
)


def test_fold_strips_accents_and_case() -> None:
    assert fold("Zürich Straße ÉCOLE Łódź Ørsted") == "zurich strasse ecole lodz orsted"


def test_tokens_split_codes_and_punctuation() -> None:
    assert tokens("CERV-2025-DAPHNE") == ["cerv", "2025", "daphne"]
    assert tokens("O'Brien's St. Mary's") == ["o", "brien", "s", "st", "mary"]
    assert tokens("   ") == []


def test_fts5_query_quotes_every_token() -> None:
    assert fts5_query("online prevention") == '"online" "prevention" *'
    assert fts5_query('NEAR(a b) OR "x" AND -y*') == '"near" "a" "b" "or" "x" "and" "y"'
    assert fts5_query("'\"*()") is None
    assert plain_query("  ") is None


@pytest.fixture(scope="module")
def fts() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE VIRTUAL TABLE t USING fts5(body, "
        "tokenize='porter unicode61 remove_diacritics 2')"
    )
    db.execute("INSERT INTO t(body) VALUES (?)", (index_text("Prävention in Zürich"),))
    db.execute("INSERT INTO t(body) VALUES (?)", (index_text("CERV-2025-DAPHNE call"),))
    return db


def test_accents_and_codes_match(fts: sqlite3.Connection) -> None:
    def hits(text: str) -> int:
        query = fts5_query(text)
        assert query is not None
        return len(
            fts.execute("SELECT rowid FROM t WHERE t MATCH ?", (query,)).fetchall()
        )

    assert hits("pravention zurich") == 1
    assert hits("Prävention") == 1
    assert hits("CERV-2025-DAPHNE") == 1
    assert hits("calls") == 1  # Porter stemming


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_no_input_raises(fts: sqlite3.Connection, text: str) -> None:
    query = fts5_query(text)
    if query is not None:
        fts.execute("SELECT rowid FROM t WHERE t MATCH ?", (query,)).fetchall()
