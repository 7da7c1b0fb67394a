"""Fill hour caps in the therapist's interest: the most hours that can count, then the
entries that serve a required topic, then the earliest.

One cap (or caps that never share an entry) is filled greedily in that order, which is
optimal. Caps that overlap (Connecticut: at most 18 h by distance learning and at most
12 h from programs not approved by NCBTMB) can make the greedy order lose hours a board
would count, so they are filled by a small integer program (OR-Tools CP-SAT, hundredths
of an hour): maximise the counted hours, ties broken by the same order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from ceatlas.compliance.facts import ZERO

HUNDRED = Decimal(100)


def best_fill(
    wants: Sequence[Decimal],
    rooms: Sequence[Decimal],
    applies: Callable[[int, int], bool],
) -> list[Decimal]:
    """Hours allowed for each want (in priority order) under caps with ``rooms`` left;
    ``applies(cap, want)`` tells whether a cap limits a want."""
    caps_of = [[c for c in range(len(rooms)) if applies(c, i)] for i in range(len(wants))]
    overlapping = any(len(cs) > 1 for cs, w in zip(caps_of, wants, strict=True) if w > 0)
    if not overlapping:
        return _greedy(wants, rooms, caps_of)
    return _solve(wants, rooms, caps_of) or _greedy(wants, rooms, caps_of)


def _greedy(
    wants: Sequence[Decimal], rooms: Sequence[Decimal], caps_of: list[list[int]]
) -> list[Decimal]:
    left = list(rooms)
    out = []
    for want, caps in zip(wants, caps_of, strict=True):
        got = min([want, *(max(ZERO, left[c]) for c in caps)])
        for c in caps:
            left[c] -= got
        out.append(got)
    return out


def _solve(
    wants: Sequence[Decimal], rooms: Sequence[Decimal], caps_of: list[list[int]]
) -> list[Decimal] | None:
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    xs = [model.new_int_var(0, int(w * HUNDRED), f"x{i}") for i, w in enumerate(wants)]
    for c, room in enumerate(rooms):
        members = [xs[i] for i, caps in enumerate(caps_of) if c in caps]
        if members:
            model.add(sum(members) <= int(max(ZERO, room) * HUNDRED))
    n = len(xs)
    # Every counted hundredth is worth more than any tie-break; earlier wants break ties.
    model.maximize(sum(x * (n + 1) + x * (n - i) for i, x in enumerate(xs)))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 5.0
    if solver.solve(model) != cp_model.OPTIMAL:
        return None
    return [Decimal(solver.value(x)) / HUNDRED for x in xs]
