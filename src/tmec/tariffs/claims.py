"""A declared fact that several measures answer alike: the line names the first, the answer says so.

A Chinese pump casing of 8413.91.90.85 matches three Section 301 exclusions (U.S. note 20(vvv)(i)(4),
(5), (6)), each described differently; ``--metals-relief s301_exclusion`` says the good matches one of
them, not which.  Each owes the same duty under the same heading, so the duty does not turn on it,
but the line cites one paragraph: the answer names every exclusion the claim could be.
"""

from __future__ import annotations

from collections.abc import Iterable

from tmec.tariffs.entry import Entry
from tmec.tariffs.measures import Measure

__all__ = ["alike_note"]


def alike_note(chosen: Measure, rest: Iterable[Measure], entry: Entry, claim: bool, basis: str) -> str | None:
    """The note when other measures in force for ``entry`` answer ``chosen``'s declared fact with its
    heading, rate and effect."""
    relief = chosen.when.get("metals_relief")
    if relief is None:
        return None
    alike = [
        m
        for m in rest
        if m is not chosen
        and m.when.get("metals_relief") == relief
        and (m.heading, m.rate, m.exemption) == (chosen.heading, chosen.rate, chosen.exemption)
        and m.in_force(entry.entry_date, basis)
        and m.applies_to_origin(entry.origin)
        and m.conditions_met(entry, claim)
    ]
    if not alike:
        return None
    titles = "; ".join(m.title for m in [chosen, *alike])
    return (
        f"--metals-relief {relief} matches {len(alike) + 1} measures of this line alike ({titles}): the "
        f"line cites the first; each owes the same duty under {chosen.heading}, so the duty does not turn "
        "on which one the good is"
    )
