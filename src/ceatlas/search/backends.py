"""What differs between SQLite (FTS5, JSON1) and PostgreSQL (tsvector, JSONB)."""

from __future__ import annotations

import re
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy import Connection, Engine, Integer, String, Text
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import FromClause, Subquery

from ceatlas.search.text import TextQuery

_MARK = re.compile("\u27e6([^\u27e7]*)\u27e7")
_HL_OPEN, _HL_CLOSE = "\u27e6", "\u27e7"


class Backend(Protocol):
    name: str

    def text_matches(self, text: TextQuery) -> Subquery:
        """Courses matching every concept (any, with ``any_concept``): columns ``course_id``
        and ``rank`` (higher better)."""

    def word_known(self, conn: Connection, word: str) -> bool:
        """Whether any course's indexed text contains ``word`` (after stemming)."""

    def highlights(
        self, conn: Connection, text: TextQuery, docs: dict[int, str]
    ) -> dict[int, list[str]]:
        """For each course id, the words of its text that the query matched."""

    def json_contains_any(self, column: Any, values: list[str]) -> ColumnElement[bool]:
        """The JSON list column holds at least one of ``values``."""

    def json_elements(self, column: Any) -> FromClause:
        """A joinable (lateral) table of the JSON list's elements, column ``value``."""

    def month(self, column: Any) -> ColumnElement[str]:
        """``YYYY-MM`` of a date column."""


def _marked(text: str) -> list[str]:
    return [m.group(1) for m in _MARK.finditer(text)]


class SQLiteBackend:
    name = "sqlite"
    weights = "10.0, 1.0, 5.0, 2.0"  # title, description, terms, provider

    @staticmethod
    def match_expression(text: TextQuery) -> str:
        # Phrases hold only [a-z0-9 ] (see text.words_of), so quoting them is safe.
        groups = [
            "(" + " OR ".join(f'"{phrase}"' for phrase in concept.phrases) + ")"
            for concept in text.concepts
        ]
        return (" OR " if text.any_concept else " AND ").join(groups)

    def text_matches(self, text: TextQuery) -> Subquery:
        statement = sa.text(
            f"SELECT rowid AS course_id, -bm25(search_course_fts, {self.weights}) AS rank "  # noqa: S608
            "FROM search_course_fts WHERE search_course_fts MATCH :fts "
            # LIMIT -1 keeps SQLite from flattening the subquery: bm25() only works here.
            "LIMIT -1"
        ).bindparams(fts=self.match_expression(text))
        matched = statement.columns(
            sa.column("course_id", Integer), sa.column("rank", sa.Float)
        ).subquery("text_rank")
        return _main_subject_first(self, text, matched.c.course_id, matched.c.rank, matched)

    def word_known(self, conn: Connection, word: str) -> bool:
        found = conn.execute(
            sa.text("SELECT 1 FROM search_course_fts WHERE search_course_fts MATCH :q LIMIT 1"),
            {"q": f'"{word}"'},
        ).first()
        return found is not None

    def highlights(
        self, conn: Connection, text: TextQuery, docs: dict[int, str]
    ) -> dict[int, list[str]]:
        if not docs or not text.concepts:
            return {}
        marks = ", ".join(
            f"highlight(search_course_fts, {i}, '{_HL_OPEN}', '{_HL_CLOSE}')" for i in range(4)
        )
        ids: sa.BindParameter[list[int]] = sa.bindparam("ids", expanding=True)
        rows = conn.execute(
            sa.text(
                f"SELECT rowid, {marks} FROM search_course_fts "  # noqa: S608 (no user text)
                "WHERE search_course_fts MATCH :fts AND rowid IN :ids"
            ).bindparams(ids),
            {"fts": self.match_expression(text), "ids": list(docs)},
        )
        return {int(row[0]): _marked(" ".join(str(v) for v in row[1:])) for row in rows}

    def json_contains_any(self, column: Any, values: list[str]) -> ColumnElement[bool]:
        elements = sa.func.json_each(column).table_valued("value")
        return sa.exists(sa.select(1).select_from(elements).where(elements.c.value.in_(values)))

    def json_elements(self, column: Any) -> FromClause:
        return sa.func.json_each(column).table_valued("value").alias("elements")

    def month(self, column: Any) -> ColumnElement[str]:
        return sa.func.strftime("%Y-%m", column)


_DOCUMENT = sa.table(
    "search_course_document", sa.column("course_id", Integer), sa.column("document", TSVECTOR)
)
_ENGLISH: ColumnElement[Any] = sa.literal_column("'english'::regconfig")


class PostgresBackend:
    name = "postgresql"

    @staticmethod
    def tsquery(text: TextQuery) -> ColumnElement[Any]:
        query: ColumnElement[Any] | None = None
        for concept in text.concepts:
            either: ColumnElement[Any] | None = None
            for phrase in concept.phrases:
                part = sa.func.phraseto_tsquery(_ENGLISH, sa.literal(phrase, Text))
                either = part if either is None else either.op("||")(part)
            if either is None:
                continue
            joined = "||" if text.any_concept else "&&"
            query = either if query is None else query.op(joined)(either)
        assert query is not None
        return query

    def text_matches(self, text: TextQuery) -> Subquery:
        query = self.tsquery(text)
        matched = (
            sa.select(
                _DOCUMENT.c.course_id.label("course_id"),
                sa.func.ts_rank(_DOCUMENT.c.document, query).label("rank"),
            )
            .where(_DOCUMENT.c.document.op("@@")(query))
            .subquery("text_rank")
        )
        return _main_subject_first(self, text, matched.c.course_id, matched.c.rank, matched)

    def word_known(self, conn: Connection, word: str) -> bool:
        found = conn.execute(
            sa.text(
                "SELECT 1 FROM search_course_document "
                "WHERE document @@ plainto_tsquery('english', :w) LIMIT 1"
            ),
            {"w": word},
        ).first()
        return found is not None

    def highlights(
        self, conn: Connection, text: TextQuery, docs: dict[int, str]
    ) -> dict[int, list[str]]:
        if not docs or not text.concepts:
            return {}
        table = (
            sa.func.unnest(
                sa.cast(sa.literal(list(docs), ARRAY(Integer)), ARRAY(Integer)),
                sa.cast(sa.literal(list(docs.values()), ARRAY(Text)), ARRAY(Text)),
            )
            .table_valued("id", "doc")
            .render_derived("docs")
        )
        options = f"HighlightAll=true, StartSel={_HL_OPEN}, StopSel={_HL_CLOSE}"
        statement = sa.select(
            table.c.id,
            sa.func.ts_headline(_ENGLISH, table.c.doc, self.tsquery(text), options),
        )
        return {int(i): _marked(str(marked)) for i, marked in conn.execute(statement)}

    def json_contains_any(self, column: Any, values: list[str]) -> ColumnElement[bool]:
        contains: ColumnElement[bool] = column.op("?|")(
            sa.cast(sa.literal(values, ARRAY(String)), ARRAY(Text))
        )
        return contains

    def json_elements(self, column: Any) -> FromClause:
        return sa.func.jsonb_array_elements_text(column).table_valued("value").lateral("elements")

    def month(self, column: Any) -> ColumnElement[str]:
        return sa.func.to_char(column, "YYYY-MM")


# Added to the text rank of a course whose main subject (what the course reader found it
# is centrally about) is one the text names: such courses rank above those that only
# mention it, whatever the word counts say. Text ranks are far below this on both engines.
MAIN_SUBJECT_BONUS = 1000.0
_COURSE = sa.table("course", sa.column("id", Integer), sa.column("primary_terms"))


def _main_subject_first(
    backend: Backend, text: TextQuery, course_id: Any, rank: Any, matched: Subquery
) -> Subquery:
    """``matched`` (course id, rank) with :data:`MAIN_SUBJECT_BONUS` added for each course
    whose ``primary_terms`` hold a KB term the text names (as ``kind:id``)."""
    subjects = sorted({f"{c.entity[0]}:{c.entity[1]}" for c in text.concepts if c.entity})
    if not subjects:
        return sa.select(course_id.label("course_id"), rank.label("rank")).subquery("text_match")
    central = backend.json_contains_any(_COURSE.c.primary_terms, subjects)
    bonus = sa.case((central, MAIN_SUBJECT_BONUS), else_=0.0)
    return (
        sa.select(course_id.label("course_id"), (rank + bonus).label("rank"))
        .select_from(matched.join(_COURSE, _COURSE.c.id == course_id))
        .subquery("text_match")
    )


def backend_for(engine: Engine | Connection) -> Backend:
    name = engine.dialect.name
    if name == "sqlite":
        return SQLiteBackend()
    if name == "postgresql":
        return PostgresBackend()
    raise ValueError(f"search does not support the {name!r} database")
