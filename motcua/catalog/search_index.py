"""The word index behind procedure search: a narrow table of what ranking reads, and a word index
on it (SQLite FTS5 or PostgreSQL GIN), the same meaning on both databases.

Both index the folded ``Procedure.search_text`` column (``motcua.text.search_key``: accents and
đ/Đ already folded, punctuation already spaces), so neither database's own accent handling is
relied on. A query word matches a whole *word* of the text, the last one also the start of a
word (it may still be being typed): ``dang ky`` finds "dang ky", ``khai sin`` finds "khai sinh",
``1.0011`` finds "1.001193"; ``ho`` does not find "hoc". Both tokenisers split the folded text on
spaces only (a dot between digits, as in a procedure code, stays inside the word), so the two
databases find the same rows.

- **The narrow table** ``catalog_procedure_search``: per procedure its id, code, whether it is
  active, its portal type and province, its folded name (and on PostgreSQL its words as a
  ``tsvector``). Ranking a common word ("cap" is in half the catalogue) reads thousands of rows;
  a procedure row is a kilobyte or more (documents, legal basis, steps as JSON), these are about
  a hundred bytes, and reading them took a fraction of the time. Only the page's 20 rows are then
  read from ``catalog_procedure``.
- **Kept in step by triggers** on ``catalog_procedure`` (insert, update, delete; on PostgreSQL
  also ``TRUNCATE``), so ``save()``, ``bulk_create``, ``bulk_update`` and ``QuerySet.update`` all
  reach it, as does any SQL. Django's SQLite schema editor rebuilds a table to alter it (new
  table, copy, drop, rename), which drops its triggers: ``ensure_index`` runs after every
  ``migrate`` (``CatalogConfig.ready``) and puts triggers and contents back when they are missing.
- **SQLite**: an FTS5 table ``catalog_procedure_fts`` with ``content=catalog_procedure`` (an index
  only, no copy of the text), tokeniser ``unicode61`` with ``.`` as a word character.
- **PostgreSQL**: the narrow table's ``search_words`` (``to_tsvector('simple', search_text)``
  without positions, which only phrase queries would use;
  ``simple`` only lowercases: no stemming, no stop words, Vietnamese syllables are words) with a
  GIN index. Stored, not an expression index: for a common word the planner rightly prefers a scan,
  and a scan that runs ``to_tsvector`` on every row took 170 ms.

The query side (``match``) quotes every word, so nothing a person types is read as query syntax
(``"``, ``*``, ``NEAR``, ``OR``, ``-``, ``:``, ``&``, ``|``, ``!``): the words come from
``search_words``, which keeps letters, digits and dots between digits only.

The migration that creates all this (``catalog/0007``) calls ``create_index``; a change to the
statements here comes with a migration that calls ``drop_index`` and ``create_index`` again.
"""

from __future__ import annotations

SEARCH_TABLE = "catalog_procedure_search"
FTS_TABLE = "catalog_procedure_fts"
PG_COLUMN = "search_words"

# ------------------------------------------------------------------------------------- SQLite

_SQLITE_ROW = (
    f"INSERT OR REPLACE INTO {SEARCH_TABLE} "
    "(procedure_id, code, is_active, portal_type, province_id, search_name) "
    "VALUES (new.id, new.code, new.is_active, new.portal_type, new.province_id, new.search_name);"
)
SQLITE_CREATE = [
    f"""CREATE TABLE IF NOT EXISTS {SEARCH_TABLE} (
        procedure_id INTEGER PRIMARY KEY,
        code TEXT NOT NULL,
        is_active INTEGER NOT NULL,
        portal_type TEXT NOT NULL,
        province_id INTEGER NULL,
        search_name TEXT NOT NULL
    )""",
    # Words are runs of letters and digits, plus the dot of a code (search_key drops other dots).
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(
        search_text, content='catalog_procedure', content_rowid='id',
        tokenize="unicode61 remove_diacritics 0 tokenchars '.'"
    )""",
    f"""CREATE TRIGGER IF NOT EXISTS {SEARCH_TABLE}_insert AFTER INSERT ON catalog_procedure
    BEGIN
        INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text);
        {_SQLITE_ROW}
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {SEARCH_TABLE}_delete AFTER DELETE ON catalog_procedure
    BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text)
            VALUES ('delete', old.id, old.search_text);
        DELETE FROM {SEARCH_TABLE} WHERE procedure_id = old.id;
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {SEARCH_TABLE}_update_text AFTER UPDATE ON catalog_procedure
    WHEN old.search_text IS NOT new.search_text OR old.id IS NOT new.id BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text)
            VALUES ('delete', old.id, old.search_text);
        INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {SEARCH_TABLE}_update_row AFTER UPDATE ON catalog_procedure
    WHEN old.id IS NOT new.id OR old.code IS NOT new.code OR old.is_active IS NOT new.is_active
        OR old.portal_type IS NOT new.portal_type OR old.province_id IS NOT new.province_id
        OR old.search_name IS NOT new.search_name BEGIN
        DELETE FROM {SEARCH_TABLE} WHERE procedure_id = old.id;
        {_SQLITE_ROW}
    END""",
]
SQLITE_TRIGGERS = {
    f"{SEARCH_TABLE}_insert",
    f"{SEARCH_TABLE}_delete",
    f"{SEARCH_TABLE}_update_text",
    f"{SEARCH_TABLE}_update_row",
}
SQLITE_FILL = [
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
    f"DELETE FROM {SEARCH_TABLE}",
    f"INSERT INTO {SEARCH_TABLE} (procedure_id, code, is_active, portal_type, province_id, "
    "search_name) SELECT id, code, is_active, portal_type, province_id, search_name "
    "FROM catalog_procedure",
]
SQLITE_DROP = [
    *(f"DROP TRIGGER IF EXISTS {name}" for name in sorted(SQLITE_TRIGGERS)),
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
    f"DROP TABLE IF EXISTS {SEARCH_TABLE}",
]

# --------------------------------------------------------------------------------- PostgreSQL

PG_CREATE = [
    f"""CREATE TABLE IF NOT EXISTS {SEARCH_TABLE} (
        procedure_id bigint PRIMARY KEY,
        code varchar(16) NOT NULL,
        is_active boolean NOT NULL,
        portal_type varchar(20) NOT NULL,
        province_id bigint NULL,
        search_name varchar(500) NOT NULL,
        {PG_COLUMN} tsvector NOT NULL
    )""",
    f"CREATE INDEX IF NOT EXISTS {SEARCH_TABLE}_words ON {SEARCH_TABLE} USING gin ({PG_COLUMN})",
    f"""CREATE OR REPLACE FUNCTION {SEARCH_TABLE}_sync() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'TRUNCATE' THEN
            TRUNCATE {SEARCH_TABLE};
            RETURN NULL;
        END IF;
        IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.code = OLD.code
            AND NEW.is_active = OLD.is_active AND NEW.portal_type = OLD.portal_type
            AND NEW.province_id IS NOT DISTINCT FROM OLD.province_id
            AND NEW.search_name = OLD.search_name AND NEW.search_text = OLD.search_text THEN
            RETURN NULL;  -- nothing search reads has changed
        END IF;
        IF TG_OP IN ('DELETE', 'UPDATE') THEN
            DELETE FROM {SEARCH_TABLE} WHERE procedure_id = OLD.id;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            INSERT INTO {SEARCH_TABLE} VALUES (NEW.id, NEW.code, NEW.is_active, NEW.portal_type,
                NEW.province_id, NEW.search_name, strip(to_tsvector('simple', NEW.search_text)));
        END IF;
        RETURN NULL;
    END
    $$""",
    f"""CREATE OR REPLACE TRIGGER {SEARCH_TABLE}_rows
        AFTER INSERT OR UPDATE OR DELETE ON catalog_procedure
        FOR EACH ROW EXECUTE FUNCTION {SEARCH_TABLE}_sync()""",
    f"""CREATE OR REPLACE TRIGGER {SEARCH_TABLE}_truncate AFTER TRUNCATE ON catalog_procedure
        FOR EACH STATEMENT EXECUTE FUNCTION {SEARCH_TABLE}_sync()""",
    f"DELETE FROM {SEARCH_TABLE}",
    f"INSERT INTO {SEARCH_TABLE} SELECT id, code, is_active, portal_type, province_id, "
    "search_name, strip(to_tsvector('simple', search_text)) FROM catalog_procedure",
    f"ANALYZE {SEARCH_TABLE}",
]
PG_DROP = [
    f"DROP TRIGGER IF EXISTS {SEARCH_TABLE}_rows ON catalog_procedure",
    f"DROP TRIGGER IF EXISTS {SEARCH_TABLE}_truncate ON catalog_procedure",
    f"DROP FUNCTION IF EXISTS {SEARCH_TABLE}_sync()",
    f"DROP TABLE IF EXISTS {SEARCH_TABLE}",
]


def create_index(connection) -> None:
    """Create the narrow table, its triggers and the word index, and fill them."""
    statements = {"sqlite": SQLITE_CREATE + SQLITE_FILL, "postgresql": PG_CREATE}
    with connection.cursor() as cursor:
        for statement in statements.get(connection.vendor, []):
            cursor.execute(statement)


def drop_index(connection) -> None:
    with connection.cursor() as cursor:
        for statement in {"sqlite": SQLITE_DROP, "postgresql": PG_DROP}.get(connection.vendor, []):
            cursor.execute(statement)


def ensure_index(connection) -> bool:
    """Put SQLite's triggers back and refill the index if a table rebuild dropped them; True if
    it did. Does nothing before the migration that creates the index has run, and nothing on
    PostgreSQL (its triggers survive ``ALTER TABLE``)."""
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE name = %s OR "
            "(type = 'trigger' AND tbl_name = 'catalog_procedure')",
            [SEARCH_TABLE],
        )
        found = {name for (name,) in cursor.fetchall()}
    if SEARCH_TABLE not in found or found >= SQLITE_TRIGGERS:
        return False
    create_index(connection)  # IF NOT EXISTS everywhere, then a full refill
    return True


def match(
    connection, words: list[str], *, every: bool, table: str, prefix_last: bool = True
) -> tuple[str, list]:
    """SQL and parameters of a condition on ``table`` (``SEARCH_TABLE`` or its alias): its
    search text has each of ``words`` (``every``), or at least one of them, as a whole word;
    the last word may also be the start of one, unless not ``prefix_last``. ``words`` must not
    be empty.

    On SQLite the condition is ``table.procedure_id IN (the index's answer)``, asked once per
    statement however many rows it tests; on PostgreSQL a test of the stored vector, which the
    planner serves from the GIN index or by reading the vectors, whichever is cheaper.
    """
    prefix = len(words) - 1 if prefix_last else -1
    if connection.vendor == "sqlite":
        # "word" is a word, "word"* a prefix; inside double quotes nothing is syntax.
        terms = [f'"{_quoted(w, chr(34))}"' + "*" * (i == prefix) for i, w in enumerate(words)]
        query = (" AND " if every else " OR ").join(terms)
        return (
            f"{table}.procedure_id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)",
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
