"""Property checks of the stacking (spec tariffs.md §6, issue 5)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from tmec.core.errors import InputError
from tmec.tariffs import Entry, TariffTables, default_tables, price_entry
from tmec.tariffs.stacking import Stack, select

TABLES: TariffTables = default_tables()
CODES = sorted(line.hts for line in TABLES.schedule if line.valid_from is None or line.valid_from.year < 2022)


def _priced_on_every_date(code: str) -> bool:
    """In the hand-typed lines before 2025 and in every revision since (8703.23.00 was renumbered)."""
    try:
        for day in (dt.date(2022, 1, 1), dt.date(2025, 1, 1), dt.date(2026, 12, 31)):
            TABLES.schedule.line(code, day)
    except InputError:
        return False
    return True


CODES_ANY_DATE = [c for c in CODES if _priced_on_every_date(c)]
PLACES = st.sampled_from([None, "US", "MX", "CA", "CN", "BR", "unknown"])


@st.composite
def entries(draw: st.DrawFn, *, origins: tuple[str, ...] = ("MX", "CA")) -> Entry:
    value = Decimal(draw(st.integers(min_value=0, max_value=10_000_000))) / 100
    steel = draw(st.none() | st.integers(min_value=0, max_value=100))
    alu = draw(st.none() | st.integers(min_value=0, max_value=100 - (steel or 0)))
    return Entry(
        entry_date=draw(st.dates(min_value=dt.date(2022, 1, 1), max_value=dt.date(2026, 12, 31))),
        hts=draw(st.sampled_from(CODES_ANY_DATE)),
        origin=draw(st.sampled_from(origins)),
        value=value,
        steel_value=None if steel is None else value * steel / 100,
        aluminum_value=None if alu is None else value * alu / 100,
        non_us_content=draw(st.none() | st.just(value / 2)),
        melted_poured=draw(PLACES),
        smelted_cast=draw(PLACES),
        # the weight carve-outs of note 16(c): no metal at all (9903.82.01), under 15 % (9903.82.03)
        weight_kg=draw(st.sampled_from([None, Decimal(100)])),
        metal_weight_kg=draw(st.sampled_from([None, Decimal(0), Decimal(10), Decimal(80)])),
        # several facts declared at once (a set: the measures look among them)
        metals_relief=draw(
            st.sampled_from(
                [
                    None,
                    "none",
                    "commerce_quota",
                    "motorcycle_parts",
                    "commerce_quota;vehicle_part",
                    "auto_part_certified;motorcycle_parts;vehicle_part",
                ]
            )
        ),
    )


def _with_claim(e: Entry) -> Entry:
    return Entry(**{**{f: getattr(e, f) for f in e.__dataclass_fields__}, "usmca": True})


@settings(max_examples=400, deadline=None)
@given(entries(origins=("MX", "CA", "GB", "CN", "RU", "JP")))
def test_duty_is_never_negative(entry: Entry) -> None:
    d = price_entry(entry, tables=TABLES)
    assert all(line.duty >= 0 and line.base >= 0 for line in d.lines)
    assert d.total_duty >= 0


@settings(max_examples=400, deadline=None)
@given(entries())
def test_a_usmca_claim_never_increases_duty_except_where_ieepa_displaced_more_232(entry: Entry) -> None:
    without = price_entry(entry, tables=TABLES)
    claimed = price_entry(_with_claim(entry), tables=TABLES)
    if claimed.total_duty <= without.total_duty:
        return
    # EO 14289 (4 Mar - 3 Jun 2025): without a claim IEEPA displaced the 232 metals duties; with a
    # claim IEEPA is gone and the metals duties (200 % Russian aluminum, or steel plus aluminum on a
    # good on both lists) can exceed it.  Any other increase is a bug.
    assert dt.date(2025, 3, 4) <= entry.entry_date < dt.date(2025, 6, 4)
    ieepa_lines = without.additional("ieepa")
    ieepa = sum(line.duty for line in ieepa_lines)
    metals = sum(line.duty for line in claimed.lines if line.program in {"s232_steel", "s232_aluminum"})
    # IEEPA was charged (its duty may round to 0.00 on a value of a cent), and the claim exposed more
    assert ieepa_lines and metals > ieepa


def test_the_one_case_where_a_claim_raises_duty_is_the_ieepa_first_period() -> None:
    # EO 14289 (4 Mar - 3 Jun 2025): IEEPA displaces the 232 metals duty.  A non-USMCA Canadian
    # aluminum article of unknown smelt pays IEEPA 25 %; claiming USMCA removes IEEPA and exposes
    # the 200 % line.  A finding of the model, reported, not hidden.
    e = Entry(dt.date(2025, 4, 15), "76012090", "CA", Decimal(1000), smelted_cast="unknown")
    assert price_entry(e, tables=TABLES).total_duty == Decimal("250.00")
    assert price_entry(_with_claim(e), tables=TABLES).total_duty == Decimal("2000.00")


@settings(max_examples=400, deadline=None)
@given(entries())
def test_232_metal_duties_ignore_usmca(entry: Entry) -> None:
    for program in ("s232_steel", "s232_aluminum"):
        assert select(TABLES.measures, program, entry, False, Stack()) == select(
            TABLES.measures, program, entry, True, Stack()
        )
    if entry.entry_date >= dt.date(2025, 6, 4):  # metals first: the 232 lines are the same with or without
        metal = {"s232_steel", "s232_aluminum"}
        a = [line for line in price_entry(entry, tables=TABLES).lines if line.program in metal]
        b = [line for line in price_entry(_with_claim(entry), tables=TABLES).lines if line.program in metal]
        if not price_entry(_with_claim(entry), tables=TABLES).additional("s232_vehicles"):
            assert a == b


@settings(max_examples=200, deadline=None)
@given(entries())
def test_the_lines_add_up(entry: Entry) -> None:
    d = price_entry(entry, tables=TABLES)
    assert d.total_duty == sum(line.duty for line in d.lines)
    assert d.lines[0].program == "ordinary"
    metal = sum(
        line.base for line in d.lines if line.program in {"s232_steel", "s232_aluminum"} and line.rate
    )
    rest = [line for line in d.lines if line.program in {"ieepa", "s122"} and line.rate]
    for line in rest:
        assert line.base == entry.value or line.base == entry.value - min(metal, entry.value)
