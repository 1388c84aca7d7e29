"""Production-route markers and the benchmark they select (IR 2025/2620 point 5.3, as read by opencbam).

Letters: C/D/E carbon steel BF-BOF, DRI-EAF, scrap-EAF; F/G/H low-alloy on the same routes;
J high-alloy EAF; K/L primary/secondary aluminium.  Period markers: "1" production years
2026-2027, "2" 2028-2030.  A default row's marker is kept raw ("C", "C/F", or none) and
resolved here explicitly, never silently: when it does not name exactly one route that the
good's benchmark has, the declarant must give the route, and the error lists the choices.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tmec.carbon.tables import BenchmarkEntry
from tmec.core.errors import InputError

__all__ = ["ROUTE_LETTERS", "Resolved", "marker_letters", "period_marker", "select_benchmark"]

ROUTE_LETTERS = {
    "A": "cement route A",
    "B": "cement route B",
    "C": "carbon steel, BF/BOF",
    "D": "carbon steel, DRI/EAF",
    "E": "carbon steel, scrap/EAF",
    "F": "low-alloy steel, BF/BOF",
    "G": "low-alloy steel, DRI/EAF",
    "H": "low-alloy steel, scrap/EAF",
    "J": "high-alloy steel, EAF",
    "K": "primary aluminium",
    "L": "secondary aluminium",
}
LAST_BENCHMARK_YEAR = 2030


class RouteNeeded(InputError):
    """The route cannot be read from the data: the declarant must name it."""


@dataclass(frozen=True, slots=True)
class Resolved:
    entry: BenchmarkEntry
    how: str  # one sentence for the trace
    flags: tuple[str, ...] = ()


def marker_letters(marker: str | None) -> tuple[str, ...]:
    """``"C/F"`` -> ``("C", "F")``; ``None`` -> ``()``; an unknown letter is bad data."""
    if marker is None or not marker.strip():
        return ()
    letters = tuple(part.strip().upper() for part in marker.split("/"))
    for letter in letters:
        if letter not in ROUTE_LETTERS:
            raise InputError(f"unknown production route {letter!r} in marker {marker!r}", field="route")
    return letters


def period_marker(year: int) -> tuple[str, tuple[str, ...]]:
    """The benchmark period marker for a production year, and a flag past the act's horizon."""
    if year <= 2027:
        return "1", ()
    if year <= LAST_BENCHMARK_YEAR:
        return "2", ()
    return "2", (f"benchmark of 2028-2030 held for {year}: IR 2025/2620 sets none beyond 2030 (provisional)",)


def select_benchmark(
    entries: Sequence[BenchmarkEntry],
    *,
    cn: str,
    column: str,
    year: int,
    marker: str | None,
    chosen: str | None,
) -> Resolved:
    """Pick the benchmark of ``column`` for ``cn``: by route and by production period.

    ``marker`` is the route the data carries (the default row's marker for column B, the
    installation's route for column A); ``chosen`` a route the declarant named explicitly.
    """
    period, flags = period_marker(year)
    in_period = [e for e in entries if e.period in (None, period)]
    routes = sorted({e.route for e in in_period if e.route is not None})
    if not routes:
        (entry,) = in_period
        how = f"column {column}, one value for every route" + (f", period ({period})" if entry.period else "")
        return Resolved(entry, how, flags)
    by_route = {e.route: e for e in in_period}
    if chosen is not None:
        letter = chosen.strip().upper()
        if letter not in by_route:
            raise RouteNeeded(
                f"route {letter!r} has no column-{column} benchmark for CN {cn}; "
                f"its routes are {', '.join(routes)}",
                field="route",
            )
        note = f"route {letter} named by the declarant"
        if marker and letter not in marker_letters(marker):
            note += f" (the data's marker is {marker})"
        return Resolved(by_route[letter], f"column {column}, {note}", flags)
    letters = marker_letters(marker)
    usable = [x for x in letters if x in by_route]
    if len(letters) == 1 and usable:
        return Resolved(by_route[usable[0]], f"column {column}, route {usable[0]} of the data", flags)
    if len(letters) > 1 and len(usable) == 1:
        return Resolved(
            by_route[usable[0]],
            f"column {column}, compound marker {marker} resolved to {usable[0]}",
            (
                *flags,
                f"compound route marker {marker} resolved to {usable[0]}: the only one of its letters with a "
                f"column-{column} benchmark for CN {cn}",
            ),
        )
    found = f"marker {marker!r}" if marker else "no route marker"
    raise RouteNeeded(
        f"CN {cn}: the data has {found}, which does not name one of the column-{column} benchmark's routes "
        f"({', '.join(routes)}); name the route (--route)",
        field="route",
    )
