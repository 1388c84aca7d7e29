"""Total cost and net cost of a good (19 USC 4531(a)(8), (a)(25); UR s.1, s.7(11)-(13)).

Total cost is the product, period and other costs on the producer's books;
net cost is total cost less the four excluded-cost families that it includes
(sales promotion/marketing/after-sales service, royalties, shipping and packing,
non-allowable interest).

A self-produced material is made on the same books: its own cost build-up, excluded costs
included, is part of the good's total cost, so its excluded costs are subtracted with the good's
(and, level by level, those of the self-produced materials inside it).  The exception is a
designated intermediate material: it enters at its total cost, a material's value, and the
excluded costs in it are not subtracted (UR s.7(13)(b)); nor are those inside a purchased
material's price.  ``costs.excluded`` of the good are the good's own, not its materials'.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tmec.origin.case import Costs, Material

__all__ = ["embedded_excluded", "material_cost_lines", "net_cost", "total_cost"]

ZERO = Decimal(0)


def material_cost_lines(materials: Sequence[Material]) -> tuple[Decimal, Decimal]:
    """Book value of originating and of non-originating materials, as they enter total cost.

    Unknown origin counts as non-originating; indirect materials count as
    originating (19 USC 4531(k)); a material with a producer's net cost
    statement enters at that net cost.  A self-produced material enters at its value,
    which is its own total cost unless the case states another.
    """
    originating = non_originating = ZERO
    for m in materials:
        if m.origin == "originating" or m.role == "indirect":
            originating += m.value
        elif m.accumulation is not None and m.accumulation.net_cost is not None:
            # An accumulated material enters the net cost at the net cost its producer states (UR s.9(2)(a)).
            non_originating += m.accumulation.net_cost
        else:
            non_originating += m.value
    return originating, non_originating


def total_cost(
    costs: Costs | None, materials: Sequence[Material], *, materials_only: bool = False
) -> Decimal | None:
    """The total cost: as stated, or summed from its five lines (materials lines from the BOM).

    ``None`` when the case gives no cost build-up at all: materials alone are not
    a total cost (labour and overhead would be missing), so the net cost method
    then lacks data rather than giving a flattering figure.  ``materials_only``
    accepts the sum of the materials instead, for a self-produced material listed
    only by its inputs.
    """
    if costs is None:
        if not materials_only or not materials:
            return None
        # A self-produced material listed only by its inputs: its cost is what they cost.
        return sum((m.value for m in materials), ZERO)
    if costs.total_cost is not None:
        return costs.total_cost
    originating, non_originating = material_cost_lines(materials)
    if costs.originating_materials is not None:
        originating = costs.originating_materials
    if costs.non_originating_materials is not None:
        non_originating = costs.non_originating_materials
    return originating + non_originating + costs.other_product_costs + costs.period_costs + costs.other_costs


def embedded_excluded(materials: Sequence[Material]) -> Decimal:
    """The excluded costs in the build-up of the self-produced materials that are not designated
    intermediate, at every level below them too (19 USC 4531(a)(8); UR s.7(13)); a designated
    intermediate material keeps its own (UR s.7(13)(b)).  Iterative: the nesting is the user's."""
    total = ZERO
    stack = list(materials)
    while stack:
        m = stack.pop()
        if not m.self_produced or m.intermediate:
            continue
        if m.costs is not None:
            total += m.costs.excluded.total
        stack.extend(m.materials)
    return total


def net_cost(total: Decimal, costs: Costs | None, materials: Sequence[Material] = ()) -> Decimal:
    """Total cost less the excluded costs included in it: the good's own and those of its
    self-produced, not designated intermediate, materials (:func:`embedded_excluded`)."""
    own = costs.excluded.total if costs is not None else ZERO
    return total - own - embedded_excluded(materials)
