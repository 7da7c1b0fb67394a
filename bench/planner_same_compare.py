"""Compare two dumps of ``planner_same.py``: every value but the chosen session ids.

    .venv/bin/python bench/planner_same_compare.py OLD.json NEW.json

Exit 1 and list the differences when any mix's status, objective values, unmet
requirements, notes or explanation differ; print the time ratio per mix either way.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

IGNORED = {"sessions", "alternatives", "seconds"}


def main() -> None:
    old = json.loads(Path(sys.argv[1]).read_text())
    new = json.loads(Path(sys.argv[2]).read_text())
    differences = 0
    for mix, before in old.items():
        after = new[mix]
        for key in sorted(set(before) - IGNORED):
            if before[key] != after.get(key):
                differences += 1
                print(f"DIFFERENT {mix} / {key}:\n  old {before[key]}\n  new {after.get(key)}")
        ratio = before["seconds"] / max(after["seconds"], 1e-9)
        print(f"{before['seconds']:7.3f} s -> {after['seconds']:7.3f} s  x{ratio:4.1f}  {mix}")
    print(f"{differences} differences in {len(old)} mixes")
    raise SystemExit(1 if differences else 0)


if __name__ == "__main__":
    main()
