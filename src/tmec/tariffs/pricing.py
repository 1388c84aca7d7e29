"""The per-entry pricing path: ``price_entry(entry) -> Duty``.

This is the oracle the bulk engine is tested against: for every entry line the
engine must return the same lines and total.  It is pure: the tables are passed
in, or loaded once from the packaged law data (and a schedule the user imported
with ``tmec tariff import``) by :func:`default_tables`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from tmec.core.errors import InputError
from tmec.tariffs.duty import Duty, DutyLine
from tmec.tariffs.entry import Entry
from tmec.tariffs.measures import PROGRAMS, MeasureSet
from tmec.tariffs.stacking import BASES, stack
from tmec.tariffs.tables import TariffTables
from tmec.tariffs.territory import TERRITORY, inside_territory

__all__ = ["default_tables", "price_entries", "price_entry"]


def default_tables() -> TariffTables:
    """The bundled schedule (overlaid by an imported one) and measures, loaded once."""
    from tmec.law.tariffs import load_tables  # the law layer reads the packaged files

    return load_tables()


def price_entry(entry: Entry, *, tables: TariffTables | None = None, basis: str = "liability") -> Duty:
    """Price one entry line on its entry date: ordinary duty plus stacked additional duties.

    ``basis="liability"`` (default) applies the law as it stands, retroactive orders included;
    ``basis="deposited"`` the duty deposited at entry (EO 14289 was retroactive, with refunds).
    """
    if basis not in BASES:
        raise InputError(f"basis must be one of {sorted(BASES)}, found {basis!r}", field="basis")
    t = tables if tables is not None else default_tables()
    if entry.entry_date < t.first_date():
        raise InputError(
            f"no tariff data before {t.first_date().isoformat()} (asked for {entry.entry_date.isoformat()})",
            field="entry_date",
        )
    if entry.hts[:2] in {"98", "99"}:
        raise InputError(
            f"HTS {entry.hts} is a chapter 98/99 provision: give the chapters 1-97 classification "
            "(chapter-99 headings are added by the measures)",
            field="hts",
        )
    snapshot = t.parameters.at(entry.entry_date)
    refused = inside_territory(entry.origin, snapshot[TERRITORY])
    if refused:
        raise InputError(refused, field="origin")
    line = t.schedule.line(entry.hts, entry.entry_date, field="hts")
    st = stack(entry, line, t.measures, snapshot, basis=basis)
    coverage = snapshot["tariffs.measures_coverage"]
    notes = list(st.notes)
    if len(entry.declared) > 1:
        notes.append(declared_note(entry, st.lines, t.measures))
    if coverage.unverified and t.staleness(entry.entry_date) is None:  # else the warning says it
        notes.append(f"{entry.entry_date.isoformat()} is {coverage.value}: {coverage.cite()}")
    if entry.origin not in {"CA", "MX", "US"}:
        notes.append(
            "for goods of other origins than Canada and Mexico, not included: the reciprocal duty's product "
            "exemptions but Annex II and the EU, Swiss and Liechtenstein lists (their civil aircraft, "
            "Korea's and Japan's); for auto parts certified for automobile production or repair "
            "(9903.94.07 and its country headings), the truck parts of U.S. note 38(i) they leave out "
            "and note 33(r)'s exception for goods qualifying under EO 14345 or KORUS, and outside "
            "headings 8706-8708 the certification is not asked (charged only when declared); "
            "and the Section 232 country arrangements for steel and aluminum before 2025"
        )
    return Duty(
        entry=entry,
        lines=tuple(st.lines),
        notes=tuple(notes),
        questions=tuple(st.questions),
        basis=basis,
        law_as_of=t.law_as_of,
        warning=t.staleness(entry.entry_date),
    )


def declared_note(entry: Entry, lines: Iterable[DutyLine], measures: MeasureSet) -> str:
    """Which heading each fact the line declares was used by (one fact: its measure's line says it)."""
    used: dict[str, list[str]] = {}
    for ln in lines:
        if ln.program in PROGRAMS:
            m = next((m for m in measures.program(ln.program) if m.id == ln.measure_id), None)
            if m is not None and (fact := m.when.get("metals_relief")) is not None:
                used.setdefault(str(fact), []).append(ln.heading)
    return "declared facts: " + "; ".join(
        f"{fact}, used by {', '.join(used.get(fact, ['no measure of this line']))}"
        for fact in sorted(entry.declared)
    )


def price_entries(
    entries: Iterable[Entry], *, tables: TariffTables | None = None, basis: str = "liability"
) -> Iterator[Duty]:
    """Price many entry lines with one set of tables."""
    t = tables if tables is not None else default_tables()
    for entry in entries:
        yield price_entry(entry, tables=t, basis=basis)
