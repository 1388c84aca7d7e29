"""The case file (shared/spec/case-format.md, format 1): parse and validate into dataclasses.

A *case* is one good, the date whose law applies, and how the good was made:
its bill of materials (nested for self-produced materials), its cost build-up
for the net cost method and its transaction value.  ``parse_case`` turns the
mapping read from YAML/JSON into a :class:`Case`; every bad value raises
:class:`~tmec.core.errors.InputError` naming the source and the field.

Fields beyond the contract, all optional (the contract allows additions):

* ``good.wholly_obtained`` — the producer declares the good wholly obtained or
  produced (Art. 4.2(a); 19 USC 4531(a)(4)); criterion A.  ``true``, or the letter of its basis
  in 19 USC 4531(a)(4)(A)-(K) (``A``: a mineral good extracted in the territory...).  A case that
  lists no materials gives that letter, or states ``costs.non_originating_materials``: without
  either, every test of origin would pass vacuously.
* ``good.set`` — the good is a set classified under GRI 3 (Art. 4.15; UR s.6).
* ``good.unassembled`` — imported unassembled or disassembled but classified as
  assembled under GRI 2(a) (criterion D(II); 19 USC 4531(c)(1)(D)(ii)(II)).
* ``materials[].role`` — ``material`` (default) | ``retail_packaging`` |
  ``packing`` | ``accessory`` | ``indirect`` (19 USC 4531(h)-(k); UR s.8(13)-(27)).
* ``materials[].ctc_unit`` — the producer elects to treat this self-produced
  material as the material that must change classification (UR s.3(8)).
* ``materials[].deductions`` — ``freight``, ``duties``, ``brokerage``, ``waste``:
  costs the producer may deduct from the value of a non-originating material,
  when documented (19 USC 4531(d)(10); UR s.8(3)).
* ``automotive`` — kept as read for the automotive assessment (UR Part 6).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from tmec.core import hs
from tmec.core.countries import country as country_code
from tmec.core.dates import parse_date
from tmec.core.errors import InputError, InvalidHSCode
from tmec.core.input_limits import MAX_MATERIAL_DEPTH
from tmec.core.money import to_decimal
from tmec.core.numbers import AMOUNT, QUANTITY, Limit, locale_name
from tmec.origin.net_cost import total_cost
from tmec.origin.rules import PROCESSES, Rule, parse_rule

__all__ = [
    "CATEGORIES",
    "END_USES",
    "METHODS",
    "ORIGINS",
    "ROLES",
    "Accumulation",
    "Case",
    "Costs",
    "ExcludedCosts",
    "Good",
    "Material",
    "Valuation",
    "parse_case",
]

ORIGINS = ("originating", "non_originating", "unknown")
METHODS = ("net_cost", "transaction_value")
CATEGORIES = ("passenger_vehicle", "light_truck", "heavy_truck", "other_vehicle", "auto_part", "other")
END_USES = ("passenger_vehicle", "light_truck", "heavy_truck", "aftermarket", "any", "other")
ROLES = ("material", "retail_packaging", "packing", "accessory", "indirect")
USMCA_COUNTRIES = frozenset({"US", "MX", "CA"})
EXCLUDED_FAMILIES = ("sales_promotion", "royalties", "shipping_packing", "non_allowable_interest")
DEDUCTIONS = ("freight", "duties", "brokerage", "waste")
COST_LINES = (
    "originating_materials",
    "non_originating_materials",
    "other_product_costs",
    "period_costs",
    "other_costs",
)


@dataclass(frozen=True, slots=True)
class Good:
    description: str | None
    hs: str  # compact digits, 6 to 10
    category: str = "other"
    end_use: str = "any"
    kind: str | None = None
    wholly_obtained: bool = False
    wholly_obtained_basis: str | None = None  # the letter of 19 USC 4531(a)(4)(A)-(K)
    is_set: bool = False
    unassembled: bool = False
    # Processes done in the territory the producer claims (GN 11(n)(iv)-(v)): chemical_reaction ...
    processes: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Valuation:
    transaction_value: Decimal
    international_shipping: Decimal = Decimal(0)

    @property
    def adjusted(self) -> Decimal:
        """TV adjusted to exclude international shipment costs (UR s.1 "adjusted to exclude")."""
        return self.transaction_value - self.international_shipping


@dataclass(frozen=True, slots=True)
class ExcludedCosts:
    sales_promotion: Decimal = Decimal(0)
    royalties: Decimal = Decimal(0)
    shipping_packing: Decimal = Decimal(0)
    non_allowable_interest: Decimal = Decimal(0)

    @property
    def total(self) -> Decimal:
        return self.sales_promotion + self.royalties + self.shipping_packing + self.non_allowable_interest


@dataclass(frozen=True, slots=True)
class Costs:
    """The net cost build-up; a line left ``None`` is summed from the materials."""

    total_cost: Decimal | None = None
    originating_materials: Decimal | None = None
    non_originating_materials: Decimal | None = None
    other_product_costs: Decimal = Decimal(0)
    period_costs: Decimal = Decimal(0)
    other_costs: Decimal = Decimal(0)
    excluded: ExcludedCosts = field(default_factory=ExcludedCosts)


@dataclass(frozen=True, slots=True)
class Accumulation:
    """A signed statement from the material's producer (Art. 4.11; UR s.9(2)-(3))."""

    net_cost: Decimal | None = None
    vnm: Decimal | None = None
    non_vnm_amount: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Material:
    id: str
    field: str  # where it sits in the case file, e.g. "materials[2].materials[0]"
    value: Decimal
    origin: str = "unknown"
    hs: str | None = None
    description: str | None = None
    quantity: Decimal | None = None
    weight_kg: Decimal | None = None
    country: str | None = None
    supplier: str | None = None
    kind: str | None = None  # what the material is, where a rule names materials by kind (housings)
    self_produced: bool = False
    intermediate: bool = False
    ctc_unit: bool = False
    role: str = "material"
    rule: Rule | None = None
    costs: Costs | None = None
    materials: tuple[Material, ...] = ()
    accumulation: Accumulation | None = None
    deductions: Mapping[str, Decimal] | None = None

    @property
    def originating(self) -> bool:
        return self.origin == "originating"


@dataclass(frozen=True, slots=True)
class Case:
    id: str | None
    date: dt.date
    good: Good
    materials: tuple[Material, ...] = ()
    rule: Rule | None = None
    method: str | None = None
    valuation: Valuation | None = None
    costs: Costs | None = None
    automotive: Mapping[str, Any] | None = None
    source: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False)


# Codes already validated (as written -> compact digits): a bill of materials repeats a few codes
# thousands of times, and the nomenclature lookup is the costly part of parsing.
_CHECKED: dict[tuple[str, int], str] = {}


class _Reader:
    """Field access with errors that name the source and the field path."""

    def __init__(self, source: str | None, locale: str | None = None) -> None:
        self.source = source
        self.locale = locale

    def error(self, message: str, where: str) -> InputError:
        return InputError(message, source=self.source, field=where)

    def mapping(self, value: Any, where: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.error(f"expected a mapping, found {type(value).__name__}", where)
        return value

    def required(self, data: Mapping[str, Any], key: str, where: str) -> Any:
        if key not in data or data[key] is None:
            raise self.error("missing required field", f"{where}.{key}" if where else key)
        return data[key]

    def amount(self, value: Any, where: str, limit: Limit = AMOUNT) -> Decimal:
        return to_decimal(value, field=where, source=self.source, locale=self.locale, limit=limit)

    def opt_amount(
        self, data: Mapping[str, Any], key: str, where: str, limit: Limit = AMOUNT
    ) -> Decimal | None:
        value = data.get(key)
        return None if value is None else self.amount(value, f"{where}.{key}", limit)

    def flag(self, data: Mapping[str, Any], key: str, where: str) -> bool:
        value = data.get(key, False)
        if not isinstance(value, bool):
            raise self.error(f"expected true or false, found {value!r}", f"{where}.{key}")
        return value

    def choice(self, value: Any, allowed: Sequence[str], where: str) -> str:
        if value not in allowed:
            raise self.error(f"expected one of {', '.join(allowed)}; found {value!r}", where)
        return str(value)

    def hs_code(self, value: Any, where: str, *, min_digits: int) -> str:
        known = _CHECKED.get((value, min_digits)) if isinstance(value, str) else None
        if known is not None:
            return known
        if isinstance(value, int) and not isinstance(value, bool):
            raise self.error(f"write HS codes as strings (quoted), found the number {value}", where)
        digits = hs.validate(value, min_digits=min_digits, field=where, source=self.source)
        if digits[:2] in ("98", "99"):
            # Chapters 98 and 99 are national provisions (HTSUS special classification, chapter-99
            # additional duties), never a good's or a material's classification in the HS.
            raise InvalidHSCode(
                f"{value!r} is a national chapter {digits[:2]} provision, not an HS classification",
                field=where,
                source=self.source,
            )
        # A national tariff item (8 or 10 digits) is checked on its HS-6, the international level.
        if not hs.exists(digits[:6] if len(digits) > 6 else digits):
            raise InvalidHSCode(
                f"{value!r} is not in the HS 2022 nomenclature", field=where, source=self.source
            )
        if isinstance(value, str) and len(_CHECKED) < 100_000:
            _CHECKED[(value, min_digits)] = digits
        return digits


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _costs(r: _Reader, data: Any, where: str) -> Costs:
    data = r.mapping(data, where)
    excluded_raw = r.mapping(data.get("excluded") or {}, f"{where}.excluded")
    unknown = set(excluded_raw) - set(EXCLUDED_FAMILIES)
    if unknown:
        raise r.error(
            f"unknown excluded-cost family {sorted(unknown)}; expected {', '.join(EXCLUDED_FAMILIES)}",
            f"{where}.excluded",
        )
    excluded = ExcludedCosts(
        **{k: r.amount(v, f"{where}.excluded.{k}") for k, v in excluded_raw.items() if v is not None}
    )
    return Costs(
        total_cost=r.opt_amount(data, "total_cost", where),
        originating_materials=r.opt_amount(data, "originating_materials", where),
        non_originating_materials=r.opt_amount(data, "non_originating_materials", where),
        other_product_costs=r.opt_amount(data, "other_product_costs", where) or Decimal(0),
        period_costs=r.opt_amount(data, "period_costs", where) or Decimal(0),
        other_costs=r.opt_amount(data, "other_costs", where) or Decimal(0),
        excluded=excluded,
    )


def _accumulation(r: _Reader, data: Any, where: str) -> Accumulation:
    data = r.mapping(data, where)
    acc = Accumulation(
        net_cost=r.opt_amount(data, "net_cost", where),
        vnm=r.opt_amount(data, "vnm", where),
        non_vnm_amount=r.opt_amount(data, "non_vnm_amount", where),
    )
    if acc.vnm is None and acc.non_vnm_amount is None:
        raise r.error(
            "an accumulation statement gives vnm (with or without net_cost) or non_vnm_amount", where
        )
    if acc.net_cost is not None and acc.vnm is None:
        raise r.error("a net cost statement gives the material's vnm with its net_cost (UR s.9(2)(a))", where)
    return acc


def _material(
    r: _Reader, data: Any, where: str, index: int, depth: int = 1, above: frozenset[int] = frozenset()
) -> Material:
    data = r.mapping(data, where)
    if id(data) in above:  # a YAML alias can make a material list itself among its own materials
        raise r.error("a material contains itself (a YAML alias to one of its own parents)", where)
    if depth > (limit := MAX_MATERIAL_DEPTH.value()):
        raise MAX_MATERIAL_DEPTH.exceeded(
            f"materials nested too deep: more than {limit} levels", limit, source=r.source, field=where
        )
    self_produced = r.flag(data, "self_produced", where)
    intermediate = r.flag(data, "intermediate", where)
    if intermediate and not self_produced:
        raise r.error(
            "only a self-produced material may be designated as an intermediate material "
            "(USMCA Art. 4.8; UR s.8(6)); this one is purchased (self_produced is not true)",
            f"{where}.intermediate",
        )
    ctc_unit = r.flag(data, "ctc_unit", where)
    if ctc_unit and not self_produced:
        raise r.error(
            "only a self-produced material can be elected as the CTC unit (UR s.3(8))", f"{where}.ctc_unit"
        )
    children_raw = data.get("materials") or []
    if not isinstance(children_raw, Sequence) or isinstance(children_raw, str):
        raise r.error("expected a list of materials", f"{where}.materials")
    if children_raw and not self_produced:
        raise r.error("only a self-produced material lists its own materials", f"{where}.materials")
    inside = above | {id(data)}
    children = tuple(
        _material(r, c, f"{where}.materials[{i}]", i, depth + 1, inside) for i, c in enumerate(children_raw)
    )
    costs = _costs(r, data["costs"], f"{where}.costs") if data.get("costs") is not None else None
    if "value" in data and data["value"] is not None:
        value = r.amount(data["value"], f"{where}.value")
    elif self_produced and (costs is not None or children):
        value = Decimal(-1)  # filled in below from the cost build-up
    else:
        raise r.error("missing required field", f"{where}.value")
    origin = r.choice(data.get("origin", "unknown"), ORIGINS, f"{where}.origin")
    country = data.get("country")
    accumulation = None
    if data.get("accumulation") is not None:
        accumulation = _accumulation(r, data["accumulation"], f"{where}.accumulation")
        if country is not None and str(country).upper() not in USMCA_COUNTRIES:
            raise r.error(
                f"accumulation needs production in USMCA territory (US, MX, CA), found country {country!r} "
                "(USMCA Art. 4.11; UR s.9)",
                f"{where}.accumulation",
            )
    deductions = None
    if data.get("deductions") is not None:
        raw = r.mapping(data["deductions"], f"{where}.deductions")
        unknown = set(raw) - set(DEDUCTIONS)
        if unknown:
            raise r.error(
                f"unknown deduction {sorted(unknown)}; expected {', '.join(DEDUCTIONS)}",
                f"{where}.deductions",
            )
        deductions = {k: r.amount(v, f"{where}.deductions.{k}") for k, v in raw.items() if v is not None}
        if value >= 0 and sum(deductions.values(), Decimal(0)) > value:
            raise r.error(f"the deductions exceed the material's value {value}", f"{where}.deductions")
    material = Material(
        id=str(data.get("id") or f"M{index + 1}"),
        field=where,
        value=value,
        origin=origin,
        hs=r.hs_code(data["hs"], f"{where}.hs", min_digits=4) if data.get("hs") is not None else None,
        description=_text(data.get("description")),
        quantity=r.opt_amount(data, "quantity", where, QUANTITY),
        weight_kg=r.opt_amount(data, "weight_kg", where, QUANTITY),
        country=country_code(country, field=f"{where}.country", source=r.source)
        if country is not None
        else None,
        supplier=_text(data.get("supplier")),
        kind=_text(data.get("kind")),
        self_produced=self_produced,
        intermediate=intermediate,
        ctc_unit=ctc_unit,
        role=r.choice(data.get("role", "material"), ROLES, f"{where}.role"),
        rule=parse_rule(data["rule"], field=f"{where}.rule", source=r.source)
        if data.get("rule") is not None
        else None,
        costs=costs,
        materials=children,
        accumulation=accumulation,
        deductions=deductions,
    )
    if value < 0 or (intermediate and costs is not None):
        # A self-produced material without a stated value is valued at its own total cost; an
        # intermediate material's value *is* its total cost (UR s.8(1)(c), s.8(8)).
        material = replace(material, value=total_cost(costs, children, materials_only=True) or Decimal(0))
    return material


def _good(r: _Reader, data: Any) -> Good:
    data = r.mapping(data, "good")
    return Good(
        description=_text(data.get("description")),
        hs=r.hs_code(r.required(data, "hs", "good"), "good.hs", min_digits=6),
        category=r.choice(data.get("category", "other"), CATEGORIES, "good.category"),
        end_use=r.choice(data.get("end_use", "any"), END_USES, "good.end_use"),
        kind=str(data["kind"]) if data.get("kind") is not None else None,
        **_wholly_obtained(r, data.get("wholly_obtained", False)),
        is_set=r.flag(data, "set", "good"),
        unassembled=r.flag(data, "unassembled", "good"),
        processes=_processes(r, data.get("processes")),
    )


def _processes(r: _Reader, value: Any) -> frozenset[str]:
    if value is None:
        return frozenset()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
        raise r.error("expected a process name or a list of them", "good.processes")
    unknown = sorted(set(items) - PROCESSES)
    if unknown:
        raise r.error(
            f"unknown process {unknown}; expected one of {', '.join(sorted(PROCESSES))}", "good.processes"
        )
    return frozenset(items)


# 19 USC 4531(a)(4) (USMCA Art. 4.3): what a good wholly obtained or produced is.
WHOLLY_OBTAINED = {
    "A": "a mineral good or other naturally occurring substance extracted or taken in the territory",
    "B": "a plant or plant good grown, cultivated, harvested, picked or gathered in the territory",
    "C": "a live animal born and raised in the territory",
    "D": "a good obtained from a live animal raised in the territory",
    "E": "an animal obtained by hunting, trapping, fishing, gathering or capturing in the territory",
    "F": "a good obtained from aquaculture in the territory",
    "G": "fish, shellfish or other marine life taken from the sea by a vessel of a Party",
    "H": "a good produced on board a factory ship of a Party from goods of (G)",
    "I": "a good other than fish taken by a Party or its person from the seabed or subsoil outside the "
    "territory, with the right to exploit it",
    "J": "waste and scrap from production in the territory, or from used goods collected there, fit only "
    "for the recovery of raw materials",
    "K": "a good produced in the territory exclusively from goods of (A) to (J)",
}


def _wholly_obtained(r: _Reader, value: Any) -> dict[str, Any]:
    where = "good.wholly_obtained"
    if isinstance(value, bool):
        return {"wholly_obtained": value}
    letter = str(value).strip().strip("()").upper()
    if letter not in WHOLLY_OBTAINED:
        raise r.error(
            "expected true, false or the letter of the basis in 19 USC 4531(a)(4)(A)-(K) "
            f"(A: mineral goods extracted...; K: goods produced exclusively from them), found {value!r}",
            where,
        )
    return {"wholly_obtained": True, "wholly_obtained_basis": letter}


def parse_case(data: Any, *, source: str | None = None, locale: str | None = None) -> Case:
    """Validate a case mapping (as read from YAML or JSON) into a :class:`Case`.

    Amounts written as text are read in the case's own ``locale:`` if it has one, else in
    ``locale`` (the ``--locale`` flag), else as ``en`` and ``es-MX`` write them (1,234.56).

    >>> case = parse_case({"date": "2023-07-01", "good": {"hs": "8482.10"},
    ...                    "materials": [{"id": "RING", "hs": "8482.99", "value": "1.50",
    ...                                   "origin": "non_originating"}]})
    >>> case.good.hs, case.materials[0].value
    ('848210', Decimal('1.50'))
    >>> parse_case({"date": "2023-07-01"}, source="c.yaml")
    Traceback (most recent call last):
    ...
    tmec.core.errors.InputError: c.yaml: good: missing required field
    """
    if not isinstance(data, Mapping):
        raise InputError(
            f"expected a case: a mapping with date, good and materials; found {type(data).__name__}",
            source=source,
        )
    if data.get("locale") is not None:
        locale = locale_name(data["locale"], field="locale", source=source)
    r = _Reader(source, locale)
    fmt = data.get("format", 1)
    if fmt != 1:
        raise r.error(f"expected format 1, found {fmt!r}", "format")
    day = parse_date(r.required(data, "date", ""), field="date", source=source)
    good = _good(r, r.required(data, "good", ""))
    materials_raw = data.get("materials") or []
    if not isinstance(materials_raw, Sequence) or isinstance(materials_raw, str):
        raise r.error("expected a list of materials", "materials")
    materials = tuple(_material(r, m, f"materials[{i}]", i) for i, m in enumerate(materials_raw))
    valuation = None
    if data.get("valuation") is not None:
        v = r.mapping(data["valuation"], "valuation")
        valuation = Valuation(
            transaction_value=r.amount(
                r.required(v, "transaction_value", "valuation"), "valuation.transaction_value"
            ),
            international_shipping=r.opt_amount(v, "international_shipping", "valuation") or Decimal(0),
        )
        if valuation.adjusted <= 0:
            raise r.error(
                "the adjusted transaction value (TV less international shipping) must be positive",
                "valuation",
            )
    method = data.get("method")
    if method is not None:
        method = r.choice(method, METHODS, "method")
    automotive = data.get("automotive")
    if automotive is not None:
        automotive = r.mapping(automotive, "automotive")
    costs = _costs(r, data["costs"], "costs") if data.get("costs") is not None else None
    if (
        not materials
        and good.wholly_obtained_basis is None
        and (costs is None or costs.non_originating_materials is None)
    ):
        # Without materials every test of origin passes vacuously: only a wholly obtained good,
        # declared with its basis, has none to list; or the cost build-up declares the
        # non-originating materials' total (the Uniform Regulations' worked examples do).
        raise r.error(
            "the case lists no materials: list the bill of materials, declare the good wholly obtained "
            "with its basis (good.wholly_obtained: the letter of 19 USC 4531(a)(4)(A)-(K)), or state "
            "costs.non_originating_materials",
            "materials",
        )
    return Case(
        id=str(data["id"]) if data.get("id") is not None else None,
        date=day,
        good=good,
        materials=materials,
        rule=parse_rule(data["rule"], field="rule", source=source) if data.get("rule") is not None else None,
        method=method,
        valuation=valuation,
        costs=costs,
        automotive=automotive,
        source=source,
        raw=data,
    )
