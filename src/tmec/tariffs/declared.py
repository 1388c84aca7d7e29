"""The facts an entry line declares (its ``metals_relief``): a set, read once here for every edge.

Only the importer knows them (U.S. notes 16, 33, 37, 39, the EU, Swiss and Liechtenstein floor lists,
the Section 301 exclusions): each is one of :data:`RELIEFS`.  One line may declare several, written
separated by ``;`` (``vehicle_part; s301_exclusion``): order, repeats, case and the spaces around each
do not matter.  :func:`canonical` gives the set one text, sorted and ``;``-joined
(``s301_exclusion;vehicle_part``), so that an entry, the engine's pricing keys and the answer all read
the same text; a measure's condition on a declared fact holds when the fact is among them
(:func:`declared`).  Two facts the law makes exclusive (:data:`EXCLUSIVE`) are refused, never resolved.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from tmec.core.errors import InputError

__all__ = ["EXCLUSIVE", "EXPECTED", "FIELD", "RELIEFS", "SEPARATOR", "canonical", "declared", "joined"]

FIELD = "metals_relief"
SEPARATOR = ";"

# The Section 232 facts of U.S. notes 16 (metals reliefs), 33(g) (a vehicle part of a general-purpose
# provision), 33(i) (the UK's vehicle quota), 33(p)-(r) (a part's certified use), 37 (wood: 37(g)) and
# 39 (a semiconductor article), the EU, Swiss and Liechtenstein lists spared their reciprocal floors (a
# product not patented for pharmaceutical use), and the Section 301 product exclusions of U.S. note
# 20(vvv)/(www), that only the importer knows: the values of an entry's ``metals_relief`` (not given:
# the answer asks where one could apply).
RELIEFS = {
    "commerce_quota": "a quantity the Secretary of Commerce authorised under clause 13 of Proc. 10984 "
    "(U.S. note 16(h)-(i); 9903.82.18/.19)",
    "motorcycle_parts": "parts for use in manufacturing motorcycles in the United States "
    "(U.S. note 16(g); 9903.82.13)",
    "equipment_parts": "parts used only in manufacturing agricultural, fixed industrial or mobile "
    "industrial equipment (U.S. note 16(k), from 2026-06-08; 9903.82.23-.26)",
    "not_wood_cabinet": "an article of the kitchen cabinet and vanity lines that is not a wooden kitchen "
    "cabinet or vanity or a part of one (U.S. note 37(g); 9903.76.04)",
    "semiconductor_article": "a semiconductor article of U.S. note 39(b) (a logic integrated circuit, or an "
    "article containing one, whose total processing performance and DRAM bandwidth lie in the note's "
    "ranges) not entered for an end use of note 39(d) (9903.79.01)",
    "vehicle_part": "a part of a passenger vehicle or light truck (U.S. note 33(g)) entered under a "
    "general-purpose provision of the note's list (an automatic data processing machine of 8471, a bearing, "
    "an electric motor, a battery...; 9903.94.05, or 9903.94.06 for a USMCA part)",
    "unpatented_pharma": "a product of the European Union, Switzerland or Liechtenstein not patented in the "
    "United States for use in pharmaceutical applications (U.S. note 2(v)(xxiii), (xxv)(d); 9903.02.77, "
    ".86, .91)",
    "s301_exclusion": "a product of China that matches the description of a Section 301 product "
    "exclusion granted by USTR (U.S. note 20(vvv), 20(www); 9903.88.69, 9903.88.70)",
    "uk_vehicle_quota": "a passenger vehicle of the United Kingdom entered within the yearly quota of "
    "U.S. note 33(i) (100,000 vehicles from 2026, 65,205 for 2025; 9903.94.31 at 7.5 %)",
    "auto_part_certified": "an automobile part the importer of record certifies will be used for automobile "
    "production or repair in the United States (U.S. note 33(p), (r); 9903.94.07 at 25 %, the EU's, Japan's, "
    "Korea's and Taiwan's 9903.94.44-.69 at 15 % with column 1)",
    "uk_auto_part_certified": "an automobile part of the United Kingdom the importer of record certifies "
    "will be used in automobiles of the United Kingdom (U.S. note 33(q); 9903.94.33 at 10 %)",
    "none": "no such relief is claimed",
}

EXPECTED = f"expected one of {', '.join(RELIEFS)}"  # what an unknown fact is told

_NOTE_16 = ("commerce_quota", "equipment_parts", "motorcycle_parts")
_PARTS = (
    "auto_part_certified",
    "equipment_parts",
    "motorcycle_parts",
    "uk_auto_part_certified",
    "vehicle_part",
)
# Facts that cannot both be true of one line: (one side, the other side, why), any fact of one side
# against any other fact of the other.  Facts not paired here may be declared together: where two
# of them select measures of one program (a vehicle part of 33(g) also certified under 33(p)), the
# law's order of those measures decides, as for any line.
EXCLUSIVE: tuple[tuple[tuple[str, ...], tuple[str, ...], str], ...] = (
    (
        ("none",),
        tuple(r for r in RELIEFS if r != "none"),
        "none declares that no such fact is claimed",
    ),
    (
        _NOTE_16,
        _NOTE_16,
        # 16(a): "These headings are mutually exclusive, such that an imported article will be subject
        # to no more than one of these headings" (9903.82.13, .18, .19 among them); 16(k)'s parts are
        # used only in making agricultural or industrial equipment, so not for making motorcycles
        # (16(g)), and they are parts, not the steel or aluminum articles the Commerce quantities of
        # 16(h)-(i) are of
        "the reliefs of U.S. note 16 are mutually exclusive (16(a): an article is subject to no more than "
        "one of its headings; 16(k)'s parts are used only in making agricultural or industrial equipment)",
    ),
    (
        ("uk_vehicle_quota",),
        _PARTS,
        # 33(i)'s quota is of passenger vehicles of 8703; the others are parts (33(g), (p)-(r), 16(g), (k))
        "a passenger vehicle within the UK's quota (U.S. note 33(i)) is not a part",
    ),
)


def joined(raw: object) -> str | None:
    """One text of a value written as text or as several values (a list, a repeated option)."""
    if raw is None:
        return None
    if isinstance(raw, (list, tuple, set, frozenset)):
        return SEPARATOR.join(str(v) for v in raw) or None
    return str(raw)


@lru_cache(maxsize=1024)
def canonical(text: str | None) -> str | None:
    """The declared set of ``text`` as one text, sorted and ``;``-joined (None: nothing declared).

    Raises :class:`InputError` (field ``metals_relief``) naming an unknown fact or two exclusive ones."""
    if text is None:
        return None
    parts = [p.strip() for p in text.split(SEPARATOR)]
    facts = sorted({p.lower() for p in parts if p})
    if not facts:
        return None
    unknown = [p for p in parts if p and p.lower() not in RELIEFS]
    if unknown:
        # one value is named as written, as before the facts were a set
        found = text if len([p for p in parts if p]) == 1 else unknown[0]
        raise InputError(f"{EXPECTED}, found {found!r}", field=FIELD)
    for one, other, why in EXCLUSIVE:
        clash = [(a, b) for a in facts for b in facts if a < b and _across(a, b, one, other)]
        if clash:
            a, b = clash[0]
            raise InputError(f"{a} and {b} cannot both be declared for one line: {why}", field=FIELD)
    return SEPARATOR.join(facts)


def _across(a: str, b: str, one: Iterable[str], other: Iterable[str]) -> bool:
    return (a in one and b in other) or (b in one and a in other)


@lru_cache(maxsize=1024)
def declared(text: str | None) -> frozenset[str]:
    """The facts of a canonical text (:func:`canonical`'s): what measures' conditions look among."""
    return frozenset(text.split(SEPARATOR)) if text else frozenset()
