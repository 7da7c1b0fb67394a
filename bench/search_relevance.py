"""Free-text search against a labelled query set, previous and current, in the same run.

    .venv/bin/python bench/search_relevance.py [QUERIES.yaml]

With a query file (e.g. tests/search/relevance_heldout.yaml, the held-out set) the results
go to ``search-relevance-<stem>-<date>``.

Publishes the 200 records of ``tests/catalog/reader_set`` as an untagged catalog (title and
description only), runs the queries of ``tests/search/relevance_queries.yaml`` (lay,
clinical, typo, topic and state queries, graded 3/2/1 per course by hand from the course
texts) at course level through the public entry points, and scores
(:mod:`ceatlas.quality.search_relevance`):

- previous: the words as written (``literal``);
- current (lexical): words that find nothing read as a complaint by the lexical matcher;
- current (combined): the same with ``make_matcher(kb, "auto")`` (lexical plus sentence
  embeddings when the embeddings extra is installed).

Writes ``bench/results/search-relevance-<date>.md`` and ``.json`` with the machine and load
average: nDCG@10, precision@5 and zero-result rate overall and per kind, and the queries
the current search answers badly (nDCG@10 under 0.5, or no result).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
SET = ROOT.parent / "tests" / "catalog" / "reader_set"
QUERIES = ROOT.parent / "tests" / "search" / "relevance_queries.yaml"


def main() -> int:
    from ceatlas.kb import load_kb
    from ceatlas.quality.search_relevance import (
        KINDS,
        SEARCH_DAY,
        evaluate,
        line,
        report,
        weak,
        worst,
    )

    started = time.perf_counter()
    load = os.getloadavg()
    queries = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else QUERIES
    outcome = evaluate(load_kb(), SET, queries)
    seconds = time.perf_counter() - started
    machine = (
        f"Python {sys.version.split()[0]}, {platform.platform()}, {os.cpu_count()} CPUs, "
        f"load average at start {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    today = dt.date.today().isoformat()
    counts = ", ".join(
        f"{sum(1 for q in outcome.queries if q.kind == kind)} {kind}" for kind in KINDS
    )
    matchers = ", ".join(
        f"{name}: {way.matcher}" for name, way in outcome.ways.items() if way.matcher
    )
    lines = [
        f"# Search relevance: previous vs current search ({today})",
        "",
        f"Machine: {machine}. Whole run (import, model load, all queries): {seconds:.1f} s.",
        "",
        f"Set: {queries.relative_to(ROOT.parent)}, {len(outcome.queries)} queries "
        f"({counts}), written and graded by hand from the course texts of "
        "tests/catalog/reader_set before looking at any result (3 centrally about it, "
        "2 substantially covers it, 1 touches it usefully). Catalog: the 200 records, "
        "untagged (title and description only), searched on "
        f"{SEARCH_DAY.isoformat()} when every session is upcoming. Course level, ten per "
        "page. nDCG@10 with gain = grade; P@5 = share of the first five graded 2 or more; "
        "zero results = queries with a relevant course that return nothing. Queries with "
        "no relevant course count for neither. Matchers: " + matchers + ".",
        "",
        report(outcome),
        "",
    ]
    for name, way in outcome.ways.items():
        if name == "previous":
            continue
        found = weak(way)
        lines += [
            f"## {name}: queries with nDCG@10 under 0.5 or no result ({len(found)})",
            "",
            *[line(q) for q in found],
            "",
        ]
    combined = list(outcome.ways.values())[-1]
    lines += [f"## The 10 worst queries of {combined.name}", ""]
    lines += [line(q) for q in worst(combined)]
    lines.append("")
    text = "\n".join(lines)
    stem = "" if queries == QUERIES else queries.stem.removeprefix("relevance_") + "-"
    out = ROOT / "results" / f"search-relevance-{stem}{today}"
    out.with_suffix(".md").write_text(text, encoding="utf-8")
    data = {
        "machine": machine,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average_at_start": list(load),
        "seconds": round(seconds, 1),
        "search_day": SEARCH_DAY.isoformat(),
        "queries": len(outcome.queries),
        "ways": {
            name: {
                "matcher": way.matcher,
                "overall": {
                    "queries": way.overall.queries,
                    "ndcg10": round(way.overall.ndcg, 3),
                    "precision5": round(way.overall.precision5, 3),
                    "zero_results": way.overall.zero,
                    "zero_result_rate": round(way.overall.zero_rate, 3),
                    "no_relevant_queries": way.overall.no_relevant,
                    "answered_with_nothing_relevant": way.overall.answered_anyway,
                },
                "by_kind": {
                    kind: {
                        "queries": s.queries,
                        "ndcg10": round(s.ndcg, 3),
                        "precision5": round(s.precision5, 3),
                        "zero_results": s.zero,
                        "zero_result_rate": round(s.zero_rate, 3),
                    }
                    for kind, s in way.by_kind.items()
                },
                "per_query": [
                    {**dataclasses.asdict(q), "ndcg": round(q.ndcg, 3)} for q in way.queries
                ],
            }
            for name, way in outcome.ways.items()
        },
    }
    out.with_suffix(".json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
