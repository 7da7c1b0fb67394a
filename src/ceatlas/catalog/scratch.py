"""Scratch folders for files being imported (an upload, a fetched page), and the removal
of those a killed process left behind.

A folder is removed when its work ends, however it ends (``with scratch(...)``). A process
killed outright (``kill -9``, a power cut) cannot do that, so every scratch folder carries
the ``ceatlas-`` prefix and :func:`sweep` removes those older than a day; the web app and
``ceatlas sources sync`` call it when they start.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PREFIX = "ceatlas-"
STALE_AFTER_SECONDS = 24 * 3600


@contextmanager
def scratch(kind: str) -> Iterator[Path]:
    """A new folder ``ceatlas-<kind>-...`` in the system's temporary folder, removed after."""
    with tempfile.TemporaryDirectory(prefix=f"{PREFIX}{kind}-") as folder:
        yield Path(folder)


def sweep(now: float | None = None, root: Path | None = None) -> list[Path]:
    """Remove scratch folders older than a day (left by a killed process); returns them."""
    moment = time.time() if now is None else now
    removed = []
    for folder in (root or Path(tempfile.gettempdir())).glob(f"{PREFIX}*"):
        try:
            if folder.is_dir() and moment - folder.stat().st_mtime > STALE_AFTER_SECONDS:
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
        except OSError:
            continue  # gone meanwhile, or not ours to read
    return removed
