"""Allocating costs among goods (19 USC 4531(d)(7); UR s.7(11), Sch. 5).

* :func:`allocate` spreads an amount (overhead, say) over goods in proportion to
  an allocation base (direct labour hours or cost, units, machine hours, sales
  value, floor space; UR Sch. 5 Appendix A).  The official examples round the
  ratios before multiplying; ``ratio_places`` reproduces that, and ``None``
  (the default) keeps them exact.
* :func:`allocate_net_cost` computes the net cost of each good by method (a) of
  UR s.7(11) — total cost of all goods less excluded costs, then allocated — or
  method (b) — total cost allocated, then the excluded costs allocated to the
  good subtracted (UR s.7(22) Examples 5 and 6).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from tmec.core.errors import InputError

__all__ = ["NetCostShare", "allocate", "allocate_net_cost", "shares"]


def shares(basis: Mapping[str, Decimal], ratio_places: int | None = None) -> dict[str, Decimal]:
    """Each good's share of the allocation base, optionally rounded as the official examples do."""
    total = sum(basis.values(), Decimal(0))
    if total <= 0:
        raise InputError("the allocation base must be positive", field="basis")
    out = {}
    for good, amount in basis.items():
        ratio = amount / total
        if ratio_places is not None:
            ratio = ratio.quantize(Decimal(1).scaleb(-ratio_places), rounding=ROUND_HALF_UP)
        out[good] = ratio
    return out


def allocate(
    amount: Decimal, basis: Mapping[str, Decimal], ratio_places: int | None = None
) -> dict[str, Decimal]:
    """Spread ``amount`` over the goods of ``basis`` in proportion to it (UR Sch. 5).

    >>> allocate(Decimal(6_000_000), {"A": Decimal(5000), "B": Decimal(3000)})
    {'A': Decimal('3750000.000'), 'B': Decimal('2250000.000')}
    """
    return {good: amount * ratio for good, ratio in shares(basis, ratio_places).items()}


@dataclass(frozen=True, slots=True)
class NetCostShare:
    total_cost: Decimal
    excluded: dict[str, Decimal]
    net_cost: Decimal

    def to_dict(self) -> dict[str, object]:
        return {
            "total_cost": str(self.total_cost),
            "excluded": {k: str(v) for k, v in self.excluded.items()},
            "net_cost": str(self.net_cost),
        }


def allocate_net_cost(
    total_cost: Decimal,
    excluded: Mapping[str, Decimal],
    basis: Mapping[str, Decimal],
    method: str = "b",
    ratio_places: int | None = None,
) -> dict[str, NetCostShare]:
    """Net cost of each good of a group (UR s.7(11)(a) or (b))."""
    if method not in ("a", "b"):
        raise InputError(f"expected allocation method a or b, found {method!r}", field="method")
    excluded_total = sum(excluded.values(), Decimal(0))
    ratio = shares(basis, ratio_places)
    out = {}
    for good, r in ratio.items():
        allocated = {family: amount * r for family, amount in excluded.items()}
        if method == "a":
            net = (total_cost - excluded_total) * r
        else:
            net = total_cost * r - sum(allocated.values(), Decimal(0))
        out[good] = NetCostShare(total_cost * r, allocated, net)
    return out
