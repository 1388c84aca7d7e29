"""Where two primary texts disagree: tmec follows one, cites it, and names the other reading on the
answers concerned (a note, by the heading of the measure applied)."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["NOT_IN_NOTE_2V", "NOT_IN_NOTE_2V_METALS", "reciprocal_excluded"]

# The other reading (two primary texts disagree): U.S. note 2(v)(x)-(xi) of HTSUS 2026 rev 6 spares from
# the reciprocal duty the vehicles of 9903.94.01, .03, .60 and .61 and the parts of .05, .07, .33, .44,
# .45, .54, .55, .62-.65, not Japan's and the EU's (9903.94.40-.43, .50-.53) nor the United Kingdom's
# (9903.94.31 vehicles within the quota, .32 parts, from 2025-06-30: the UK's reciprocal duty, 10 % under
# 9903.01.25, ran until 2026-02-23, so the question is live; note 2(aa)(v)(2)-(3) names .31 and .32 for
# Section 122, 2(v) does not); tmec spares them as CBP's guidance on the EU arrangement does (9903.01.33,
# stacking step 9), and says so on the answers concerned.
_OTHER_READING = (
    "Other reading: U.S. note 2(v)({}) (HTSUS 2026 rev 6) spares from the reciprocal duty only the {} of "
    "{}, not {} ({}); on its letter the reciprocal duty would be due on the value. tmec follows CBP's "
    "guidance on the EU arrangement, which spares every Section 232 autos heading (9903.01.33)"
)
_VEHICLES_2V = ("x", "vehicles", "9903.94.01, .03, .60 and .61")
_PARTS_2V = ("xi", "parts", "9903.94.05, .07, .33, .44, .45, .54, .55 and .62-.65")
NOT_IN_NOTE_2V = {
    "9903.94.41": _OTHER_READING.format(*_VEHICLES_2V, "Japan's", "9903.94.40, .41"),
    "9903.94.51": _OTHER_READING.format(*_VEHICLES_2V, "the European Union's", "9903.94.50, .51"),
    "9903.94.43": _OTHER_READING.format(*_PARTS_2V, "Japan's", "9903.94.42, .43"),
    "9903.94.53": _OTHER_READING.format(*_PARTS_2V, "the European Union's", "9903.94.52, .53"),
    "9903.94.31": _OTHER_READING.format(*_VEHICLES_2V, "the United Kingdom's", "9903.94.31"),
    "9903.94.32": _OTHER_READING.format(*_PARTS_2V, "the United Kingdom's", "9903.94.32"),
}

# The other reading for Russia's aluminum: U.S. note 2(v)(viii)-(ix) (HTSUS 2026 rev 6) spares from the
# reciprocal duty the aluminum of 9903.85.02 and the aluminum content of 9903.85.04, .07, .08 and .09
# only, not the 200 % articles and derivatives of 9903.85.67 and .68 (aluminum of Russia, or smelted or
# cast there, of any country); heading 9903.01.33 (HTSUS 2026 rev 10) spares "articles of aluminum;
# derivative articles of aluminum ... of any country", as EO 14257 sec. 3(b) spares every article
# subject to Section 232 duties.  tmec follows the heading and the order (no reciprocal duty on what
# the 200 % taxes) and names the note's letter on the answers concerned.
_METALS_READING = (
    "Other reading: U.S. note 2(v)(viii)-(ix) (HTSUS 2026 rev 6) spares from the reciprocal duty only the "
    "aluminum of 9903.85.02, .04, .07, .08 and .09, not {} ({}); on its letter the reciprocal duty would "
    "be due on the value. tmec follows heading 9903.01.33 (articles and derivative articles of aluminum "
    "of any country) and EO 14257 sec. 3(b), which spare every article subject to Section 232 duties"
)
NOT_IN_NOTE_2V_METALS = {
    "9903.85.67": _METALS_READING.format("the 200 % aluminum articles of Russia's", "9903.85.67"),
    "9903.85.68": _METALS_READING.format("the 200 % derivative aluminum articles of Russia's", "9903.85.68"),
}
EXCLUDED = "IEEPA reciprocal not applied: Section 232 goods are excluded (9903.01.33)"


def reciprocal_excluded(headings: Iterable[str]) -> list[str]:
    """The notes of a reciprocal duty not applied because Section 232 taxes the value: the exclusion,
    then the other reading of each heading (of the Section 232 lines that owe duty) note 2(v) leaves out."""
    other = [NOT_IN_NOTE_2V_METALS[h] for h in dict.fromkeys(headings) if h in NOT_IN_NOTE_2V_METALS]
    return [EXCLUDED, *other]
