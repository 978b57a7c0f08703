"""Full-text search, per database vendor.

* SQLite: an FTS5 external-content table per searchable model
  (``<table>_fts``), kept in step by triggers, tokenizer
  ``porter unicode61 remove_diacritics 2`` (Porter stemming for English,
  diacritics folded). Relevance is FTS5's ``bm25``.
* PostgreSQL: a stored generated ``search_vector`` column joining the
  ``simple``, ``english``, ``german``, ``french`` and ``dutch`` analyses of the
  folded text (stemming in the languages of the seed data), with a GIN index.
  Relevance is ``ts_rank``.

Both index ``search_text``, which services fill with accent-folded text
(:func:`evidencehub.core.funding.text.index_text`), and both receive the
person's words only as bound parameters after
:func:`evidencehub.core.funding.text.fts5_query` /
:func:`~evidencehub.core.funding.text.plain_query` reduced them to plain
tokens.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import connection
from django.db.models import Model, QuerySet

from evidencehub.core.funding.text import fts5_query, plain_query

M = TypeVar("M", bound=Model)

SEARCHABLE_TABLES = (
    "funding_funder",
    "funding_programme",
    "funding_call",
    "funding_pastgrant",
)
PG_CONFIGS = ("simple", "english", "german", "french", "dutch")


# {fts} and {table} are our own table names, never input.
_SQLITE_STATEMENTS = (
    "CREATE VIRTUAL TABLE {fts} USING fts5(search_text, content='{table}', "
    "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN "
    "INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN "
    "INSERT INTO {fts}({fts}, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER {fts}_au AFTER UPDATE OF search_text ON {table} BEGIN "
    "INSERT INTO {fts}({fts}, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text); END",
)


def sqlite_sql() -> list[str]:
    return [
        template.format(fts=f"{table}_fts", table=table)
        for table in SEARCHABLE_TABLES
        for template in _SQLITE_STATEMENTS
    ]


def sqlite_reverse_sql() -> list[str]:
    statements: list[str] = []
    for table in SEARCHABLE_TABLES:
        fts = f"{table}_fts"
        statements += [
            f"DROP TRIGGER IF EXISTS {fts}_ai",
            f"DROP TRIGGER IF EXISTS {fts}_ad",
            f"DROP TRIGGER IF EXISTS {fts}_au",
            f"DROP TABLE IF EXISTS {fts}",
        ]
    return statements


def _pg_vector() -> str:
    return " || ".join(f"to_tsvector('{c}', search_text)" for c in PG_CONFIGS)


def postgres_sql() -> list[str]:
    statements: list[str] = []
    for table in SEARCHABLE_TABLES:
        statements += [
            f"ALTER TABLE {table} ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS ({_pg_vector()}) STORED",
            f"CREATE INDEX {table}_search_gin ON {table} USING gin (search_vector)",
        ]
    return statements


def postgres_reverse_sql() -> list[str]:
    return [
        f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector"
        for table in SEARCHABLE_TABLES
    ]


def _pg_query(params: list[Any], words: str) -> str:
    parts = []
    for config in PG_CONFIGS:
        parts.append(f"plainto_tsquery('{config}', %s)")
        params.append(words)
    return "(" + " || ".join(parts) + ")"


def full_text(
    qs: QuerySet[M], text: str, *, rank: bool = True
) -> tuple[QuerySet[M], bool]:
    """Restrict ``qs`` to rows matching ``text`` and, when ``rank``, annotate
    ``fts_rank`` (lower is better on both engines). Returns ``(qs, searched)``;
    ``searched`` is False when ``text`` holds no words (``qs`` unchanged)."""
    table = qs.model._meta.db_table
    if connection.vendor == "postgresql":
        words = plain_query(text)
        if words is None:
            return qs, False
        where_params: list[Any] = []
        condition = f"{table}.search_vector @@ {_pg_query(where_params, words)}"
        # extra(): parameters are bound; only our own identifiers are formatted.
        qs = qs.extra(where=[condition], params=where_params)  # noqa: S610
        if rank:
            rank_params: list[Any] = []
            expression = (
                f"-ts_rank({table}.search_vector, {_pg_query(rank_params, words)})"
            )
            qs = qs.extra(  # noqa: S610
                select={"fts_rank": expression}, select_params=rank_params
            )
        return qs, True
    match = fts5_query(text)
    if match is None:
        return qs, False
    fts = f"{table}_fts"
    qs = qs.extra(  # noqa: S610
        tables=[fts],
        where=[f"{fts}.rowid = {table}.id", f"{fts} MATCH %s"],
        params=[match],
    )
    if rank:
        qs = qs.extra(select={"fts_rank": f"{fts}.rank"})  # noqa: S610
    return qs, True


def bare_full_text_ids(table: str, text: str, limit: int = 20) -> list[int]:
    """The bare engine query (ids by relevance) used as the benchmark's
    baseline; no filters, no ORM."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            words = plain_query(text)
            if words is None:
                return []
            params: list[Any] = []
            query = _pg_query(params, words)
            rank_params: list[Any] = []
            rank_query = _pg_query(rank_params, words)
            cursor.execute(
                f"SELECT id FROM {table} WHERE search_vector @@ {query} "  # noqa: S608
                f"ORDER BY ts_rank(search_vector, {rank_query}) DESC LIMIT %s",
                [*params, *rank_params, limit],
            )
        else:
            match = fts5_query(text)
            if match is None:
                return []
            cursor.execute(
                f"SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH %s "  # noqa: S608
                "ORDER BY rank LIMIT %s",
                [match, limit],
            )
        return [row[0] for row in cursor.fetchall()]
