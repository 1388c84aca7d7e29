"""Fungible materials: the inventory methods of UR Sch. 8 (19 USC 4531(g); UR s.8(18)-(22)).

When originating and non-originating materials are commingled in one
inventory, the origin of what is withdrawn for each shipment of goods follows
an inventory method.  :func:`fifo` implements first-in, first-out: each
withdrawal takes the earliest receipts still on hand that were received on or
before its date (Sch. 8 Appendix A, Example 1).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from tmec.core.errors import InputError

__all__ = ["Receipt", "Withdrawal", "fifo"]


@dataclass(frozen=True, slots=True)
class Receipt:
    date: dt.date
    quantity: Decimal
    originating: bool
    unit_value: Decimal


@dataclass(frozen=True, slots=True)
class Withdrawal:
    date: dt.date
    quantity: Decimal
    vnm: Decimal  # value of the non-originating units withdrawn
    vom: Decimal  # value of the originating units withdrawn
    non_originating_quantity: Decimal

    def to_dict(self) -> dict[str, str]:
        return {
            "date": self.date.isoformat(),
            "quantity": str(self.quantity),
            "vnm": str(self.vnm),
            "vom": str(self.vom),
            "non_originating_quantity": str(self.non_originating_quantity),
        }


def fifo(
    receipts: Sequence[Receipt], shipments: Sequence[tuple[dt.date, Decimal]], per_good: Decimal = Decimal(1)
) -> list[Withdrawal]:
    """VNM of the material withdrawn for each shipment under FIFO (UR Sch. 8).

    ``shipments`` are (date, quantity of goods); ``per_good`` units of the
    material go into one good.
    """
    lots = sorted(receipts, key=lambda r: r.date)
    on_hand = [r.quantity for r in lots]
    out: list[Withdrawal] = []
    for day, goods in sorted(shipments, key=lambda s: s[0]):
        need = goods * per_good
        vnm = vom = non_qty = Decimal(0)
        for i, lot in enumerate(lots):
            if need == 0:
                break
            if lot.date > day or on_hand[i] == 0:
                continue
            take = min(need, on_hand[i])
            on_hand[i] -= take
            need -= take
            if lot.originating:
                vom += take * lot.unit_value
            else:
                vnm += take * lot.unit_value
                non_qty += take
        if need > 0:
            raise InputError(f"not enough material on hand on {day.isoformat()}: {need} units short")
        out.append(Withdrawal(day, goods * per_good, vnm, vom, non_qty))
    return out
