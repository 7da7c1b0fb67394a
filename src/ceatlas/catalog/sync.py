"""Keep registered sources in sync: fetch, follow sitemaps and feeds, import, retire.

One sync of a source fetches its address with ``httpx`` (honouring ``robots.txt`` and a
least pause between two requests to the same host, and sending the ETag and
Last-Modified validators of the last fetch so that unchanged pages answer 304), follows a
sitemap (or sitemap index, or RSS/Atom feed) to the pages it lists on the same host, and
imports each changed page with the catalog's own reader (JSON-LD, microdata, RDFa; JSON-LD
documents). Sessions a page listed at its last import and no longer lists, and those of a
page that is gone (404/410) or no longer listed, are *retired*: deleted from the catalog as
``ceatlas import --prune`` deletes them, so search no longer finds them (a therapist's plan
keeps its snapshot and shows them as withdrawn), and named in the run's report, which is
kept in ``catalog_source_run`` (the history).

Consistency when killed: each page's import is committed (per batch, as any import), and
only then, in one transaction, the page's retirements and its new state (validators, hash,
session keys). A sync killed between the two leaves the old state, so the next sync fetches
the page in full again and the idempotent upsert adds nothing twice.

Provenance: what a page brings is stamped with the page's address and the moment
(``origin_kind`` source); a page answering 304 or unchanged stamps its sessions as seen.

Ownership: a source registered for a provider (``--provider KEY``, or from the provider
area) writes only that provider's listings. A record the page lists under another
provider, or whose course or session key belongs to another provider's listing, is
refused, counted and named in the run's errors; retiring never touches another
provider's sessions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import time
import urllib.robotparser
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
from sqlalchemy import Connection, Engine, delete, select, update

from ceatlas.catalog import repeats
from ceatlas.catalog.importer import Importer
from ceatlas.catalog.records import (
    CourseRecord,
    ProviderRecord,
    Record,
    RecordError,
)
from ceatlas.catalog.scratch import scratch, sweep
from ceatlas.catalog.source_registry import (
    PAGES,
    RUNS,
    SOURCES,
    SourceError,
    normalize_url,
    utcnow,
)
from ceatlas.catalog.sources import Item, Where, read_file
from ceatlas.catalog.store import COURSES, PROVIDERS, SESSIONS, Counts, Origin, mark_seen
from ceatlas.catalog.vocabulary import Resolver

MAX_PAGES = 5000  # pages one sync of one source fetches at most
MAX_DEPTH = 3  # sitemap index -> sitemap -> page
_CHUNK = 900
_SLUG = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class SyncOptions:
    user_agent: str = "CE Atlas catalog sync/1.0"
    timeout: float = 20.0
    host_delay: float = 1.0
    max_pages: int = MAX_PAGES


@dataclass
class SourceReport:
    """What one sync of one source did; kept as the source's health and in its history."""

    source_id: int
    url: str
    kind: str | None = None
    started_at: str = ""
    finished_at: str = ""
    requests: int = 0
    pages_imported: int = 0  # fetched and changed: read and imported
    not_modified: int = 0  # answered 304 to a conditional request
    unchanged: int = 0  # answered 200 with the same content as last time
    pages_gone: int = 0  # 404/410, or no longer listed by the sitemap or feed
    pages_failed: int = 0
    pages_blocked: int = 0  # forbidden by robots.txt
    sessions_retired: int = 0
    courses: Counts = field(default_factory=Counts)
    sessions: Counts = field(default_factory=Counts)
    records_rejected: int = 0
    records_refused: int = 0  # listings of another provider on a provider's own source
    skipped: list[dict[str, str]] = field(default_factory=list)  # every page not imported
    errors: list[dict[str, str]] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # the import's rejections and skipped nodes

    @property
    def ok(self) -> bool:
        return not self.errors

    def skip(self, url: str, reason: str) -> None:
        self.skipped.append({"url": url, "reason": reason})

    def error(self, url: str, reason: str) -> None:
        self.errors.append({"url": url, "reason": reason})

    def as_dict(self) -> dict[str, Any]:
        data = dict(vars(self))
        data["courses"] = vars(self.courses)
        data["sessions"] = vars(self.sessions)
        data["ok"] = self.ok
        return data


class Fetcher:
    """GETs with robots.txt, a per-host pause and conditional requests."""

    def __init__(
        self,
        client: httpx.Client,
        options: SyncOptions,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = client
        self.options = options
        self.clock = clock
        self.sleep = sleep
        self.requests = 0
        self._last: dict[str, float] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser | str] = {}

    def blocked(self, url: str) -> str | None:
        """Why robots.txt forbids ``url`` (None: allowed)."""
        origin = _origin(url)
        rules = self._robots.get(origin)
        if rules is None:
            rules = self._robots[origin] = self._read_robots(origin)
        if isinstance(rules, str):
            return rules
        if rules.can_fetch(self.options.user_agent, url):
            return None
        return "forbidden by robots.txt"

    def get(self, url: str, etag: str | None = None, modified: str | None = None) -> httpx.Response:
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if modified:
            headers["If-Modified-Since"] = modified
        self._pause(url)
        self.requests += 1
        return self.client.get(url, headers=headers)

    def _pause(self, url: str) -> None:
        origin = _origin(url)
        delay = self.options.host_delay
        rules = self._robots.get(origin)
        if isinstance(rules, urllib.robotparser.RobotFileParser):
            asked = rules.crawl_delay(self.options.user_agent)
            delay = max(delay, float(asked or 0))
        last = self._last.get(origin)
        if last is not None:
            wait = last + delay - self.clock()
            if wait > 0:
                self.sleep(wait)
        self._last[origin] = self.clock()

    def _read_robots(self, origin: str) -> urllib.robotparser.RobotFileParser | str:
        rules = urllib.robotparser.RobotFileParser(origin + "/robots.txt")
        try:
            response = self.get(origin + "/robots.txt")
        except httpx.HTTPError as error:
            return f"robots.txt could not be read ({_why(error, self.options)}); nothing fetched"
        if response.status_code in (401, 403):
            rules.parse(["User-agent: *", "Disallow: /"])
        elif response.status_code >= 500:
            return f"robots.txt answered HTTP {response.status_code}; nothing fetched"
        elif response.status_code >= 400:
            rules.parse([])  # no robots.txt: everything allowed
        else:
            rules.parse(response.text.splitlines())
        return rules


class _PageImporter(Importer):
    """The catalog importer, fed with pages fetched from a source; with an ``owner``
    (a provider key) it writes that provider's listings only."""

    owner: str | None = None
    refused: list[str]
    _keys: set[str]

    def import_page(self, url: str, path: Path) -> set[str]:
        """Import the page saved at ``path`` (fetched from ``url``); return the session keys
        of the records it was allowed to write."""
        self._keys, self.refused = set(), []
        shown = str(path)

        def items() -> Iterator[Item]:
            for where, outcome in read_file(path, self.terms):
                place = Where(where.file.replace(shown, url), where.line, where.block, where.index)
                yield place, outcome

        self.report.files.append(url)
        self.writer.origin = Origin("source", url)
        self._write(items())
        return self._keys

    def _flush(self, batch: list[tuple[Where, Record]]) -> None:
        kept: list[tuple[Where, Record]] = []
        for where, record in batch:
            reason = self._foreign(record) if self.owner else None
            if reason is None:
                kept.append((where, record))
                for course in repeats.courses_in(record):
                    self._keys.update(s.key for s in course.sessions)
            else:
                self._problem(where, RecordError("provider", reason))
                self.refused.append(reason)
        if kept:
            super()._flush(kept)

    def _foreign(self, record: Record) -> str | None:
        """Why ``record`` is not the owner's to write (None: it is)."""
        owner = self.owner
        assert owner is not None
        if isinstance(record, ProviderRecord):
            if record.key != owner:
                return f"the page describes provider {record.key!r}; this source is {owner!r}'s"
            return None
        if record.provider is None:
            record.provider = ProviderRecord(owner, {}, ref_only=True)
        elif record.provider.key != owner:
            what = "course" if isinstance(record, CourseRecord) else "program"
            name = record.values.get("title") or record.values.get("name") or record.key
            return (
                f"{what} {name!r} is listed under provider {record.provider.key!r}; "
                f"this source belongs to provider {owner!r}"
            )
        with self.engine.connect() as conn:
            for course in repeats.courses_in(record):
                if course.provider is None:
                    course.provider = ProviderRecord(owner, {}, ref_only=True)
                elif course.provider.key != owner:
                    return f"course {course.key!r} is listed under provider {course.provider.key!r}"
                holder = _holder(conn, COURSES.c.key == course.key)
                if holder not in (None, owner):
                    return f"course {course.key!r} belongs to another provider"
                for session in course.sessions:
                    holder = _holder(conn, SESSIONS.c.key == session.key, sessions=True)
                    if holder not in (None, owner):
                        return f"session {session.key!r} belongs to another provider"
        return None


def _holder(conn: Connection, where: Any, *, sessions: bool = False) -> str | None:
    """The provider key (or "" for none) of the course matched by ``where``; None: no match."""
    query = select(PROVIDERS.c.key).select_from(COURSES)
    if sessions:
        query = query.join(SESSIONS, SESSIONS.c.course_id == COURSES.c.id)
    query = query.outerjoin(PROVIDERS, PROVIDERS.c.id == COURSES.c.provider_id).where(where)
    found = conn.execute(query.limit(1)).first()
    if found is None:
        return None
    return str(found[0] or "")


@dataclass
class _Page:
    url: str
    listed_by: str | None
    kind: str | None = None
    status: str = "new"
    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None
    links: list[str] = field(default_factory=list)
    session_keys: list[str] = field(default_factory=list)
    stored: bool = False


class SourceSync:
    """One sync of one source."""

    def __init__(
        self,
        engine: Engine,
        resolver: Resolver | None,
        fetcher: Fetcher,
        source: Any,
        workdir: Path,
        today: dt.date | None = None,
    ) -> None:
        self.engine = engine
        self.fetcher = fetcher
        self.source = source
        self.workdir = workdir
        self.importer = _PageImporter(engine, resolver, today=today)
        self.importer.owner = source.provider_key
        self.report = SourceReport(source.id, source.url, started_at=_stamp(utcnow()))
        self.pages: dict[str, _Page] = {}

    def run(self) -> SourceReport:
        started = utcnow()
        with self.engine.begin() as conn:
            run_id = conn.execute(
                RUNS.insert()
                .values(source_id=self.source.id, started_at=started, ok=False, report={})
                .returning(RUNS.c.id)
            ).scalar_one()
            for row in conn.execute(select(PAGES).where(PAGES.c.source_id == self.source.id)):
                self.pages[row.url] = _Page(
                    row.url,
                    row.listed_by,
                    row.kind,
                    row.status,
                    row.etag,
                    row.last_modified,
                    row.content_hash,
                    list(row.links or []),
                    list(row.session_keys or []),
                    stored=True,
                )
        before = self.fetcher.requests
        seen = self._crawl()
        self._drop_unlisted(seen)
        self._finish(run_id, started, self.fetcher.requests - before)
        return self.report

    # --- crawling --------------------------------------------------------------------

    def _crawl(self) -> set[str]:
        queue: list[tuple[str, str | None, int]] = [(self.source.url, None, 0)]
        seen: set[str] = set()
        while queue:
            url, listed_by, depth = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            if len(seen) > self.fetcher.options.max_pages:
                self.report.skip(url, f"over the limit of {self.fetcher.options.max_pages} pages")
                continue
            page = self.pages.get(url) or _Page(url, listed_by)
            page.listed_by = listed_by
            self.pages[url] = page
            links = self._visit(page, is_root=depth == 0)
            if links and depth >= MAX_DEPTH:
                self.report.skip(url, f"listings nested deeper than {MAX_DEPTH}; not followed")
                continue
            queue.extend((link, url, depth + 1) for link in links)
        return seen

    def _visit(self, page: _Page, *, is_root: bool) -> list[str]:
        """Fetch and handle one address; return the addresses it lists (sitemaps, feeds)."""
        report = self.report
        reason = self.fetcher.blocked(page.url)
        if reason:
            report.pages_blocked += 1
            report.skip(page.url, f"{reason}; not fetched")
            if is_root:
                report.error(page.url, f"the source's own address is {reason}")
            return page.links
        fresh = page.status == "gone"
        try:
            response = self.fetcher.get(
                page.url, None if fresh else page.etag, None if fresh else page.last_modified
            )
        except httpx.HTTPError as error:
            return self._failed(page, _why(error, self.fetcher.options))
        status = response.status_code
        if status == 304:
            report.not_modified += 1
            report.skip(page.url, "not modified since the last sync (HTTP 304)")
            self._save(page, fetched=True, seen=True)
            return page.links
        if status in (404, 410):
            self._gone(page, f"gone (HTTP {status})")
            if is_root:
                report.error(page.url, f"the source's own address answers HTTP {status}")
            return []
        if status >= 300:
            return self._failed(page, f"HTTP {status}")
        body = response.content
        digest = hashlib.blake2b(body, digest_size=16).hexdigest()
        page.etag = response.headers.get("etag")
        page.last_modified = response.headers.get("last-modified")
        if page.content_hash == digest and page.status == "ok":
            report.unchanged += 1
            report.skip(page.url, "unchanged since the last sync (same content)")
            self._save(page, fetched=True, seen=True)
            return page.links
        kind, links = classify(body, response.headers.get("content-type", ""), page.url)
        page.kind = kind
        if is_root:
            report.kind = kind
        page.content_hash = digest
        if kind in ("sitemap", "feed"):
            page.links = self._same_host(page.url, links)
            page.status = "ok"
            self._save(page, fetched=True, changed=True)
            return page.links
        self._import(page, body, kind)
        return []

    def _same_host(self, listing: str, links: Iterable[str]) -> list[str]:
        host = urlsplit(listing).netloc
        kept: list[str] = []
        for link in links:
            try:
                url = normalize_url(link)
            except SourceError:
                self.report.skip(link, f"listed by {listing}: not an http(s) address")
                continue
            if urlsplit(url).netloc != host:
                self.report.skip(url, f"listed by {listing}: on another host; not followed")
            elif url not in kept:
                kept.append(url)
        return kept

    def _failed(self, page: _Page, reason: str) -> list[str]:
        self.report.pages_failed += 1
        self.report.error(page.url, reason)
        self.report.skip(page.url, f"{reason}; its sessions are kept until the next sync")
        with self.engine.begin() as conn:
            self._store(conn, page, error=reason, fetched=True)
        return page.links

    def _gone(self, page: _Page, reason: str) -> None:
        self.report.pages_gone += 1
        self.report.skip(page.url, reason)
        with self.engine.begin() as conn:
            retired = self._retire(conn, page, set(), reason)
            page.status, page.session_keys, page.links = "gone", [], []
            page.etag = page.last_modified = page.content_hash = None
            self._store(conn, page, fetched=True, changed=True)
        self.report.changes.append(f"{page.url}: {reason}; {_sessions(retired)} retired")

    def _import(self, page: _Page, body: bytes, kind: str) -> None:
        suffix = {"json": ".jsonld", "ndjson": ".ndjson"}.get(kind, ".html")
        name = _SLUG.sub("_", page.url.split("://", 1)[-1]).strip("_")[:120] or "page"
        path = self.workdir / f"{name}{suffix}"
        path.write_bytes(body)
        totals = self.importer.report.totals
        before = (_copy(totals.courses), _copy(totals.sessions))
        shown = len(self.importer.report.problems), len(self.importer.report.skipped)
        try:
            keys = self.importer.import_page(page.url, path)
        finally:
            path.unlink()
        rep = self.importer.report
        for problem in rep.problems[shown[0] :]:
            self.report.notes.append(f"rejected: {problem}")
        for note in rep.skipped[shown[1] :]:
            self.report.notes.append(f"skipped: {note}")
        for reason in self.importer.refused:
            self.report.records_refused += 1
            self.report.error(page.url, f"refused: {reason}")
        self.report.pages_imported += 1
        with self.engine.begin() as conn:
            retired = self._retire(conn, page, keys, "no longer listed on the page")
            page.status, page.session_keys = "ok", sorted(keys)
            self._store(conn, page, fetched=True, changed=True)
        added = totals.sessions.inserted - before[1].inserted
        changed = totals.sessions.updated - before[1].updated
        self.report.changes.append(
            f"{page.url}: imported: {_sessions(added)} new, {_sessions(changed)} updated, "
            f"{_sessions(retired)} retired"
        )

    def _drop_unlisted(self, seen: set[str]) -> None:
        """Pages known from earlier syncs that no listing names any more: gone too."""
        for url, page in list(self.pages.items()):
            if url in seen or not page.stored or page.status == "gone":
                continue
            reason = f"no longer listed by {page.listed_by or 'the source'}"
            self.report.pages_gone += 1
            self.report.skip(url, reason)
            with self.engine.begin() as conn:
                retired = self._retire(conn, page, set(), reason)
                conn.execute(
                    delete(PAGES).where(PAGES.c.source_id == self.source.id, PAGES.c.url == url)
                )
            del self.pages[url]
            self.report.changes.append(f"{url}: {reason}; {_sessions(retired)} retired")

    # --- writing ---------------------------------------------------------------------

    def _retire(self, conn: Connection, page: _Page, keep: set[str], reason: str) -> int:
        """Delete the sessions ``page`` brought that it no longer lists (and no other page
        of the source does); each is named in the report."""
        others = {
            key
            for url, other in self.pages.items()
            if url != page.url and other.status != "gone"
            for key in other.session_keys
        }
        stale = sorted(set(page.session_keys) - keep - others)
        removed = 0
        for start in range(0, len(stale), _CHUNK):
            chunk = stale[start : start + _CHUNK]
            query = (
                select(SESSIONS.c.id, SESSIONS.c.key, SESSIONS.c.start_date, COURSES.c.title)
                .join(COURSES, COURSES.c.id == SESSIONS.c.course_id)
                .where(SESSIONS.c.key.in_(chunk))
                .order_by(SESSIONS.c.key)
            )
            if self.source.provider_key:  # never another provider's sessions
                query = query.join(PROVIDERS, PROVIDERS.c.id == COURSES.c.provider_id).where(
                    PROVIDERS.c.key == self.source.provider_key
                )
            rows = conn.execute(query).all()
            for row in rows:
                when = row.start_date.isoformat() if row.start_date else "no date"
                self.report.changes.append(
                    f"retired session {row.key} ({row.title}, {when}): {reason} ({page.url})"
                )
            if rows:
                conn.execute(delete(SESSIONS).where(SESSIONS.c.id.in_([r.id for r in rows])))
            removed += len(rows)
        self.report.sessions_retired += removed
        return removed

    def _save(
        self, page: _Page, *, fetched: bool = False, changed: bool = False, seen: bool = False
    ) -> None:
        """Store the page's state; ``seen``: it still lists its sessions (stamp them)."""
        with self.engine.begin() as conn:
            self._store(conn, page, fetched=fetched, changed=changed)
            if seen and page.session_keys:
                mark_seen(conn, page.session_keys, Origin("source", page.url), utcnow())

    def _store(
        self,
        conn: Connection,
        page: _Page,
        *,
        error: str | None = None,
        fetched: bool = False,
        changed: bool = False,
    ) -> None:
        now = utcnow()
        values: dict[str, Any] = {
            "listed_by": page.listed_by,
            "kind": page.kind,
            "status": "error" if error and page.status == "new" else page.status,
            "etag": page.etag,
            "last_modified": page.last_modified,
            "content_hash": page.content_hash,
            "error": error,
            "links": page.links,
            "session_keys": page.session_keys,
        }
        if fetched:
            values["fetched_at"] = now
        if changed:
            values["changed_at"] = now
        if page.stored:
            conn.execute(
                update(PAGES)
                .where(PAGES.c.source_id == self.source.id, PAGES.c.url == page.url)
                .values(values)
            )
        else:
            conn.execute(PAGES.insert().values(source_id=self.source.id, url=page.url, **values))
            page.stored = True

    def _finish(self, run_id: int, started: dt.datetime, requests: int) -> None:
        report = self.report
        report.requests = requests
        totals = self.importer.report.totals
        report.courses, report.sessions = totals.courses, totals.sessions
        report.records_rejected = self.importer.report.records_rejected
        finished = utcnow()
        report.finished_at = _stamp(finished)
        values: dict[str, Any] = {"last_sync_at": finished, "health": report.as_dict()}
        if report.kind:
            values["kind"] = report.kind
        if report.ok:
            values.update(last_success_at=finished)
        else:
            first = report.errors[0]
            more = f" (and {len(report.errors) - 1} more)" if len(report.errors) > 1 else ""
            values.update(
                last_error_at=finished, last_error=f"{first['url']}: {first['reason']}{more}"
            )
        with self.engine.begin() as conn:
            conn.execute(update(SOURCES).where(SOURCES.c.id == self.source.id).values(values))
            conn.execute(
                update(RUNS)
                .where(RUNS.c.id == run_id)
                .values(finished_at=finished, ok=report.ok, report=report.as_dict())
            )


def sync_sources(
    engine: Engine,
    resolver: Resolver | None,
    options: SyncOptions,
    *,
    ids: list[int] | None = None,
    everything: bool = False,
    now: dt.datetime | None = None,
    today: dt.date | None = None,
    transport: httpx.BaseTransport | None = None,
) -> list[SourceReport]:
    """Sync the sources due (every registered one with ``everything``; or those in ``ids``)
    and read the courses they brought. Returns one report per source synced."""
    moment = now or utcnow()
    query = select(SOURCES).order_by(SOURCES.c.id)
    if ids:
        query = query.where(SOURCES.c.id.in_(ids))
    with engine.connect() as conn:
        sources = conn.execute(query).all()
    if ids:
        missing = sorted(set(ids) - {s.id for s in sources})
        if missing:
            raise SourceError(f"no source with id {', '.join(map(str, missing))}")
    due = [
        s
        for s in sources
        if everything
        or ids
        or s.last_sync_at is None
        or moment >= s.last_sync_at + dt.timedelta(seconds=s.every_seconds)
    ]
    reports: list[SourceReport] = []
    if not due:
        return reports
    sweep()  # scratch folders a killed sync left behind
    client = httpx.Client(
        headers={"User-Agent": options.user_agent},
        timeout=options.timeout,
        follow_redirects=True,
        transport=transport,
    )
    with client, scratch("sync") as folder:
        fetcher = Fetcher(client, options)
        for source in due:
            sync = SourceSync(engine, resolver, fetcher, source, Path(folder), today)
            reports.append(sync.run())
    from ceatlas.catalog.service import Catalog

    Catalog(engine, resolver).read_courses()
    return reports


def classify(body: bytes, content_type: str, url: str) -> tuple[str, list[str]]:
    """What a fetched body is: ``sitemap`` or ``feed`` (with the addresses it lists),
    ``json``, ``ndjson`` or ``page`` (HTML)."""
    ctype = content_type.split(";")[0].strip().lower()
    head = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if "ndjson" in ctype or "jsonl" in ctype:
        return "ndjson", []
    if ctype.endswith("json") or head[:1] in (b"{", b"["):
        return "json", []
    looks_xml = ctype.endswith("xml") or head.startswith(b"<?xml")
    if looks_xml or re.search(rb"<(urlset|sitemapindex|rss|feed)[\s>]", head):
        listed = _listing(body, url)
        if listed is not None:
            return listed
    return "page", []


def _listing(body: bytes, url: str) -> tuple[str, list[str]] | None:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError:
        return None
    if root is None:
        return None
    tag = etree.QName(root).localname
    if tag in ("urlset", "sitemapindex"):
        locs = root.xpath("//*[local-name()='loc']/text()")
        return "sitemap", [urljoin(url, str(loc).strip()) for loc in locs]
    if tag == "rss":
        links = root.xpath("//*[local-name()='item']/*[local-name()='link']/text()")
        return "feed", [urljoin(url, str(link).strip()) for link in links]
    if tag == "feed":
        links = root.xpath(
            "//*[local-name()='entry']/*[local-name()='link'][not(@rel) or @rel='alternate']/@href"
        )
        return "feed", [urljoin(url, str(link).strip()) for link in links]
    return None


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _why(error: httpx.HTTPError, options: SyncOptions) -> str:
    if isinstance(error, httpx.TimeoutException):
        return f"timed out after {options.timeout:g} s"
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def _copy(counts: Counts) -> Counts:
    return Counts(counts.inserted, counts.updated, counts.unchanged)


def _sessions(n: int) -> str:
    return f"{n} session" if n == 1 else f"{n} sessions"


def _stamp(moment: dt.datetime) -> str:
    return moment.isoformat() + "Z"
