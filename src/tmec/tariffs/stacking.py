"""Stacking: which duties one entry line owes, on which base, in which order (spec tariffs.md §1.6).

Order of operations — the same steps an SQL engine runs over the tables of
``tmec.tariffs.tables`` (``schedule_rows``, ``measure_rows``, ``parameter_rows``):

1. **Tariff line.**  The HTS line in force on the entry date (longest code the
   entry starts with, 10 then 8 digits; ``valid_from <= date < valid_to``).
2. **Claim.**  A USMCA claim counts when the origin is CA or MX and the line
   grants the North American preference on that date (its "special" column
   names a symbol of ``tariffs.north_american_preference``: S/S+ from
   2020-07-01, CA/MX before) or its general rate is Free.  Eligibility without
   a claim gives nothing (spec §6.4).
3. **Ordinary duty** on the full value: column 2 for the countries of
   ``tariffs.column2_countries``; else the preference rate when claimed; else
   the general rate.
4. **Select one measure per program** (``s232_vehicles``, ``s232_metals``, ``s232_aluminum``,
   ``s232_steel``, ``ieepa``, ``s122``, ``ieepa_reciprocal``, ``ieepa_china``, ``s301``): the
   first by ``priority`` that is in force (in law; with ``basis="deposited"``, as deposited at
   entry before a retroactive order: ``Measure.deposited_from``), applies to the origin, covers the
   HTS code and whose conditions hold (USMCA claim; melted-and-poured / smelted-and-cast country,
   ``unknown`` when not reported).  Exemption measures are 0 % lines that end the search.
5. **Vehicles win.**  A selected vehicles measure is the only additional duty
   (EO 14289 s.2; Proc. 10908; Proc. 10984).  Its base is the full value, or
   the non-US content of a USMCA vehicle (its US content is reported at 0 %
   under the measure's ``remainder_heading``, 9903.94.04).  A USMCA part at 0 % (9903.94.06)
   also ends here unless ``tariffs.usmca_part_escapes_metals`` is false.  The country arrangements
   (9903.94.31-.67) take the place of 9903.94.01/.05 and end here too, whatever their rate (U.S.
   notes 33(i)-(t); no Section 122, note 2(aa)(v)(2)-(3)); Japan's, the EU's, Korea's and
   Taiwan's are 15 % with column 1 (the UK's parts 10 %), a floor.
5b. **Wood** (Proc. 10976, from 2025-10-14): 9903.76 on the full value (the 15 % of Japan, the EU,
   Korea and Taiwan a total with column 1, like a floor); a wood product owes no IEEPA Canada or
   Mexico duty (clause 6), no reciprocal, Brazil or India duty (clause 4) and no Section 122
   (9903.03.06); the articles of 9903.76.04 (not wooden cabinets) owe all of them.
   **Semiconductors** (from 2026-01-15) come before: a semiconductor article (9903.79.01, declared)
   pays 25 % in place of every other Section 232 duty, of IEEPA and of Section 122; Section 301 adds.
6. **Metals.**  The 2026 annexes; aluminum, then steel; copper (2025): each on its base (full
   value, or the metal content for derivatives).  ``metal_base`` = their bases summed,
   capped at the value.  USMCA plays no part: 232 metals ignore the claim, but for a USMCA (c)(xi)
   steel derivative of Canada or Mexico from 2026-06-08 (Proc. 11032 clause (2)(d), U.S. note
   16(j)): 25 % under 9903.82.20 on the value less the parts produced in the United States, at
   least 60 % of the value (15 % in duty), the rest reported at 0 % under 9903.82.21.
7. **IEEPA** by ``tariffs.stacking_order`` (legal liability; ``..._deposited`` for the
   duty deposited before EO 14289 was signed, ``basis="deposited"``): ``ieepa_first`` (4 Mar – 3 Jun
   2025) — when IEEPA is due it applies to the full value and the metals lines
   are dropped; ``metals_first`` (from 4 Jun 2025) — IEEPA applies to
   ``value - metal_base`` only; ``cumulative`` — both apply in full.
8. **Section 122** on ``value - metal_base`` (not on the 232 portion; USMCA
   goods of CA/MX exempt by their own 0 % measures).
9. **IEEPA reciprocal** (EO 14257; 2025-04-05 to 2026-02-23) on ``value - metal_base``
   (U.S. note 2(v)(vi)-(ix): not on the value Section 232 taxes; 9903.01.33), never on a
   Section 232 vehicle or part; Canada and Mexico have none (9903.01.26/.27).  A country's floor
   (the EU's 9903.02.20: "15 %" for goods whose column 1 rate is under 15 %) is the difference
   between it and the ordinary ad valorem rate, reported under its "no change" heading when none.
   An Annex II product (U.S. note 2(v)(iii)(a), program ``ieepa_annex_ii``) owes none: a 0 %
   line under 9903.01.32 takes its place.
9b. **A country's own IEEPA order** (Brazil EO 14323 +40 %, India EO 14329 +25 %) on top of the
   reciprocal duty (their s.3(c)), on the same base: not on what Section 232 taxes (their s.3(a);
   U.S. note 2(x)(v)-(xi), 9903.01.83; 2(z), 9903.01.87), never on a Section 232 vehicle or part.
   Its exemptions that are lists the data has (Brazil's Annex I, 9903.01.81) are 0 % lines; those
   the entry cannot show (donations, goods in transit, lists the data lacks) are asked about.
10. **Cumulative programs**: IEEPA China (fentanyl, EO 14195) and Section 301 (China) on the full
   value, whatever else is due, vehicles included (neither EO 14289 nor their texts exclude them).
11. **Amounts.**  ``duty = round(rate/100 × base)`` per line with
   ``tariffs.duty_rounding_places`` (half up); total = sum of lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from tmec.core import hs
from tmec.core.money import ZERO
from tmec.core.params import ParameterSnapshot
from tmec.core.trace import Question
from tmec.tariffs.claims import alike_note
from tmec.tariffs.duty import DutyLine
from tmec.tariffs.entry import RELIEFS, Entry
from tmec.tariffs.measures import CUMULATIVE, METAL_PROGRAMS, Measure, MeasureSet
from tmec.tariffs.rates import quantity_unit
from tmec.tariffs.readings import NOT_IN_NOTE_2V, reciprocal_excluded
from tmec.tariffs.schedule import HtsLine

__all__ = ["Stack", "stack"]

_HUNDREDTH = Decimal("0.01")


@dataclass(slots=True)
class Stack:
    """The work of pricing one entry: lines, notes and questions as they are found."""

    lines: list[DutyLine] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    basis: str = "liability"  # the measures in force in law, or as deposited at entry (Measure.in_force)


def _amount(rate: Decimal, base: Decimal, places: Decimal) -> Decimal:
    return (rate * base * _HUNDREDTH).quantize(places, rounding=ROUND_HALF_UP)


def usmca_claim_counts(entry: Entry, line: HtsLine, snapshot: ParameterSnapshot) -> bool:
    """Step 2: a claim is honoured only for a CA/MX good on a line that grants the preference."""
    if not entry.usmca:
        return False
    symbols = snapshot["tariffs.north_american_preference"].value
    return line.preference(symbols) is not None or line.general_rate.ad_valorem == 0


def select(measures: MeasureSet, program: str, entry: Entry, claim: bool, st: Stack) -> Measure | None:
    """Step 4: the first matching measure of a program, asking for facts that would change it."""
    chosen: Measure | None = None
    covering, finer = measures.covering(program, entry.hts)
    for m in finer:
        if m.in_force(entry.entry_date, st.basis) and m.applies_to_origin(entry.origin):
            q = Question(
                fact="hts statistical suffix",
                text=f"Which 10-digit statistical line is HTS {hs.format(entry.hts)}? "
                f"{m.title} ({m.heading}) covers some of its lines.",
            )
            if q not in st.questions:
                st.questions.append(q)
    for m in covering:
        if not (m.in_force(entry.entry_date, st.basis) and m.applies_to_origin(entry.origin)):
            continue
        for fact in m.asks_about():
            if fact == "metal_weight_kg":
                weight = _metal_question(m, entry)
                if weight is not None and weight not in st.questions:
                    st.questions.append(weight)
                continue
            if fact == "metals_relief":
                relief = _relief_question(m, entry, claim)
                # one question per relief where several headings in one another's place turn on it
                # (9903.94.07 and .55: ``asked_within``); each Section 301 exclusion is its own question
                asked = f"--metals-relief {m.when['metals_relief']} if so"
                if (
                    relief is not None
                    and relief not in st.questions
                    and not (m.asked_within and any(asked in q.text for q in st.questions))
                ):
                    st.questions.append(relief)
                continue
            if getattr(entry, fact) is None and not any(q.fact == fact for q in st.questions):
                what = "steel melted and poured" if fact == "melted_poured" else "aluminum smelted and cast"
                st.questions.append(
                    Question(
                        fact=fact,
                        text=f"In which country was the {what}? {m.title} ({m.heading or 'no heading'}) "
                        "turns on it; not given, no country condition is taken as met.",
                    )
                )
        if m.conditions_met(entry, claim):
            chosen = m
            break
    note = chosen and alike_note(chosen, covering, entry, claim, st.basis)
    if note and note not in st.notes:
        st.notes.append(note)
    return chosen


def _relief_question(m: Measure, entry: Entry, claim: bool) -> Question | None:
    """A note 16 relief not stated, asked only where the measure's other conditions hold."""
    relief = str(m.when["metals_relief"])
    if entry.metals_relief is not None or not m.conditions_met(replace(entry, metals_relief=relief), claim):
        return None
    if m.asked_within and not any(item.contains(entry.hts) for item in m.asked_within):
        return None
    return Question(
        fact="metals_relief",
        text=f"Is this line {RELIEFS[relief]}? Give --metals-relief {relief} if so, none if not: "
        f"{m.title} ({m.heading}) turns on it; not given, it is not applied.",
    )


def _metal_question(m: Measure, entry: Entry) -> Question | None:
    """What the weight carve-outs of note 16(c) need to be told, if it was not given."""
    if m.when.get("metal_free"):
        if entry.metal_weight_kg is not None:
            return None
        return Question(
            fact="metal_weight_kg",
            text="Does the article contain any steel, aluminum or copper (--metal-weight-kg: their weight, "
            f"0 if none)? {m.title} ({m.heading}) applies to one with none; not given, it is not applied.",
        )
    if entry.metal_share is not None:
        return None
    return Question(
        fact="metal_weight_kg",
        text="What do the article and the steel, aluminum or copper in it weigh "
        f"(--weight-kg, --metal-weight-kg)? {m.title} ({m.heading}) applies when the "
        f"metal is under {m.when['metal_weight_under']} % of the weight; not given, it is not applied.",
    )


def _base(m: Measure, entry: Entry, st: Stack) -> Decimal:
    if m.base == "full":
        return entry.value
    if m.base == "non_us_parts":
        return _non_us_parts(m, entry, st)
    given = {
        "steel_content": entry.steel_value,
        "aluminum_content": entry.aluminum_value,
        "non_us_content": entry.non_us_content,
        "copper_content": entry.copper_value,
    }[m.base]
    if given is None:
        what = m.base.replace("_", " ")
        st.notes.append(
            f"{m.title}: no {what} value given, so the duty is on the full entered value "
            "(CBP: content that cannot be substantiated pays on the full value)"
        )
        st.questions.append(
            Question(
                fact=m.base,
                text=f"What is the {what} value of this entry line? It is the base of {m.heading}.",
            )
        )
        return entry.value
    return given


def _non_us_parts(m: Measure, entry: Entry, st: Stack) -> Decimal:
    """Proc. 11032 clause (2)(d) (U.S. note 16(j)): the value less the parts produced in the United
    States, but at least what gives the minimum duty; without the parts' value, the full value (an
    upper bound) and a question."""
    least = m.least_base(entry.value)
    if entry.us_parts_value is None:
        share = format((least * 100 / entry.value).normalize(), "f") if entry.value else "0"
        st.notes.append(
            f"{m.title}: no value of the parts produced in the United States given, so the duty is on "
            "the full entered value, an upper bound"
        )
        st.questions.append(
            Question(
                fact="us_parts_value",
                text="What is the value of the parts of this article produced in the United States "
                f"(--us-parts-value)? {m.heading} charges {m.rate} % only on the rest of the value, but on "
                f"at least {share} % of it ({m.minimum_duty} % of the value in duty); not given, the duty "
                "is on the full value, an upper bound.",
            )
        )
        return entry.value
    return max(entry.value - entry.us_parts_value, least)


def _remainder(m: Measure, entry: Entry, base: Decimal, places: Decimal, kind: str, what: str) -> DutyLine:
    """The rest of the value (``value - base``), reported at 0 % under the measure's
    ``remainder_heading``: a USMCA vehicle's US content (9903.94.04), the U.S. parts of a
    (c)(xi) steel derivative (9903.82.21)."""
    return DutyLine(
        measure=f"{m.title}: {what} (no additional duty)",
        heading=m.remainder_heading,
        rate=ZERO,
        base=entry.value - base,
        duty=_amount(ZERO, entry.value - base, places),
        reference=m.cite(),
        program=m.program,
        measure_id=f"{m.id}:remainder",
        base_kind=kind,
        unverified=m.unverified,
    )


def _line(m: Measure, base: Decimal, places: Decimal, column1: Decimal = ZERO) -> DutyLine:
    """The measure's duty line; a floor (Annex III) is the difference between it and column 1."""
    rate = ZERO if m.exemption else m.rate
    heading = m.heading
    if m.floor:
        rate = max(ZERO, m.rate - column1)
        heading = m.floor_met_heading if rate == 0 and m.floor_met_heading else m.heading
    return DutyLine(
        measure=m.title,
        heading=heading,
        rate=rate,
        base=base,
        duty=_amount(rate, base, places),
        reference=m.cite(),
        program=m.program,
        measure_id=m.id,
        base_kind=m.base,
        unverified=m.unverified,
    )


def _ask_floor(m: Measure, st: Stack) -> None:
    """A floor on a rate with a specific part: the ad valorem equivalent the floor needs is not known."""
    if m.floor and any(ln.unit for ln in st.lines):
        st.questions.append(
            Question(
                fact="ordinary duty",
                text=f"{m.title} ({m.heading}) tops column 1 up to {m.rate} %: what is the ad "
                "valorem equivalent of the specific part of the rate? Only its ad valorem part "
                "is counted.",
            )
        )


def ordinary_lines(
    entry: Entry, line: HtsLine, claim: bool, snapshot: ParameterSnapshot, places: Decimal, st: Stack
) -> list[DutyLine]:
    """Step 3: column 2, the claimed preference, or the general rate: its ad valorem part on the full
    value and each specific part on the quantity it is per; a quantity not given is a question."""
    column2 = snapshot["tariffs.column2_countries"]
    if entry.origin in column2.value:
        rate, title, ref = (
            line.column2_rate,
            "Column 2 rate",
            f"HTSUS {hs.format(line.hts)} column 2; {column2.cite()}",
        )
    elif entry.program and not claim:
        found = line.preference([entry.program])
        rate = found if found is not None else line.general_rate
        title = (
            f"Special rate, program {entry.program}"
            if found is not None
            else f"General (MFN) rate (program {entry.program} not granted on this line)"
        )
        ref = f"HTSUS {hs.format(line.hts)} {'special column' if found is not None else 'column 1 general'}"
        if found is None:
            st.notes.append(
                f"program {entry.program} claimed, but HTS {hs.format(line.hts)} does not grant it: "
                "general rate"
            )
    elif claim:
        pref = snapshot["tariffs.north_american_preference"]
        found = line.preference(pref.value)
        rate = found if found is not None else line.general_rate
        program = "USMCA" if "S" in pref.value else "NAFTA"
        title = (
            f"{program} preference (special rate)"
            if found is not None
            else "General rate (Free; claim recorded)"
        )
        ref = f"HTSUS {hs.format(line.hts)} special column; {pref.cite()}"
    else:
        rate, title, ref = (
            line.general_rate,
            "General (MFN) rate",
            f"HTSUS {hs.format(line.hts)} column 1 general",
        )
    if line.unverified:
        ref += " [unverified]"
    ad_valorem = rate.ad_valorem if rate.ad_valorem is not None else ZERO
    lines = [
        DutyLine(
            measure=title,
            heading=hs.format(line.hts),
            rate=ad_valorem,
            base=entry.value,
            duty=_amount(ad_valorem, entry.value, places),
            reference=ref,
            program="ordinary",
            measure_id=f"hts:{line.hts}",
            unverified=line.unverified,
        )
    ]
    if not rate.complete:
        st.questions.append(
            Question(
                fact="ordinary duty",
                text=f"The rate of HTS {hs.format(line.hts)} is {rate.text!r}: tmec does not compute it "
                "(only its ad valorem part, if any, is counted). What duty does it give on this entry?",
            )
        )
    for n, part in enumerate(rate.parts):
        sources = quantity_unit(part, line.units)
        source = next((f for f in sources if getattr(entry, f) is not None), sources[0] if sources else None)
        quantity = getattr(entry, source) if source else None
        if quantity is None:
            wanted = "--weight-kg (weight_kg)" if source == "weight_kg" else f"--quantity in {part.unit}"
            wanted = wanted.rstrip(".")
            if source is None:
                wanted = f"the quantity in {part.unit} (the line reports {line.units or 'no unit'})"
            st.questions.append(
                Question(
                    fact=source or "quantity",
                    text=f"What is the {'net weight' if source == 'weight_kg' else 'quantity'} of this entry "
                    f"line? The {title} of HTS {hs.format(line.hts)} has a specific part, "
                    f"{part.text}; give {wanted}. Not given, that part is not counted.",
                )
            )
            continue
        lines.append(
            DutyLine(
                measure=f"{title}, specific part {part.text}",
                heading=hs.format(line.hts),
                rate=part.amount,
                base=quantity,
                duty=(part.amount * quantity).quantize(places, rounding=ROUND_HALF_UP),
                reference=ref,
                program="ordinary",
                measure_id=f"hts:{line.hts}:specific:{n}",
                base_kind=source or "quantity",
                unverified=line.unverified,
                unit=part.unit,
            )
        )
    return lines


BASES = {"liability": "tariffs.stacking_order", "deposited": "tariffs.stacking_order_deposited"}


def stack(
    entry: Entry,
    line: HtsLine,
    measures: MeasureSet,
    snapshot: ParameterSnapshot,
    *,
    basis: str = "liability",
) -> Stack:
    """Steps 2-11 for one entry line; ``basis`` picks the legal liability or the duty deposited at entry."""
    st = Stack(basis=basis)
    places = Decimal(1).scaleb(-int(snapshot["tariffs.duty_rounding_places"].decimal))
    claim = usmca_claim_counts(entry, line, snapshot)
    if entry.usmca and not claim:
        st.notes.append(
            f"USMCA claim not honoured: HTS {hs.format(line.hts)} grants no North American preference on "
            f"{entry.entry_date.isoformat()}"
        )
    st.lines.extend(ordinary_lines(entry, line, claim, snapshot, places, st))
    if line.source:
        st.notes.append(f"HTS {hs.format(line.hts)} rates from {line.source}")

    if _semiconductor(entry, measures, claim, places, st):
        return st
    vehicles = select(measures, "s232_vehicles", entry, claim, st)
    if vehicles is not None:
        base = _base(vehicles, entry, st)
        _ask_floor(vehicles, st)  # a country arrangement's 15 % with column 1 (U.S. note 33(m))
        st.lines.append(_line(vehicles, base, places, st.lines[0].rate))
        if vehicles.remainder_heading and base < entry.value:
            # Proc. 10908: the US content of a USMCA vehicle is reported on its own line, at no duty.
            st.lines.append(_remainder(vehicles, entry, base, places, "us_content", "US content"))
        escapes = not vehicles.exemption or bool(snapshot["tariffs.usmca_part_escapes_metals"].value)
        if escapes:
            if vehicles.exemption:
                st.notes.append(
                    "USMCA part at 0 % under the autos action taken to escape the 232 metals duties "
                    f"({snapshot['tariffs.usmca_part_escapes_metals'].cite()})"
                )
            if not vehicles.exemption and select(measures, "ieepa_reciprocal", entry, claim, st) is not None:
                st.notes.append(
                    "IEEPA reciprocal not applied: Section 232 vehicles and parts are excluded (9903.01.33)"
                )
                if vehicles.heading in NOT_IN_NOTE_2V:
                    st.notes.append(NOT_IN_NOTE_2V[vehicles.heading])
            country = select(measures, "ieepa_country", entry, claim, st) if not vehicles.exemption else None
            if country is not None and not country.exemption:
                st.notes.append(
                    f"{country.title} not applied: Section 232 vehicles and parts are excluded "
                    f"({country.section232_heading or country.reference})"
                )
            cumulative(entry, measures, claim, places, st)
            return st

    column1 = st.lines[0].rate  # the ordinary ad valorem rate, for the floors (Annex III, wood 15 %)
    # Proc. 10976: a wood product pays 9903.76 on its whole value, in place of IEEPA Canada and Mexico
    # (clause 6), the reciprocal, Brazil and India duties (clause 4) and Section 122 (9903.03.06)
    wood = select(measures, "s232_wood", entry, claim, st)
    wood_due = wood is not None and not wood.exemption
    if wood is not None:
        _ask_floor(wood, st)
        st.lines.append(_line(wood, entry.value, places, column1))
    metals: list[DutyLine] = []
    covered = False  # a Section 232 good of the 2026 regime, at any rate
    # the 2026 regime (one heading per article), then Proc. 10947's order: aluminum before steel
    for program in METAL_PROGRAMS:
        m = select(measures, program, entry, claim, st)
        if m is not None:
            _ask_floor(m, st)
            base = _base(m, entry, st)
            metals.append(_line(m, base, places, column1))
            if m.remainder_heading and base < entry.value:
                # note 16(j): the U.S. parts of a USMCA (c)(xi) good, on their own line at no duty
                metals.append(
                    _remainder(m, entry, base, places, "us_parts", "parts produced in the United States")
                )
            # U.S. note 2(aa)(v)(1): an article under a 2026 metals heading (9903.82.02, .04-.19) is
            # spared Section 122 whatever that heading's rate (a floor met, motorcycle parts, a USMCA
            # quota); the carve-outs 9903.82.01 and .03 (``exemption``) leave it outside Section 232
            covered = covered or (m.program == "s232_metals" and not m.exemption)
    metal_base = min(entry.value, sum((d.base for d in metals if d.rate > 0), ZERO))

    ieepa = select(measures, "ieepa", entry, claim, st)
    if wood is not None and wood_due and ieepa is not None and not ieepa.exemption:
        st.notes.append(
            f"{ieepa.title} not applied: the wood product pays {wood.heading} instead (Proc. 10976 "
            "clause 6; U.S. note 2(a), (j))"
        )
        ieepa = None
    ieepa_due = ieepa is not None and not ieepa.exemption
    # The stacking order decides only with IEEPA or a metals duty: read only then, as a bulk
    # pricing takes a pricing to hold until a parameter it read changes (engine.pricing_keys).
    order = snapshot[BASES[basis]] if ieepa is not None or metal_base > 0 else None
    if ieepa is not None and ieepa_due and order is not None and order.value == "ieepa_first":
        if any(d.rate > 0 for d in metals):
            st.notes.append(f"Section 232 metals duty displaced by IEEPA ({order.cite()})")
        metals = [d for d in metals if d.rate == 0]
        metal_base = ZERO
        st.lines.extend(metals)
        st.lines.append(_line(ieepa, entry.value, places))
    else:
        st.lines.extend(metals)
        if ieepa is not None and order is not None:
            base = entry.value if order.value == "cumulative" or not ieepa_due else entry.value - metal_base
            if base > 0:
                st.lines.append(_line(ieepa, base, places))
            else:
                st.notes.append(f"IEEPA not applied: the whole value pays Section 232 ({order.cite()})")

    s122 = select(measures, "s122", entry, claim, st)
    if s122 is not None:
        base = entry.value if s122.exemption else entry.value - metal_base
        if (covered or wood_due) and not s122.exemption:
            base = ZERO
        if base > 0:
            st.lines.append(_line(s122, base, places))
        else:
            st.notes.append("Section 122 not applied: Section 232 goods are exempt (9903.03.06)")

    reciprocal = select(measures, "ieepa_reciprocal", entry, claim, st)
    annex = select(measures, "ieepa_annex_ii", entry, claim, st) if reciprocal is not None else None
    if reciprocal is not None and wood_due and not reciprocal.exemption:
        st.notes.append(
            "IEEPA reciprocal not applied: Section 232 wood products are excluded (Proc. 10976 clause 4; "
            "U.S. note 2(v)(xiii))"
        )
    elif reciprocal is not None and annex is not None and not reciprocal.exemption:
        # U.S. note 2(v)(iii)(a): an Annex II product owes no reciprocal duty; declared under 9903.01.32
        st.lines.append(_line(annex, entry.value, places))
    elif reciprocal is not None and reciprocal.exemption:
        # Canada, Mexico, the column 2 countries: no reciprocal duty, and no line to report
        st.notes.append(f"{reciprocal.title} ({reciprocal.heading})")
    elif reciprocal is not None:
        # U.S. note 2(v)(vi)-(ix): not on the value Section 232 taxes, on the rest (9903.01.33)
        base = entry.value - metal_base
        if order is not None and order.value == "ieepa_first" and metal_base > 0:
            base = ZERO  # before Proc. 10947 the whole 232 article was excluded, not its metal only
        if base > 0:
            _ask_floor(reciprocal, st)  # the EU, Japan, Korea, Switzerland: 15 % inclusive of column 1
            st.lines.append(_line(reciprocal, base, places, column1))
        else:
            st.notes.extend(reciprocal_excluded(d.heading for d in metals if d.rate > 0))
    country = select(measures, "ieepa_country", entry, claim, st)
    if country is not None:
        country_line(country, entry, ZERO if covered or wood_due else entry.value - metal_base, places, st)
    cumulative(entry, measures, claim, places, st)
    return st


def _semiconductor(entry: Entry, measures: MeasureSet, claim: bool, places: Decimal, st: Stack) -> bool:
    """Step 4b: a semiconductor article (9903.79.01) pays 25 % on its value in place of every other
    Section 232 duty, IEEPA (headings 9903.01.01, .10, .24-.76, 9903.02.xx; Brazil, India) and
    Section 122 (U.S. notes 39(a), 2(x)(xv), 2(z)(xiii), 2(aa)(v)(7)); Section 301 stacks."""
    chips = select(measures, "s232_semiconductors", entry, claim, st)
    if chips is None or chips.exemption:
        return False
    st.lines.append(_line(chips, entry.value, places))
    st.notes.append(
        "a semiconductor article of U.S. note 39(b) owes no other Section 232 duty, no IEEPA duty and no "
        "Section 122 surcharge (U.S. notes 39(a), 2(x)(xv), 2(z)(xiii), 2(aa)(v)(7))"
    )
    s301 = select(measures, "s301", entry, claim, st)
    if s301 is not None:
        st.lines.append(_line(s301, _base(s301, entry, st), places))
    return True


def country_line(m: Measure, entry: Entry, base: Decimal, places: Decimal, st: Stack) -> None:
    """Step 9b: a country's own IEEPA duty on what Section 232 leaves; its exemption lists as 0 % lines."""
    if m.exemption:
        st.lines.append(_line(m, entry.value, places))
        return
    if base <= 0:
        st.notes.append(f"{m.title} not applied: Section 232 goods are excluded ({m.section232_heading})")
        return
    st.lines.append(_line(m, base, places))
    open_ = [u for u in m.unchecked if u.in_force(entry.entry_date)]
    if open_:
        st.questions.append(
            Question(
                fact="exemption",
                text=f"Is the article exempt from {m.title} ({m.heading}, {m.rate} %)? It is not due on "
                + "; ".join(f"{u.why} ({u.heading})" for u in open_)
                + ". tmec cannot tell from the entry line and charges it.",
            )
        )


def cumulative(entry: Entry, measures: MeasureSet, claim: bool, places: Decimal, st: Stack) -> None:
    """Step 10: IEEPA China (fentanyl) and Section 301 on their own bases, whatever else is due."""
    for program in CUMULATIVE:
        m = select(measures, program, entry, claim, st)
        if m is not None:
            st.lines.append(_line(m, _base(m, entry, st), places))
