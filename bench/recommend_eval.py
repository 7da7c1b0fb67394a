"""Complaint-matching accuracy (issue #7): top-1 and top-3 per matcher, dev and held-out.

    .venv/bin/python bench/recommend_eval.py [--out bench/results/recommend-accuracy-DATE.md]

Reads the labelled set ``tests/recommend/complaints.csv`` (the test
``tests/recommend/test_recommend_accuracy.py`` asserts the targets on the same data) and
writes a Markdown report with the numbers per split and per kind of phrasing (lay, clinical,
typo), the confidence threshold's precision, and the held-out misses of each matcher.
Matchers and thresholds were tuned on the ``dev`` split only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
LABELLED = ROOT.parent / "tests" / "recommend" / "complaints.csv"
TARGET_TOP3, TARGET_TOP1 = 0.90, 0.75


def main(argv: list[str] | None = None) -> int:
    from ceatlas.kb import load_kb
    from ceatlas.recommend import CONFIDENT, CombinedMatcher, LexicalMatcher, Matcher
    from ceatlas.recommend.embedding import EmbeddingMatcher, load_model, model_load_seconds
    from ceatlas.recommend.evaluation import Score, evaluate, load_labelled

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = ROOT / "results" / f"recommend-accuracy-{dt.date.today().isoformat()}.md"
    parser.add_argument("--out", type=Path, default=default)
    args = parser.parse_args(argv)

    kb = load_kb()
    rows = load_labelled(LABELLED)
    load_model()
    lexical = LexicalMatcher(kb)
    embedding = EmbeddingMatcher(kb)
    matchers: dict[str, Matcher] = {
        "lexical": lexical,
        "embedding": embedding,
        "combined": CombinedMatcher(lexical, embedding),
    }
    results: dict[str, dict[str, Score]] = {}
    seconds: dict[str, float] = {}
    embedding.matrix()  # KB texts encoded once, outside the timings
    for name, matcher in matchers.items():
        embedding.clear_cache()  # each matcher encodes the complaints itself
        started = time.perf_counter()
        results[name] = evaluate(matcher, rows, CONFIDENT)
        seconds[name] = time.perf_counter() - started

    counts = {split: sum(r.split == split for r in rows) for split in ("dev", "heldout")}
    kinds = sorted({r.kind for r in rows})
    lines = [
        f"# Complaint matching accuracy, {dt.date.today().isoformat()}",
        "",
        f"Labelled set: `tests/recommend/complaints.csv`, {len(rows)} complaint phrasings "
        f"written for this purpose (lay, clinical, with typos), each mapped to the KB "
        f"condition(s) it describes; {counts['dev']} in the `dev` split (used to tune the "
        f"matchers and thresholds) and {counts['heldout']} `heldout` (reported only). "
        f"KB version {kb.version}, {len(kb.conditions)} conditions.",
        "",
        f"Targets: top-3 >= {TARGET_TOP3:.0%}, top-1 >= {TARGET_TOP1:.0%}. Top-k counts a "
        "phrasing as right when any of its labelled conditions is among the first k.",
        "",
        "| matcher | split | n | top-1 | top-3 | meets targets |",
        "|---|---|---:|---:|---:|---|",
    ]
    for name, scores in results.items():
        for group in ("all", "dev", "heldout"):
            s = scores[group]
            ok = s.top1_rate >= TARGET_TOP1 and s.top3_rate >= TARGET_TOP3
            lines.append(
                f"| {name} | {group} | {s.total} | {s.top1_rate:.1%} | {s.top3_rate:.1%} "
                f"| {'yes' if ok else 'no'} |"
            )
    lines += [
        "",
        "## By kind of phrasing (held-out split)",
        "",
        "| matcher | " + " | ".join(f"{k} top-1 | {k} top-3" for k in kinds) + " |",
        "|---|" + "---:|---:|" * len(kinds),
    ]
    for name, scores in results.items():
        cells = []
        for kind in kinds:
            s = scores.get(f"heldout/{kind}", Score())
            cells.append(f"{s.top1_rate:.1%} (n={s.total}) | {s.top3_rate:.1%}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += [
        "",
        f"## Confidence threshold ({CONFIDENT})",
        "",
        "A complaint whose best candidate reaches the threshold is counted without asking; "
        "below it the user picks among the top three.",
        "",
        "| matcher | split | confident | of which right |",
        "|---|---|---:|---:|",
    ]
    for name, scores in results.items():
        for group in ("dev", "heldout"):
            s = scores[group]
            lines.append(
                f"| {name} | {group} | {s.confident}/{s.total} | {s.confident_precision:.1%} |"
            )
    load = model_load_seconds()
    lines += [
        "",
        "## Time",
        "",
        f"Model load (tokenizer and weights, run on NumPy): {load:.1f} s. "
        + ", ".join(f"{name} {seconds[name]:.2f} s for {len(rows)} phrasings" for name in matchers)
        + " (complaint embeddings not cached between matchers).",
        "",
        "## Held-out misses (top-1)",
        "",
    ]
    for name, scores in results.items():
        heldout_texts = {r.text for r in rows if r.split == "heldout"}
        heldout = [m for m in scores["all"].misses if m[0] in heldout_texts]
        lines.append(f"### {name} ({len(heldout)})")
        lines.append("")
        for text, labels, predicted in heldout:
            lines.append(f"* `{text}`: expected {', '.join(labels)}; got {', '.join(predicted)}")
        lines.append("")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
