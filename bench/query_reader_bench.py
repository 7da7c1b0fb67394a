"""What reading a query as a complaint costs a search (issue 18: at most 2 ms p50).

    .venv/bin/python bench/query_reader_bench.py [--db bench/work/planner-100000.db]

Two measurements, each for the lexical matcher and the combined one (lexical plus sentence
embeddings, model loaded before timing):

* **reader alone**: :func:`ceatlas.recommend.query.read_query` on every query with words of
  the search benchmark's seeded mix (``bench/search_queries.py``) and of the relevance set
  (``tests/search/relevance_queries.yaml``). It reads only the words and the knowledge base,
  never the catalog, so its cost does not depend on the catalog's size (1,000 or 1,000,000
  sessions alike).
* **whole search, same run**: the same mixed queries answered by ``SearchService.search``
  with the words as written (the previous behaviour) and by
  :func:`ceatlas.recommend.query.understood_search` (reading, then one search; two when the
  condition read finds nothing), on a copy of a generated catalog, answer cache off, warm
  snapshot. Reported as p50 / p95 and their ratio.

Writes ``bench/results/query-reader-<date>.md`` and ``.json`` with the machine and the load
average at start.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ceatlas.recommend.matching import Matcher

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))
from bench.search_queries import build_queries  # noqa: E402

DEFAULT_DB = ROOT / "work" / "planner-100000.db"
RELEVANCE = ROOT.parent / "tests" / "search" / "relevance_queries.yaml"
TODAY = dt.date(2026, 12, 3)


def _quantiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50": statistics.median(ordered), "p95": p95, "n": len(ordered)}


def _giver(matcher: Matcher) -> Callable[[], Matcher]:
    return lambda: matcher


def main(argv: list[str] | None = None) -> int:
    import yaml

    from ceatlas.db import make_engine
    from ceatlas.kb import load_kb
    from ceatlas.recommend.embedding import load_model
    from ceatlas.recommend.matching import make_matcher
    from ceatlas.recommend.query import read_query, understood_search
    from ceatlas.search import SearchQuery, SearchResult, SearchService

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    parser.add_argument("--queries", type=int, default=500)
    args = parser.parse_args(argv)
    load = os.getloadavg()
    kb = load_kb()
    mixed = [SearchQuery.from_params(q["params"]) for q in build_queries(kb, args.queries)]
    labelled = yaml.safe_load(RELEVANCE.read_text())
    rows = labelled["queries"] if isinstance(labelled, dict) else labelled
    texts = [SearchQuery(q=str(r["q"]), group_by_course=True) for r in rows]
    worded = [q for q in mixed if q.q] + texts
    load_model()
    matchers = {name: make_matcher(kb, name) for name in ("lexical", "combined")}
    out: dict[str, Any] = {
        "date": dt.date.today().isoformat(),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_average_at_start": [round(x, 2) for x in load],
        },
        "reader": {},
        "search": {},
    }
    for name, matcher in matchers.items():
        give = _giver(matcher)
        for q in worded[:20]:
            read_query(give, q)  # warm caches
        times = []
        read = 0
        for q in worded:
            start = time.perf_counter()
            found = read_query(give, q)
            times.append((time.perf_counter() - start) * 1000)
            read += found is not None
        out["reader"][name] = _quantiles(times) | {"read_as_complaint": read}
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "catalog.db"
        shutil.copy(args.db, copy)
        engine = make_engine(f"sqlite:///{copy}")
        service = SearchService(engine, kb, cached_answers=0)

        def run(q: SearchQuery) -> SearchResult:
            return service.search(q, TODAY)

        sessions = run(SearchQuery(per_page=1, facets=False)).total
        out["catalog"] = {"db": str(args.db.name), "upcoming_sessions_today": sessions}
        for q in mixed[:30]:
            run(q)  # warm the snapshot and text caches
        literal = []
        for q in mixed:
            written = q.model_copy(update={"literal": True})
            start = time.perf_counter()
            run(written)
            literal.append((time.perf_counter() - start) * 1000)
        out["search"]["words as written"] = _quantiles(literal)
        for name, matcher in matchers.items():
            give = _giver(matcher)
            times = []
            for q in mixed:
                start = time.perf_counter()
                understood_search(give, q, run)
                times.append((time.perf_counter() - start) * 1000)
            out["search"][f"understood ({name})"] = _quantiles(times)
        engine.dispose()
    stem = ROOT / "results" / f"query-reader-{out['date']}"
    stem.with_suffix(".json").write_text(json.dumps(out, indent=2) + "\n")
    stem.with_suffix(".md").write_text(_report(out))
    print(_report(out))
    return 0


def _report(out: dict[str, Any]) -> str:
    m = out["machine"]
    lines = [
        f"# Query reader cost ({out['date']})",
        "",
        f"Machine: Python {m['python']}, {m['platform']}, {m['cpus']} CPUs, load average at "
        f"start {' '.join(str(x) for x in m['load_average_at_start'])}.",
        "",
        "## Reader alone (words and knowledge base only; independent of catalog size)",
        "",
        "| matcher | queries with words | p50 ms | p95 ms | read as a complaint |",
        "|---|---|---|---|---|",
    ]
    for name, r in out["reader"].items():
        lines.append(
            f"| {name} | {r['n']} | {r['p50']:.3f} | {r['p95']:.3f} | {r['read_as_complaint']} |"
        )
    c = out["catalog"]
    base = out["search"]["words as written"]
    lines += [
        "",
        "Target: at most 2 ms p50. The reader never touches the catalog, so these figures "
        "hold at 1,000,000 sessions.",
        "",
        f"## Whole search, same run ({c['db']}, {c['upcoming_sessions_today']} upcoming "
        "sessions, answer cache off)",
        "",
        "| way | queries | p50 ms | p95 ms | p50 ratio | p95 ratio |",
        "|---|---|---|---|---|---|",
    ]
    for name, r in out["search"].items():
        lines.append(
            f"| {name} | {r['n']} | {r['p50']:.2f} | {r['p95']:.2f} | "
            f"{r['p50'] / base['p50']:.2f} | {r['p95'] / base['p95']:.2f} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
