"""search: course text index, session facts, facet indexes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 16:30:00

Every write path (ORM, Core, raw executemany) stays searchable: the text index and the
session facts are maintained by database triggers, not by application code.

* SQLite: FTS5 table ``search_course_fts`` (rowid = course id, porter stemming), triggers
  on ``course`` and ``provider``; ``search_session_facts`` filled by triggers on
  ``course_session``.
* PostgreSQL: ``search_course_document`` (course id, weighted ``english`` tsvector, GIN
  index) and ``search_session_facts``, both filled by PL/pgSQL triggers.
"""

# ruff: noqa: S608  (every SQL string here is a constant of this file; no values)
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_DAY_CASE = (
    "CASE lower({d}) WHEN 'sunday' THEN 1 WHEN 'monday' THEN 2 WHEN 'tuesday' THEN 4 "
    "WHEN 'wednesday' THEN 8 WHEN 'thursday' THEN 16 WHEN 'friday' THEN 32 "
    "WHEN 'saturday' THEN 64 ELSE 0 END"
)


def _sqlite_terms(r: str) -> str:
    parts = " || ' ' || ".join(
        f"coalesce((SELECT group_concat(value, ' ') FROM json_each({r}.{col})), '')"
        for col in ("techniques", "conditions", "competencies")
    )
    return f"replace({parts}, '-', ' ')"


def _sqlite_fts_insert(r: str, where: str = "") -> str:
    return (
        "INSERT INTO search_course_fts(rowid, title, description, terms, provider) "
        f"SELECT {r}.id, {r}.title, coalesce({r}.description, ''), {_sqlite_terms(r)}, "
        f"coalesce((SELECT name FROM provider WHERE provider.id = {r}.provider_id), '')"
        + (f" FROM course AS {r} WHERE {where}" if where else "")
    )


def _sqlite_days(r: str) -> str:
    pattern = (
        f"(SELECT sum(DISTINCT {_DAY_CASE.format(d='d.value')}) "
        f"FROM json_each({r}.meeting_pattern) AS p, json_each(p.value, '$.days') AS d)"
    )
    span = (
        f"max(0, CAST(julianday(coalesce({r}.end_date, {r}.start_date)) "
        f"- julianday({r}.start_date) AS INTEGER))"
    )
    bits = f"(((1 << ({span} + 1)) - 1) << CAST(strftime('%w', {r}.start_date) AS INTEGER))"
    spanned = (
        f"CASE WHEN {r}.start_date IS NULL THEN NULL WHEN {span} >= 6 THEN 127 "
        f"ELSE ({bits} | ({bits} >> 7)) & 127 END"
    )
    return f"coalesce(nullif({pattern}, 0), {spanned}, 0)"


def _sqlite_minute(r: str) -> str:
    first = f"json_extract({r}.meeting_pattern, '$[0].start_time')"
    return (
        f"CASE WHEN {r}.start_time IS NOT NULL THEN "
        f"CAST(substr({r}.start_time, 1, 2) AS INTEGER) * 60 "
        f"+ CAST(substr({r}.start_time, 4, 2) AS INTEGER) "
        f"WHEN {first} GLOB '[0-9][0-9]:[0-9][0-9]*' THEN "
        f"CAST(substr({first}, 1, 2) AS INTEGER) * 60 + CAST(substr({first}, 4, 2) AS INTEGER) "
        "ELSE NULL END"
    )


def _upgrade_sqlite() -> None:
    op.execute(
        "CREATE VIRTUAL TABLE search_course_fts USING fts5("
        "title, description, terms, provider, "
        "tokenize = 'porter unicode61 remove_diacritics 2')"
    )
    op.execute("CREATE VIRTUAL TABLE search_course_vocab USING fts5vocab(search_course_fts, 'row')")
    op.execute(
        f"CREATE TRIGGER search_course_ai AFTER INSERT ON course BEGIN "
        f"{_sqlite_fts_insert('NEW')}; END"
    )
    op.execute(
        "CREATE TRIGGER search_course_au AFTER UPDATE ON course BEGIN "
        "DELETE FROM search_course_fts WHERE rowid = OLD.id; "
        f"{_sqlite_fts_insert('NEW')}; END"
    )
    op.execute(
        "CREATE TRIGGER search_course_ad AFTER DELETE ON course BEGIN "
        "DELETE FROM search_course_fts WHERE rowid = OLD.id; END"
    )
    op.execute(
        "CREATE TRIGGER search_provider_au AFTER UPDATE OF name ON provider BEGIN "
        "DELETE FROM search_course_fts WHERE rowid IN "
        "(SELECT id FROM course WHERE provider_id = NEW.id); "
        f"{_sqlite_fts_insert('c', 'c.provider_id = NEW.id')}; END"
    )
    op.execute(_sqlite_fts_insert("c", "1"))
    facts = (
        "INSERT OR REPLACE INTO search_session_facts(session_id, days_mask, start_minute) "
        "SELECT {r}.id, " + "{days}, {minute}"
    )
    op.execute(
        "CREATE TRIGGER search_session_ai AFTER INSERT ON course_session BEGIN "
        + facts.format(r="NEW", days=_sqlite_days("NEW"), minute=_sqlite_minute("NEW"))
        + "; END"
    )
    op.execute(
        "CREATE TRIGGER search_session_au AFTER UPDATE OF meeting_pattern, start_date, "
        "end_date, start_time ON course_session BEGIN "
        + facts.format(r="NEW", days=_sqlite_days("NEW"), minute=_sqlite_minute("NEW"))
        + "; END"
    )
    op.execute(
        facts.format(r="s", days=_sqlite_days("s"), minute=_sqlite_minute("s"))
        + " FROM course_session AS s"
    )


_PG_FUNCTIONS = [
    f"""
CREATE FUNCTION search_days_mask(pattern jsonb, start_date date, end_date date)
RETURNS integer LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    mask integer;
    span integer;
    bits integer;
BEGIN
    SELECT coalesce(bit_or({_DAY_CASE.format(d="d")}), 0) INTO mask
    FROM jsonb_array_elements(
             CASE WHEN jsonb_typeof(pattern) = 'array' THEN pattern ELSE '[]'::jsonb END) AS p,
         jsonb_array_elements_text(
             CASE WHEN jsonb_typeof(p -> 'days') = 'array' THEN p -> 'days'
                  ELSE '[]'::jsonb END) AS d;
    IF mask = 0 AND start_date IS NOT NULL THEN
        span := greatest(0, coalesce(end_date, start_date) - start_date);
        IF span >= 6 THEN
            mask := 127;
        ELSE
            bits := ((1 << (span + 1)) - 1) << extract(dow FROM start_date)::integer;
            mask := (bits | (bits >> 7)) & 127;
        END IF;
    END IF;
    RETURN mask;
END $$
""",
    """
CREATE FUNCTION search_start_minute(pattern jsonb, start_time time)
RETURNS integer LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    first text;
BEGIN
    IF start_time IS NOT NULL THEN
        RETURN extract(hour FROM start_time)::integer * 60
             + extract(minute FROM start_time)::integer;
    END IF;
    IF jsonb_typeof(pattern) = 'array' AND jsonb_typeof(pattern -> 0) = 'object' THEN
        first := pattern -> 0 ->> 'start_time';
        IF first ~ '^[0-9]{2}:[0-9]{2}' THEN
            RETURN substr(first, 1, 2)::integer * 60 + substr(first, 4, 2)::integer;
        END IF;
    END IF;
    RETURN NULL;
END $$
""",
    """
CREATE FUNCTION search_session_facts_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_session_facts(session_id, days_mask, start_minute)
    VALUES (NEW.id, search_days_mask(NEW.meeting_pattern, NEW.start_date, NEW.end_date),
            search_start_minute(NEW.meeting_pattern, NEW.start_time))
    ON CONFLICT (session_id) DO UPDATE
        SET days_mask = EXCLUDED.days_mask, start_minute = EXCLUDED.start_minute;
    RETURN NULL;
END $$
""",
    """
CREATE FUNCTION search_course_tsv(
    title text, description text, techniques jsonb, conditions jsonb, competencies jsonb,
    provider_id integer
) RETURNS tsvector LANGUAGE sql STABLE AS $$
    SELECT setweight(to_tsvector('english', coalesce(title, '')), 'A')
        || setweight(to_tsvector('english', replace(coalesce((
               SELECT string_agg(v, ' ')
               FROM jsonb_array_elements_text(
                   coalesce(techniques, '[]'::jsonb) || coalesce(conditions, '[]'::jsonb)
                   || coalesce(competencies, '[]'::jsonb)) AS v), ''), '-', ' ')), 'B')
        || setweight(to_tsvector('english', coalesce(
               (SELECT p.name FROM provider AS p WHERE p.id = provider_id), '')), 'C')
        || setweight(to_tsvector('english', coalesce(description, '')), 'D')
$$
""",
    """
CREATE FUNCTION search_course_document_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_course_document(course_id, document)
    VALUES (NEW.id, search_course_tsv(NEW.title, NEW.description, NEW.techniques,
                                      NEW.conditions, NEW.competencies, NEW.provider_id))
    ON CONFLICT (course_id) DO UPDATE SET document = EXCLUDED.document;
    RETURN NULL;
END $$
""",
    """
CREATE FUNCTION search_provider_document_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE search_course_document AS d
    SET document = search_course_tsv(c.title, c.description, c.techniques, c.conditions,
                                     c.competencies, c.provider_id)
    FROM course AS c
    WHERE c.id = d.course_id AND c.provider_id = NEW.id;
    RETURN NULL;
END $$
""",
]


def _upgrade_postgresql() -> None:
    op.execute(
        "CREATE TABLE search_course_document ("
        "course_id integer PRIMARY KEY REFERENCES course(id) ON DELETE CASCADE, "
        "document tsvector NOT NULL)"
    )
    op.execute(
        "CREATE INDEX ix_search_course_document ON search_course_document USING gin (document)"
    )
    for statement in _PG_FUNCTIONS:
        op.execute(statement)
    op.execute(
        "CREATE TRIGGER search_session_facts_sync AFTER INSERT OR UPDATE OF meeting_pattern, "
        "start_date, end_date, start_time ON course_session "
        "FOR EACH ROW EXECUTE FUNCTION search_session_facts_sync()"
    )
    op.execute(
        "CREATE TRIGGER search_course_document_sync AFTER INSERT OR UPDATE ON course "
        "FOR EACH ROW EXECUTE FUNCTION search_course_document_sync()"
    )
    op.execute(
        "CREATE TRIGGER search_provider_document_sync AFTER UPDATE OF name ON provider "
        "FOR EACH ROW EXECUTE FUNCTION search_provider_document_sync()"
    )
    op.execute(
        "INSERT INTO search_course_document(course_id, document) "
        "SELECT id, search_course_tsv(title, description, techniques, conditions, "
        "competencies, provider_id) FROM course"
    )
    op.execute(
        "INSERT INTO search_session_facts(session_id, days_mask, start_minute) "
        "SELECT id, search_days_mask(meeting_pattern, start_date, end_date), "
        "search_start_minute(meeting_pattern, start_time) FROM course_session"
    )


def upgrade() -> None:
    op.create_table(
        "search_session_facts",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("days_mask", sa.Integer(), nullable=False),
        sa.Column("start_minute", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["course_session.id"],
            name=op.f("fk_search_session_facts_session_id_course_session"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", name=op.f("pk_search_session_facts")),
    )
    with op.batch_alter_table("course_session", schema=None) as batch_op:
        batch_op.create_index("ix_search_session_mode", ["mode"], unique=False)
        batch_op.create_index("ix_search_session_price", ["price"], unique=False)
        batch_op.create_index("ix_search_session_lat_lon", ["latitude", "longitude"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        _upgrade_postgresql()
    else:
        _upgrade_sqlite()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS search_provider_document_sync ON provider")
        op.execute("DROP TRIGGER IF EXISTS search_course_document_sync ON course")
        op.execute("DROP TRIGGER IF EXISTS search_session_facts_sync ON course_session")
        for name in (
            "search_provider_document_sync()",
            "search_course_document_sync()",
            "search_course_tsv(text, text, jsonb, jsonb, jsonb, integer)",
            "search_session_facts_sync()",
            "search_start_minute(jsonb, time)",
            "search_days_mask(jsonb, date, date)",
        ):
            op.execute(f"DROP FUNCTION IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS search_course_document")
    else:
        for trigger in (
            "search_course_ai",
            "search_course_au",
            "search_course_ad",
            "search_provider_au",
            "search_session_ai",
            "search_session_au",
        ):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS search_course_vocab")
        op.execute("DROP TABLE IF EXISTS search_course_fts")
    with op.batch_alter_table("course_session", schema=None) as batch_op:
        batch_op.drop_index("ix_search_session_lat_lon")
        batch_op.drop_index("ix_search_session_price")
        batch_op.drop_index("ix_search_session_mode")
    op.drop_table("search_session_facts")
