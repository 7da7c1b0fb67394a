"""Course reader: quality on the labelled set, and throughput on a generated catalog.

    .venv/bin/python bench/reader_bench.py [--sessions 1000000] [--skip-throughput]

Quality: ``tests/catalog/reader_set/*.yaml`` (200 course descriptions written for the
purpose), precision and recall per field and centrality for the reader and, in the same
run, for the previous behaviour (provider tags taken at their word). Throughput: the
courses of a catalog from ``ceatlas generate`` imported into a SQLite file under
``bench/work/`` (reused when present), then every course read again as after a KB change
(``read_catalog(everything=True)``), and the pure reader alone over the same texts.
Writes ``bench/results/reader-<date>.md`` and ``.json`` with the machine and load average.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
WORK = ROOT / "work"
SET = ROOT.parent / "tests" / "catalog" / "reader_set"
HELD_OUT = ROOT.parent / "tests" / "catalog" / "reader_heldout"
EXAMINED = ROOT.parent / "tests" / "catalog" / "reader_examined"
REGIONS = ROOT.parent / "tests" / "catalog" / "reader_regions.yaml"


def machine() -> dict[str, Any]:
    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average_at_start": os.getloadavg(),
    }


READERS = ("tags only (before)", "reader (lexical)", "reader + embeddings")


def quality(folder: Path) -> tuple[str, dict[str, Any]]:
    """The three readers on the labelled records under ``folder``."""
    from ceatlas.catalog import reader_eval as e
    from ceatlas.catalog.reader import TermIndex
    from ceatlas.kb import load_kb

    kb = load_kb()
    records = e.load_set(folder.glob("*.yaml"))
    index = TermIndex.build(kb)
    rows = {
        READERS[0]: e.score(records, e.tags_only(kb)),
        READERS[1]: e.score(records, e.reader_of(index)),
        READERS[2]: e.score(records, e.with_embeddings(records, index, kb)),
    }
    summary: dict[str, Any] = {"records": len(records)}
    for name, scores in rows.items():
        primary, covers, mentioned = e.overall(scores)
        summary[name] = {
            "primary_precision": round(primary.precision, 3),
            "primary_recall": round(primary.recall, 3),
            "covers_precision": round(covers.precision, 3),
            "covers_recall": round(covers.recall, 3),
            "mentioned_as_primary": mentioned,
        }
    return e.table(rows), summary


def regions() -> dict[str, Any]:
    """Body regions on the hand-labelled records of the development set (tags carry none)."""
    import yaml

    from ceatlas.catalog import reader_eval as e
    from ceatlas.catalog.reader import TermIndex
    from ceatlas.kb import load_kb

    labels = yaml.safe_load(REGIONS.read_text(encoding="utf-8"))
    records = e.load_set(SET.glob("*.yaml"))
    scored = e.score_regions(records, labels, e.reader_of(TermIndex.build(load_kb())))
    return {
        "records": len(labels),
        "primary_precision": round(scored.primary.precision, 3),
        "primary_recall": round(scored.primary.recall, 3),
        "covers_precision": round(scored.covers.precision, 3),
        "covers_recall": round(scored.covers.recall, 3),
    }


def _catalog(sessions: int) -> Path:
    WORK.mkdir(parents=True, exist_ok=True)
    db = WORK / f"reader-{sessions}.db"
    if db.exists():
        return db
    source = WORK / f"catalog-{sessions}.ndjson"
    env = {**os.environ, "CEATLAS_DATABASE_URL": f"sqlite:///{db}"}
    ceatlas = str(Path(sys.executable).with_name("ceatlas"))
    if not source.exists():
        subprocess.run(
            [ceatlas, "generate", "--sessions", str(sessions), "--seed", "1", "--out", str(source)],
            check=True,
            env=env,
        )
    subprocess.run([ceatlas, "init", "--no-sample"], check=True, env=env, capture_output=True)
    subprocess.run([ceatlas, "import", str(source)], check=True, env=env, capture_output=True)
    return db


def throughput(sessions: int) -> dict[str, Any]:
    from sqlalchemy import select

    from ceatlas.catalog.models import Course
    from ceatlas.catalog.reader import TermIndex, read_course
    from ceatlas.catalog.understanding import read_catalog
    from ceatlas.db import make_engine, migrate
    from ceatlas.kb import load_kb

    db = _catalog(sessions)
    engine = make_engine(f"sqlite:///{db}")
    migrate(engine)  # a catalog kept from an earlier run may predate the current schema
    kb = load_kb()
    with engine.connect() as conn:
        texts = conn.execute(select(Course.title, Course.description)).all()
    index = TermIndex.build(kb)
    started = time.perf_counter()
    terms = sum(len(read_course(index, t, d)) for t, d in texts)
    pure = time.perf_counter() - started
    from ceatlas.catalog.reader_embed import TitleEmbedder
    from ceatlas.embeddings import load_model

    load_model()
    started = time.perf_counter()
    embedder = TitleEmbedder.build(kb)
    readings = [read_course(index, t, d) for t, d in texts]
    assisted = embedder.assist([t for t, _ in texts], readings)
    with_embeddings = time.perf_counter() - started
    added = sum(len(a) - len(r) for a, r in zip(assisted, readings, strict=True))
    load = os.getloadavg()
    report = read_catalog(engine, kb, everything=True, embeddings=False)
    engine.dispose()
    return {
        "sessions": sessions,
        "courses": len(texts),
        "reader_only_seconds": round(pure, 2),
        "reader_only_courses_per_second": round(len(texts) / pure, 1),
        "terms_found": terms,
        "with_embeddings_seconds": round(with_embeddings, 2),
        "with_embeddings_courses_per_second": round(len(texts) / with_embeddings, 1),
        "terms_added_by_embeddings": added,
        "reread_after_kb_change_seconds": round(report.seconds, 2),
        "reread_courses_per_second": round(report.per_second, 1),
        "load_average_before_reread": load,
    }


def _load(values: Any) -> str:
    return ", ".join(f"{x:.2f}" for x in values)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=1_000_000)
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument(
        "--suffix", default="", help="appended to the results' file name (reader-DATE-SUFFIX)"
    )
    args = parser.parse_args(argv)
    today = dt.date.today().isoformat()
    result: dict[str, Any] = {"date": today, "machine": machine()}
    sets = {"quality": (SET, "development set (the reader was tuned on it)")}
    if any(EXAMINED.glob("*.yaml")):
        sets["examined"] = (
            EXAMINED,
            "earlier held-out sets (written apart; their errors then examined, so no longer "
            "held out)",
        )
    if any(HELD_OUT.glob("*.yaml")):
        sets["held_out"] = (HELD_OUT, "held-out set (written apart, never examined or tuned on)")
    tables = {key: quality(folder) for key, (folder, _) in sets.items()}
    for key, (_, summary) in tables.items():
        result[key] = summary
    result["regions"] = regions()
    if not args.skip_throughput:
        result["throughput"] = throughput(args.sessions)
    out = ROOT / "results" / f"reader-{today}{'-' + args.suffix if args.suffix else ''}"
    out.with_suffix(".json").write_text(json.dumps(result, indent=2) + "\n")
    lines = [
        f"# Course reader, {today}",
        "",
        f"Machine: {result['machine']['platform']}, {result['machine']['cpus']} CPUs, "
        f"Python {result['machine']['python']}; load average at start "
        f"{', '.join(f'{x:.2f}' for x in result['machine']['load_average_at_start'])}.",
        "",
        "Targets: primary precision >= 0.9, primary recall >= 0.85, no mentioned term read as "
        "primary. 'covers' = primary or secondary. 'reader + embeddings' adds, for a course "
        "whose words give no primary condition or technique, the KB entry closest in "
        "meaning to its title (CEATLAS_READER_EMBEDDINGS=1).",
    ]
    for key, (_, words) in sets.items():
        table, summary = tables[key]
        lines += ["", f"## Quality on the {words}: {summary['records']} records", "", table, ""]
        for name in READERS:
            q = summary[name]
            lines.append(
                f"- {name}: primary P {q['primary_precision']}, R {q['primary_recall']}; "
                f"covers P {q['covers_precision']}, R {q['covers_recall']}; mentioned read "
                f"as primary {q['mentioned_as_primary']}"
            )
    r = result["regions"]
    lines += [
        "",
        f"## Body regions, {r['records']} hand-labelled records of the development set",
        "",
        f"- reader (lexical): primary P {r['primary_precision']}, R {r['primary_recall']}; "
        f"covers P {r['covers_precision']}, R {r['covers_recall']} (provider tags carry no "
        "regions: before, nothing was found)",
    ]
    if "throughput" in result:
        t = result["throughput"]
        lines += [
            "",
            f"## Throughput, {t['sessions']:,} generated sessions ({t['courses']:,} courses)",
            "",
            f"- reader alone: {t['reader_only_courses_per_second']:,} courses/s "
            f"({t['reader_only_seconds']} s)",
            f"- reader + embedding assist (titles with no main condition or technique "
            f"encoded, the model on NumPy): {t['with_embeddings_courses_per_second']:,} "
            f"courses/s ({t['with_embeddings_seconds']} s; {t['terms_added_by_embeddings']:,} "
            f"terms added)",
            f"- re-read of every course after a KB change (read, delete, store): "
            f"{t['reread_after_kb_change_seconds']} s, {t['reread_courses_per_second']:,} "
            f"courses/s (load average before: {_load(t['load_average_before_reread'])})",
        ]
    out.with_suffix(".md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
