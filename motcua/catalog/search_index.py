"""The word index behind procedure search: SQLite FTS5 or a PostgreSQL GIN index, same meaning.

Both index the folded ``Procedure.search_text`` column (``motcua.text.search_key``: accents and
đ/Đ already folded, punctuation already spaces), so neither database's own accent handling is
relied on. A query word matches a whole *word* of the text, the last one also the start of a
word (it may still be being typed): ``dang ky`` finds "dang ky", ``khai sin`` finds "khai sinh",
``1.0011`` finds "1.001193"; ``ho`` does not find "hoc". Both tokenisers split the folded text on
spaces only (a dot between digits, as in a procedure code, stays inside the word), so the two
databases find the same rows.

- **SQLite**: an FTS5 table ``catalog_procedure_fts`` with ``content=catalog_procedure`` (it keeps
  no copy of the text, only the index), kept in step by three triggers, so ``save()``,
  ``bulk_create``, ``bulk_update`` and ``QuerySet.update`` all reach it. Django's SQLite schema
  editor rebuilds a table to alter it (new table, copy, drop, rename), which drops its triggers:
  ``ensure_index`` runs after every ``migrate`` (``CatalogConfig.ready``) and puts triggers and
  index back when they are missing.
- **PostgreSQL**: a stored generated column ``search_words``
  (``to_tsvector('simple', search_text)``; ``simple`` only lowercases: no stemming, no stop words,
  Vietnamese syllables are words) with a GIN index. PostgreSQL keeps both up to date itself, and
  they survive ``ALTER TABLE``. The column is not on the model (SQLite has no such type); Django
  never writes it. Stored, not an expression index: for a common word ("cap", in half the
  catalogue) the planner rightly prefers a scan, and a scan that runs ``to_tsvector`` on every
  row took 170 ms where reading the stored vectors takes a few.

The query side (``match``) quotes every word, so nothing a person types is read as query syntax
(``"``, ``*``, ``NEAR``, ``OR``, ``-``, ``:``, ``&``, ``|``, ``!``): the words come from
``search_words``, which keeps letters, digits and dots between digits only.
"""

from __future__ import annotations

FTS_TABLE = "catalog_procedure_fts"
# Words are runs of letters and digits, plus the dot of a code (search_key drops other dots).
SQLITE_CREATE = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(
        search_text, content='catalog_procedure', content_rowid='id',
        tokenize="unicode61 remove_diacritics 0 tokenchars '.'"
    )""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_insert AFTER INSERT ON catalog_procedure BEGIN
        INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_delete AFTER DELETE ON catalog_procedure BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text)
            VALUES ('delete', old.id, old.search_text);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_update AFTER UPDATE ON catalog_procedure
    WHEN old.search_text IS NOT new.search_text OR old.id IS NOT new.id BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text)
            VALUES ('delete', old.id, old.search_text);
        INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
]
SQLITE_TRIGGERS = {f"{FTS_TABLE}_insert", f"{FTS_TABLE}_delete", f"{FTS_TABLE}_update"}
SQLITE_REBUILD = f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')"
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_insert",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_delete",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_update",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]

PG_COLUMN = "search_words"
PG_CREATE = [
    f"ALTER TABLE catalog_procedure ADD COLUMN IF NOT EXISTS {PG_COLUMN} tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED",
    f"CREATE INDEX IF NOT EXISTS catalog_procedure_search_words ON catalog_procedure "
    f"USING gin ({PG_COLUMN})",
]
PG_DROP = [
    "DROP INDEX IF EXISTS catalog_procedure_search_words",
    f"ALTER TABLE catalog_procedure DROP COLUMN IF EXISTS {PG_COLUMN}",
]


def create_index(connection) -> None:
    """Create the index for this database and fill it (a migration calls this)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for statement in SQLITE_CREATE:
                cursor.execute(statement)
            cursor.execute(SQLITE_REBUILD)
        elif connection.vendor == "postgresql":
            for statement in PG_CREATE:
                cursor.execute(statement)


def drop_index(connection) -> None:
    with connection.cursor() as cursor:
        for statement in {"sqlite": SQLITE_DROP, "postgresql": PG_DROP}.get(connection.vendor, []):
            cursor.execute(statement)


def ensure_index(connection) -> bool:
    """Put SQLite's triggers and index back if a table rebuild dropped them; True if it did.

    Does nothing before the migration that creates the index has run (no FTS table yet), and
    nothing on PostgreSQL (its expression index survives ``ALTER TABLE``).
    """
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, type FROM sqlite_master WHERE name = %s OR "
            "(type = 'trigger' AND tbl_name = 'catalog_procedure')",
            [FTS_TABLE],
        )
        found = {name for name, _type in cursor.fetchall()}
    if FTS_TABLE not in found or found >= SQLITE_TRIGGERS:
        return False
    create_index(connection)  # IF NOT EXISTS everywhere; then a full rebuild
    return True


def match(
    connection, words: list[str], *, every: bool, table: str, prefix_last: bool = True
) -> tuple[str, list]:
    """SQL and parameters of a condition on ``table`` (``catalog_procedure`` or its alias): its
    search text has each of ``words`` (``every``), or at least one of them, as a whole word;
    the last word may also be the start of one, unless not ``prefix_last``. ``words`` must not
    be empty.

    On SQLite the condition is ``table.id IN (the index's answer)``, asked once per statement
    however many rows it tests; on PostgreSQL a test of the stored vector, which the planner
    serves from the GIN index or by reading the vectors, whichever is cheaper.
    """
    prefix = len(words) - 1 if prefix_last else -1
    if connection.vendor == "sqlite":
        # "word" is a word, "word"* a prefix; inside double quotes nothing is syntax.
        terms = [f'"{_quoted(w, chr(34))}"' + "*" * (i == prefix) for i, w in enumerate(words)]
        query = (" AND " if every else " OR ").join(terms)
        return (
            f"{table}.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)",
            [query],
        )
    if connection.vendor == "postgresql":
        # 'word' is a lexeme, 'word':* a prefix; inside single quotes nothing is syntax.
        terms = [f"'{_quoted(w, chr(39))}'" + ":*" * (i == prefix) for i, w in enumerate(words)]
        query = (" & " if every else " | ").join(terms)
        return f"{table}.{PG_COLUMN} @@ to_tsquery('simple', %s)", [query]
    raise NotImplementedError(f"procedure search has no index for {connection.vendor}")


def _quoted(word: str, quote: str) -> str:
    # search_words never yields quotes or backslashes; double them anyway, as each syntax wants.
    return word.replace("\\", "\\\\" if quote == "'" else "\\").replace(quote, quote * 2)
