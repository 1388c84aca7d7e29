"""Product-specific rules of origin (USMCA Annex 4-B; HTSUS GN 11(o); UR Sch. 1): the model.

A rule is a list of *alternatives*; meeting any one is enough (UR s.3(6)).  An
alternative combines, all of which must hold:

* ``change``: a tariff classification change that every **non-originating**
  material must undergo (Annex 4-B General Interpretative Note (d)):
  ``level`` is chapter | heading | subheading | tariff_item (CC, CTH, CTSH,
  CTI); ``except`` lists codes/ranges a non-originating material may *not* come
  from; ``from`` lists codes/ranges a non-originating material *may* come from
  even without the change ("from subheading 8708.99, whether or not there is also
  a change from any other heading").  With ``from`` and no ``level`` the
  materials must come from those codes only.  A "change from any heading outside
  the group 72.08-72.16" is ``level: heading`` with ``except: ["72.08-72.16"]``.
  ``except_more_than_one`` lists groups of codes ("except from more than one of
  the following: (A) 8413.50-.60, (B) tariff items 8466.93.15 ..."): non-originating
  materials may come from one of the groups, never from two or more.
* ``rvc``: a regional value content threshold per method
  (``transaction_value``, ``net_cost``); a method that is absent is not allowed
  by this alternative (NC only: UR s.7(6)).  A threshold is a number or the name
  of a dated parameter (``usmca.staging.pv_lt_75``) for staged thresholds.
* ``weight_share``: at least ``min_percent`` by weight of the materials of the
  listed headings must be originating (chapter 73 steel rules; not an RVC).
* ``end_use`` / ``kind``: the alternative applies only to goods of these end uses
  (passenger_vehicle | light_truck | heavy_truck | aftermarket | other) or of
  these kinds (a tag such as ``body_stamping`` the case gives in ``good.kind``).
* ``material_kinds``: codes of ``except``/``from`` that the text names by kind ("except from
  housings of subheading 8508.70" -> ``{"8508.70": housings}``): only materials of that kind
  (``materials[].kind`` in the case) are excepted or allowed; a material of the code without a
  kind is a question, never a silent pass.
* ``except_kind``: the alternative does not apply to goods of these kinds (the
  law's "any other good of subheading 8708.29" after a rule for body stampings).
  A good with no kind is not excluded.
* ``process``: the good is originating because a process named by GN 11(n)(iv)-(v) (chapters
  28-40) or a chapter rule (ch. 27) took place in the territory: ``chemical_reaction``,
  ``purification``, ``mixing_blending``, ``particle_size``, ``standards_material``,
  ``isomer_separation``, ``biotechnological_processing``.  The case claims it in
  ``good.processes``; ``paragraph`` names the GN paragraph (``GN 11(n)(iv)(A)``) and ``proviso``
  its conditions (shown as facts to confirm).  ``goods_except`` lists goods the alternative does
  not reach ("except a good of heading 3301").
* ``proviso``: a condition in words that the engine cannot test from a bill of
  materials (e.g. the 7308 list of simple processes on 7216 sections that do not
  confer origin).  The determination must show it to the user as a fact to
  confirm; it never silently passes or fails on it.

A bundled rule (``tmec.origin.psr``) also carries ``note``: what the law says
beyond the encoded alternatives, or how the encoding simplifies it.

The YAML form is the one of ``rule:`` in a case file (shared/spec/case-format.md).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal, cast

from tmec.core.dates import Period
from tmec.core.errors import InputError
from tmec.core.hs import HSRange
from tmec.core.money import to_decimal
from tmec.core.numbers import RATIO
from tmec.core.params import ParameterSnapshot

__all__ = [
    "END_USES",
    "LEVEL_DIGITS",
    "PROCESSES",
    "Alternative",
    "Level",
    "RVCRequirement",
    "ResolvedThreshold",
    "Rule",
    "TariffChange",
    "Threshold",
    "WeightShare",
    "parse_alternative",
    "parse_rule",
]

Level = Literal["chapter", "heading", "subheading", "tariff_item"]
LEVEL_DIGITS: dict[str, int] = {"chapter": 2, "heading": 4, "subheading": 6, "tariff_item": 8}
END_USES = frozenset({"passenger_vehicle", "light_truck", "heavy_truck", "aftermarket", "other", "any"})
METHODS = ("transaction_value", "net_cost")
# The processes of GN 11(n)(iv)-(v) and GN 11(o) ch. 27 chapter rule 1 a producer may claim
# (``good.processes``), and the one that bars origin: (n)(iv)(H) separation from a man-made mixture.
PROCESSES = frozenset(
    {
        "chemical_reaction",
        "purification",
        "mixing_blending",
        "particle_size",
        "standards_material",
        "isomer_separation",
        "biotechnological_processing",
        "separation_from_mixture",
    }
)


@dataclass(frozen=True, slots=True)
class ResolvedThreshold:
    value: Decimal
    reference: str | None  # the parameter's reference when the threshold is a parameter
    unverified: bool = False


@dataclass(frozen=True, slots=True)
class Threshold:
    """A fixed percentage, or the name of a dated parameter resolved on the case's date."""

    value: Decimal | None = None
    parameter: str | None = None

    def resolve(self, params: ParameterSnapshot) -> ResolvedThreshold:
        if self.value is not None:
            return ResolvedThreshold(self.value, None)
        assert self.parameter is not None
        found = params[self.parameter]
        return ResolvedThreshold(found.decimal, found.reference, found.unverified)

    def __str__(self) -> str:
        return str(self.value) if self.value is not None else f"@{self.parameter}"


@dataclass(frozen=True, slots=True)
class RVCRequirement:
    transaction_value: Threshold | None = None
    net_cost: Threshold | None = None

    def methods(self) -> tuple[str, ...]:
        return tuple(m for m in METHODS if getattr(self, m) is not None)

    def threshold(self, method: str) -> Threshold | None:
        return cast(Threshold | None, getattr(self, method))


@dataclass(frozen=True, slots=True)
class TariffChange:
    level: Level | None = None
    except_: tuple[HSRange, ...] = ()
    from_: tuple[HSRange, ...] = ()
    except_more_than_one: tuple[tuple[HSRange, ...], ...] = ()
    # Materials the text names by kind ("housings of subheading 8508.70"): an ``except``/``from``
    # code listed here reaches only the materials of that kind (``materials[].kind``).
    material_kinds: tuple[tuple[HSRange, str], ...] = ()

    def kind_of(self, r: HSRange) -> str | None:
        return next((k for code, k in self.material_kinds if code == r), None)


@dataclass(frozen=True, slots=True)
class WeightShare:
    headings: tuple[HSRange, ...]
    min_percent: Decimal


@dataclass(frozen=True, slots=True)
class Alternative:
    change: TariffChange | None = None
    rvc: RVCRequirement | None = None
    weight_share: WeightShare | None = None
    end_use: frozenset[str] | None = None
    kind: frozenset[str] | None = None
    text: str | None = None
    except_kind: frozenset[str] | None = None
    proviso: str | None = None
    process: str | None = None
    paragraph: str | None = None  # the GN paragraph of a process alternative: GN 11(n)(iv)(A)
    goods_except: tuple[HSRange, ...] = ()

    def applies_to(self, end_use: str | None, kind: str | None) -> bool:
        if self.end_use is not None and (end_use or "any") not in self.end_use and "any" not in self.end_use:
            return False
        if self.except_kind is not None and kind in self.except_kind:
            return False
        return not (self.kind is not None and kind not in self.kind)


@dataclass(frozen=True, slots=True)
class Rule:
    alternatives: tuple[Alternative, ...]
    reference: str
    hs: HSRange | None = None  # the codes the rule covers, in `vintage`'s nomenclature
    vintage: str = "HS2012"
    valid: Period | None = None  # half-open; None: always (a case's own rule)
    confidence: str = "V"
    text: str | None = None  # the legal text, as written
    source: str | None = None  # file the rule came from
    extra: Mapping[str, Any] = field(default_factory=dict)
    note: str | None = None  # what the encoding leaves out or simplifies, conflicts in the sources

    def applicable(self, end_use: str | None, kind: str | None) -> tuple[Alternative, ...]:
        return tuple(a for a in self.alternatives if a.applies_to(end_use, kind))


_COMPACT_RANGE = re.compile(r"^(\d{2}|\d{4}|\d{6}|\d{8}|\d{10})(?:-(\d{2}|\d{4}|\d{6}|\d{8}|\d{10}))?$")


def hs_range(value: Any, *, field: str, source: str | None) -> HSRange:
    """``HSRange.parse``, with a fast path for the compact form the compiled rules are written in
    ("848210-848280"): loading every chapter parses some 5,000 of them."""
    if isinstance(value, str):
        m = _COMPACT_RANGE.match(value)
        if m is not None:
            start, end = m.group(1), m.group(2) or m.group(1)
            if len(start) == len(end) and start <= end:
                return HSRange(start, end)
    return HSRange.parse(value, field=field, source=source)


def _ranges(value: Any, *, field: str, source: str | None) -> tuple[HSRange, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, Sequence) or isinstance(value, bytes):
        raise InputError("expected a list of HS codes or ranges", field=field, source=source)
    return tuple(hs_range(v, field=f"{field}[{i}]", source=source) for i, v in enumerate(value))


def _groups(value: Any, *, field: str, source: str | None) -> tuple[tuple[HSRange, ...], ...]:
    if not isinstance(value, Sequence) or isinstance(value, str | bytes):
        raise InputError("expected a list of groups of HS codes", field=field, source=source)
    groups = tuple(_ranges(g, field=f"{field}[{i}]", source=source) for i, g in enumerate(value))
    if len(groups) == 1:
        raise InputError("expected two groups or more", field=field, source=source)
    return groups


_PLAIN_PERCENT = re.compile(r"^(?:100|\d{1,2})(?:\.\d{1,4})?$")


def _material_kinds(value: Any, *, field: str, source: str | None) -> tuple[tuple[HSRange, str], ...]:
    if value is None:
        return ()
    if not isinstance(value, Mapping) or not all(isinstance(k, str) and v for k, v in value.items()):
        raise InputError("expected a mapping of HS code -> kind of material", field=field, source=source)
    return tuple((hs_range(k, field=f"{field}.{k}", source=source), str(v)) for k, v in value.items())


def _threshold(value: Any, *, field: str, source: str | None) -> Threshold:
    if isinstance(value, str) and value.strip().lstrip("@")[:1].isalpha():
        return Threshold(parameter=value.strip().lstrip("@"))
    if isinstance(value, str) and _PLAIN_PERCENT.match(value):
        # "60", "62.5": the compiled rules' form, read without loading the locale-aware parser
        # (its locale data would cost a `tmec rules show` more than the rule itself).
        return Threshold(value=Decimal(value))
    number = to_decimal(value, field=field, source=source, limit=RATIO)
    if number > 100:
        raise InputError(f"expected a percentage from 0 to 100, found {value!r}", field=field, source=source)
    return Threshold(value=number)


def _names(value: Any, allowed: frozenset[str] | None, *, field: str, source: str | None) -> frozenset[str]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, Sequence) or not items:
        raise InputError("expected a name or a non-empty list of names", field=field, source=source)
    out = frozenset(str(v) for v in items)
    if allowed is not None and not out <= allowed:
        raise InputError(
            f"expected one of {sorted(allowed)}, found {sorted(out - allowed)}", field=field, source=source
        )
    return out


_KEYS = {
    "change",
    "except",
    "except_more_than_one",
    "from",
    "material_kinds",
    "rvc",
    "weight_share",
    "end_use",
    "kind",
    "except_kind",
    "proviso",
    "text",
    "process",
    "paragraph",
    "goods_except",
}


def parse_alternative(data: Any, *, field: str, source: str | None = None) -> Alternative:
    if not isinstance(data, Mapping):
        raise InputError("expected a mapping (change / rvc / weight_share)", field=field, source=source)
    unknown = set(data) - _KEYS
    if unknown:
        raise InputError(
            f"unknown key(s) {sorted(unknown)}; expected {sorted(_KEYS)}", field=field, source=source
        )
    change = None
    if "change" in data or "from" in data or "except" in data or "except_more_than_one" in data:
        level = data.get("change")
        if level is not None and (not isinstance(level, str) or level not in LEVEL_DIGITS):
            raise InputError(
                f"expected one of {list(LEVEL_DIGITS)}, found {level!r}",
                field=f"{field}.change",
                source=source,
            )
        change = TariffChange(
            level=cast(Level | None, level),
            except_=_ranges(data.get("except", []), field=f"{field}.except", source=source),
            from_=_ranges(data.get("from", []), field=f"{field}.from", source=source),
            except_more_than_one=_groups(
                data.get("except_more_than_one", []), field=f"{field}.except_more_than_one", source=source
            ),
            material_kinds=_material_kinds(
                data.get("material_kinds"), field=f"{field}.material_kinds", source=source
            ),
        )
        if change.level is None and not change.from_:
            raise InputError(
                "a change needs a level or a 'from' list", field=f"{field}.change", source=source
            )
    rvc = None
    if "rvc" in data:
        raw = data["rvc"]
        if not isinstance(raw, Mapping) or not raw or set(raw) - set(METHODS):
            raise InputError(
                "expected a mapping with transaction_value and/or net_cost",
                field=f"{field}.rvc",
                source=source,
            )
        rvc = RVCRequirement(
            **{m: _threshold(raw[m], field=f"{field}.rvc.{m}", source=source) for m in METHODS if m in raw}
        )
    weight_share = None
    if "weight_share" in data:
        raw = data["weight_share"]
        if not isinstance(raw, Mapping) or "headings" not in raw or "min_percent" not in raw:
            raise InputError(
                "expected headings and min_percent", field=f"{field}.weight_share", source=source
            )
        weight_share = WeightShare(
            headings=_ranges(raw["headings"], field=f"{field}.weight_share.headings", source=source),
            min_percent=_threshold(
                raw["min_percent"], field=f"{field}.weight_share.min_percent", source=source
            ).value
            or Decimal(0),
        )
    process = data.get("process")
    if process is not None and process not in PROCESSES:
        raise InputError(
            f"expected one of {sorted(PROCESSES)}, found {process!r}", field=f"{field}.process", source=source
        )
    if change is None and rvc is None and weight_share is None and process is None:
        raise InputError(
            "an alternative needs a change, an rvc, a weight_share or a process", field=field, source=source
        )
    return Alternative(
        change=change,
        rvc=rvc,
        weight_share=weight_share,
        end_use=_names(data["end_use"], END_USES, field=f"{field}.end_use", source=source)
        if "end_use" in data
        else None,
        kind=_names(data["kind"], None, field=f"{field}.kind", source=source) if "kind" in data else None,
        text=data.get("text"),
        except_kind=_names(data["except_kind"], None, field=f"{field}.except_kind", source=source)
        if "except_kind" in data
        else None,
        proviso=data.get("proviso"),
        process=process,
        paragraph=str(data["paragraph"]) if data.get("paragraph") is not None else None,
        goods_except=_ranges(data.get("goods_except", []), field=f"{field}.goods_except", source=source),
    )


def parse_rule(
    data: Any,
    *,
    field: str = "rule",
    source: str | None = None,
    reference: str = "rule given in the case file",
    **attributes: Any,
) -> Rule:
    """Parse the ``rule:`` form: ``{any_of: [alternative, ...]}`` or one alternative alone."""
    if isinstance(data, Mapping) and "any_of" in data:
        raw = data["any_of"]
        if not isinstance(raw, Sequence) or isinstance(raw, str) or not raw:
            raise InputError(
                "expected a non-empty list of alternatives", field=f"{field}.any_of", source=source
            )
        alternatives = tuple(
            parse_alternative(a, field=f"{field}.any_of[{i}]", source=source) for i, a in enumerate(raw)
        )
    else:
        alternatives = (parse_alternative(data, field=field, source=source),)
    return Rule(alternatives=alternatives, reference=reference, source=source, **attributes)
