"""The core-parts requirement of a passenger vehicle or light truck (UR s.14(4)-(12); Table A.2).

A PV or LT is originating only if every Table A.2 column-1 part used in it is
originating at the core-part threshold (PV/LT-75 staging, net cost).  For each
part the VNM is either

* (7)(a) the full value of its non-originating materials, or
* (7)(b) only its non-originating column-2 components; every other
  non-originating material is disregarded (s.14(8));

and its net cost is always the part's own net cost under s.7.  Instead of part
by part, all column-1 parts may be taken as one, the **super-core** (s.14(10)):
``(Σ NC − Σ VNM) / Σ NC``.  The producer chooses, so this module tries each way
and keeps the one that passes.  The requirement's ``value`` is the lowest part RVC
when every part passes alone, else the super-core RVC.

A heavy truck has no Table A.2 test; its engines, gear boxes and chassis must
meet the Table D threshold (HT-70 staging) instead (UR s.15(4)).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tmec.core.errors import InputError
from tmec.core.hs import format as hs_format
from tmec.core.hs import validate
from tmec.core.money import ZERO, percent, to_decimal
from tmec.core.params import ParameterSnapshot
from tmec.core.trace import Question, Step
from tmec.origin.automotive._input import Reader
from tmec.origin.automotive.result import Requirement, join_refs
from tmec.origin.automotive.tables import A2_PART_IDS, parts_table, table_a2

__all__ = ["Component", "CorePart", "assess_core_parts", "parse_core_parts"]

ALIASES = {
    "engines": "engine",
    "transmissions": "transmission",
    "gearbox": "transmission",
    "gear_box": "transmission",
    "body": "body_chassis",
    "chassis": "body_chassis",
    "body_and_chassis": "body_chassis",
    "axles": "axle",
    "suspension_system": "suspension",
    "steering_system": "steering",
    "battery": "advanced_battery",
    "advanced_batteries": "advanced_battery",
}
# UR s.15(4): engines of 84.07/84.08, gear boxes of 8708.40 and chassis of 8708.99.
HT_CORE = {"engine": ("8407", "8408"), "transmission": ("870840",), "body_chassis": ("870899",)}
REF_A2 = "UR s.14(4)-(8); Automotive Appendix Art. 3.7; Table A.2"
REF_SUPER = "UR s.14(10) (super-core)"
REF_HT = "UR s.15(4); Automotive Appendix Art. 4; Table D"
_METHOD = {"traced": "VNM of column-2 components only, s.14(7)(b)", "full": "full VNM, s.14(7)(a)"}


@dataclass(frozen=True, slots=True)
class Component:
    hs: str
    value: Decimal
    originating: bool
    description: str = ""


@dataclass(frozen=True, slots=True)
class CorePart:
    """One column-1 part used in the vehicle, with its own net cost and VNM."""

    part: str  # a Table A.2 part id
    hs: str | None
    net_cost: Decimal | None
    vnm: Decimal | None  # all non-originating materials, s.14(7)(a)
    vnm_traced: Decimal | None  # non-originating column-2 components only, s.14(7)(b)
    certified: bool = False  # the supplier certified the part originating (possibly by averaging)
    tariff_shift: bool = False  # an 8507.60 advanced battery meeting its Sch. 1 tariff shift (s.14(6))
    label: str = ""
    components: tuple[Component, ...] = ()
    field: str = ""

    @property
    def name(self) -> str:
        return self.label or self.part


def _components(r: Reader) -> tuple[Component, ...]:
    out = []
    for i, raw in enumerate(r.items("components")):
        c = Reader(raw, f"{r.at('components')}[{i}]", r.source, {"hs", "value", "origin", "description"})
        origin = c.choice("origin", ("originating", "non_originating", "unknown"), "unknown")
        out.append(
            Component(
                hs=validate(c.data.get("hs"), min_digits=6, field=c.at("hs"), source=r.source),
                value=c.amount("value"),
                # Unknown origin counts as non-originating (DESIGN.md; UR s.8).
                originating=origin == "originating",
                description=c.text("description") or "",
            )
        )
    return tuple(out)


def parse_core_parts(raw: Any, *, field: str, source: str | None) -> tuple[CorePart, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        raise InputError("expected a list of Table A.2 column-1 parts", field=field, source=source)
    a2 = table_a2()
    out = []
    for i, item in enumerate(raw):
        r = Reader(
            item,
            f"{field}[{i}]",
            source,
            {
                "part",
                "hs",
                "net_cost",
                "vnm",
                "vnm_traced",
                "certified",
                "tariff_shift",
                "id",
                "description",
                "components",
            },
        )
        name = str(r.data.get("part", "")).strip().lower().replace(" ", "_")
        part_id = ALIASES.get(name, name)
        spec = a2.part(part_id)
        if spec is None:
            raise InputError(
                f"expected a Table A.2 column-1 part {list(A2_PART_IDS)}, found {r.data.get('part')!r}",
                field=r.at("part"),
                source=source,
            )
        hs = None
        if r.has("hs"):
            hs = validate(r.data["hs"], min_digits=6, field=r.at("hs"), source=source)
            if not spec.covers(hs):
                codes = ", ".join(str(c) for c in spec.hs)
                raise InputError(
                    f"{r.data['hs']} is not a column-1 code of Table A.2 {spec.description!r} "
                    f"(expected {codes})",
                    field=r.at("hs"),
                    source=source,
                )
        components = _components(r)
        tariff_shift = r.flag("tariff_shift")
        if tariff_shift and (part_id != "advanced_battery" or hs is None or not hs.startswith("850760")):
            raise InputError(
                "only an advanced battery of 8507.60 may be originating by its tariff shift "
                "(UR s.14(5)-(6)); "
                "give part: advanced_battery and its hs",
                field=r.at("tariff_shift"),
                source=source,
            )
        certified = r.flag("certified") or tariff_shift
        vnm = r.opt_amount("vnm")
        traced = r.opt_amount("vnm_traced")
        if components and traced is None:
            traced = _traced_vnm(part_id, components)
        net_cost = r.opt_amount("net_cost")
        if not certified and (net_cost is None or (vnm is None and traced is None)):
            raise InputError(
                "a core part needs its net_cost and vnm (or vnm_traced / components), or certified: true",
                field=r.field,
                source=source,
            )
        if net_cost is not None and net_cost == ZERO:
            raise InputError("expected a net cost greater than 0", field=r.at("net_cost"), source=source)
        if vnm is not None and traced is not None and traced > vnm:
            raise InputError(
                f"vnm_traced ({traced}) cannot exceed the part's full vnm ({vnm}): the column-2 components "
                "are among its non-originating materials",
                field=r.at("vnm_traced"),
                source=source,
            )
        out.append(
            CorePart(
                part=part_id,
                hs=hs,
                net_cost=net_cost,
                vnm=vnm,
                vnm_traced=traced,
                certified=certified,
                tariff_shift=tariff_shift,
                label=r.text("id") or r.text("description") or "",
                components=components,
                field=r.field,
            )
        )
    return tuple(out)


def _traced_vnm(part_id: str, components: Sequence[Component]) -> Decimal:
    """Σ of the non-originating components that Table A.2 column 2 lists for the part (s.14(7)(b))."""
    spec = table_a2().part(part_id)
    assert spec is not None
    return sum(
        (c.value for c in components if not c.originating and any(e.covers(c.hs) for e in spec.components)),
        ZERO,
    )


def _row(p: CorePart, value: Decimal, ok: bool) -> dict[str, Any]:
    hs = hs_format(p.hs) if p.hs else None
    return {
        "part": p.part,
        "name": p.name,
        "hs": hs,
        "net_cost": p.net_cost,
        "vnm": p.vnm,
        "value": value,
        "passed": ok,
    }


@dataclass(frozen=True, slots=True)
class _Trial:
    method: str  # "full" | "traced"
    value: Decimal


def _part_trials(p: CorePart) -> list[_Trial]:
    assert p.net_cost is not None
    trials = []
    if p.vnm is not None:
        trials.append(_Trial("full", percent(p.net_cost - p.vnm, p.net_cost)))
    if p.vnm_traced is not None:
        trials.append(_Trial("traced", percent(p.net_cost - p.vnm_traced, p.net_cost)))
    return trials


def assess_core_parts(
    parts: Sequence[CorePart],
    *,
    params: ParameterSnapshot,
    vehicle_class: str,
    not_used: Sequence[str] = (),
    threshold_parameter: str = "usmca.staging.pv_lt_75",
) -> Requirement:
    """Whether every Table A.2 column-1 part is originating, part by part or as a super-core."""
    if vehicle_class == "heavy_truck":
        return _assess_heavy_truck(parts, params=params)
    limit = params[threshold_parameter]
    threshold = limit.decimal
    steps: list[Step] = []
    questions: list[Question] = []
    rows: list[dict[str, Any]] = []
    all_pass = True
    lowest: Decimal | None = None
    for p in parts:
        if p.certified and p.net_cost is None:
            rows.append({"part": p.part, "name": p.name, "certified": True, "passed": True})
            why, ref = (
                ("meets its Schedule 1 tariff shift", "UR s.14(6)")
                if p.tariff_shift
                else ("certified originating by its producer", "UR s.16(10)-(11) (parts averaging)")
            )
            steps.append(Step(f"core_parts.{p.name}", why, f"{REF_A2}; {ref}", True))
            continue
        trials = _part_trials(p)
        best = max(trials, key=lambda t: t.value)
        ok = best.value >= threshold or p.certified
        all_pass &= ok
        lowest = best.value if lowest is None else min(lowest, best.value)
        rows.append(_row(p, best.value, ok) | {"vnm_traced": p.vnm_traced, "method": best.method})
        sign = ">=" if best.value >= threshold else "<"
        steps.append(
            Step(
                f"core_parts.{p.name}",
                f"RVC {best.value:.4f} {sign} {threshold} ({_METHOD[best.method]})",
                join_refs(REF_A2, limit.cite()),
                ok,
            )
        )
    declared = {p.part for p in parts}
    for missing in A2_PART_IDS:
        if missing in declared or missing in not_used:
            continue
        if missing in ("engine", "advanced_battery") and declared & {"engine", "advanced_battery"}:
            continue
        questions.append(
            Question(
                f"core_parts.{missing}",
                f"Is a Table A.2 {missing.replace('_', ' ')} used in the vehicle? Declare it under "
                "automotive.core_parts (with its net cost and VNM) or list it in core_parts_not_used.",
            )
        )
    super_core = _super_core(parts, threshold)
    details: dict[str, Any] = {
        "parts": rows,
        "super_core": super_core,
        "not_declared": [q.fact for q in questions],
    }
    if not parts:
        steps.append(Step("core_parts", "no Table A.2 column-1 part declared", REF_A2, False))
        return Requirement(
            "core_parts",
            None,
            threshold,
            False,
            REF_A2,
            details | {"method": None},
            tuple(steps),
            tuple(questions),
        )
    if all_pass:
        value = lowest
        method = "per_part"
        passed = True
    elif super_core is not None:
        value = Decimal(super_core["value"])
        method = "super_core"
        passed = bool(super_core["passed"])
        steps.append(
            Step(
                "core_parts.super_core",
                f"Σ NC {super_core['net_cost']}, Σ VNM {super_core['vnm']}: RVC {value:.4f} "
                f"{'>=' if passed else '<'} {threshold}",
                join_refs(REF_SUPER, limit.cite()),
                passed,
            )
        )
    else:
        value, method, passed = lowest, "per_part", False
    return Requirement(
        "core_parts",
        value,
        threshold,
        passed,
        join_refs(REF_A2, limit.cite()),
        details | {"method": method},
        tuple(steps),
        tuple(questions),
    )


def _super_core(parts: Sequence[CorePart], threshold: Decimal) -> dict[str, Any] | None:
    """All column-1 parts as one part, the super-core (UR s.14(10)).

    Σ NC of the parts against Σ VNM taken one way for all of them: (a) all their
    non-originating materials, or (b) only their non-originating column-2
    components; the producer chooses, so the better is kept.  Under (b) a part
    without a traced figure enters with its full VNM, which can only overstate its
    column-2 VNM.  A part certified originating without figures cannot enter the
    sums, so there is then no super-core.
    """
    if not parts or any(p.net_cost is None for p in parts):
        return None
    nc = sum((to_decimal(p.net_cost) for p in parts), ZERO)
    sums: dict[str, Decimal] = {}
    if all(p.vnm is not None for p in parts):
        sums["full"] = sum((to_decimal(p.vnm) for p in parts), ZERO)
    if any(p.vnm_traced is not None for p in parts):
        sums["traced"] = sum(
            (to_decimal(p.vnm_traced if p.vnm_traced is not None else p.vnm) for p in parts), ZERO
        )
    if not sums:
        return None
    method, vnm = min(sums.items(), key=lambda kv: kv[1])
    value = percent(nc - vnm, nc)
    return {"net_cost": nc, "vnm": vnm, "vnm_method": method, "value": value, "passed": value >= threshold}


def _assess_heavy_truck(parts: Sequence[CorePart], *, params: ParameterSnapshot) -> Requirement:
    """Heavy-truck engines, gear boxes and chassis at the Table D threshold (UR s.15(4))."""
    limit = params["usmca.staging.ht_70"]
    threshold = limit.decimal
    table_d = parts_table("D")
    steps: list[Step] = []
    rows: list[dict[str, Any]] = []
    passed = True
    lowest: Decimal | None = None
    for p in parts:
        if p.part not in HT_CORE:
            raise InputError(
                "a heavy truck's core parts are its engines, gear boxes and chassis (UR s.15(4)); "
                f"found {p.part!r}",
                field=f"{p.field}.part",
            )
        if p.hs is not None and (
            table_d.find(p.hs, "chassis_frame") is None or not p.hs.startswith(HT_CORE[p.part])
        ):
            raise InputError(
                f"{hs_format(p.hs)} is not a heavy-truck {p.part.replace('_', ' ')} of UR s.15(4) "
                f"({', '.join(HT_CORE[p.part])})",
                field=f"{p.field}.hs",
            )
        if p.certified and p.net_cost is None:
            rows.append({"part": p.part, "name": p.name, "certified": True, "passed": True})
            steps.append(Step(f"core_parts.{p.name}", "certified originating by its producer", REF_HT, True))
            continue
        assert p.net_cost is not None
        if p.vnm is None:
            raise InputError(
                "a heavy-truck part is tested on its full VNM (Table A.2 tracing is for PV/LT)",
                field=f"{p.field}.vnm",
            )
        value = percent(p.net_cost - p.vnm, p.net_cost)
        ok = value >= threshold or p.certified
        passed &= ok
        lowest = value if lowest is None else min(lowest, value)
        rows.append(_row(p, value, ok))
        steps.append(
            Step(
                f"core_parts.{p.name}",
                f"RVC {value:.4f} {'>=' if ok else '<'} {threshold}",
                join_refs(REF_HT, limit.cite()),
                ok,
            )
        )
    if not parts:
        steps.append(Step("core_parts", "no heavy-truck engine, gear box or chassis declared", REF_HT, True))
    return Requirement(
        "core_parts",
        lowest,
        threshold,
        passed,
        join_refs(REF_HT, limit.cite()),
        {"parts": rows, "method": "table_d"},
        tuple(steps),
    )
