"""Pausing Python's cycle collector while the planner builds its candidate pool.

A plan over a large catalog allocates a hundred thousand candidate sessions in a second or
two. None of them form reference cycles (reference counting frees them), but every few
hundred allocations the cycle collector walks the young objects, and now and then all of
them: on the 100,000-session benchmark that was a fifth of a license plan's time (1.2 s
of 6.6 s). :func:`cycle_collector_paused` switches it off for the block and back on after;
calls from several threads nest (it is switched on again when the last one leaves), and
it is never switched on if it was off when the first one came in.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_LOCK = threading.Lock()
_inside = 0
_was_enabled = False


@contextmanager
def cycle_collector_paused() -> Iterator[None]:
    global _inside, _was_enabled
    with _LOCK:
        if _inside == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _inside += 1
    try:
        yield
    finally:
        with _LOCK:
            _inside -= 1
            if _inside == 0 and _was_enabled:
                gc.enable()
