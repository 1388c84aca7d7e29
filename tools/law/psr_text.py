"""From the words of HTSUS General Note 11(o) to the rule model's ``rule:`` form (pure; no I/O).

The input is one record of ``gn11o_rules.jsonl`` (a numbered rule, or a note that carries a
rule); the output is one or more *entries* in the form the bundled-rule loader reads
(``tmec.origin.psr``): ``hs``, ``text``, ``reference``, ``valid_from``/``valid_to``, ``scope``,
``gn``/``page`` and ``any_of`` (the ``rule:`` form of a case file).  Every branch of the text
becomes one alternative; a phrase the grammar below does not know is never dropped: the branch
keeps it as a ``proviso`` (a condition in words the user confirms) and the rule is listed in
``unparsed`` with the reason.

The grammar is the one GN 11(o) is written in::

    A change to TARGET from ORIGIN[, except from CODES][, provided CONDITION].
    No change in tariff classification to TARGET[,] provided there is a regional value content ...
    For a good of TARGET for use in a passenger vehicle[, light truck or heavy truck]:
    For any other good of TARGET:

TARGET names codes at one level ("subheadings 8407.31 through 8407.34", "tariff item
8482.99.05") and, before them, possibly a kind of good ("a body stamping of subheading
8708.29"; "any other good of" that subheading).  ORIGIN is "any other chapter|heading|
subheading|tariff item", "any heading outside that group", codes "..., whether or not there is
also a change from any other heading", or codes "or any other chapter".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from psr_codes import (
    _CODE,
    _LEVEL_WORD,
    ENTRY_INTO_FORCE,
    _compact,
    _dates,
    _fix,
    _strip_percent,
    parse_codes,
    slug,
)
from psr_ranges import _carve, _meet, _nest, _reference, _weight_branches, _within

__all__ = ["ParsedRecord", "parse_record"]

_RVC_RE = re.compile(r"(\d+(?:\.\d+)?)\s*percent\s+(?:where|under)\s+the\s+(transaction value|net cost)\b")
_WEIGHT_RE = re.compile(
    r"at least (\d+(?:\.\d+)?) percent by weight of the materials of (.*?) (?:is|are)\s*originating"
)
_LABEL_RE = re.compile(r"^\s*(?:\(?(?:[A-Za-z]|[ivxIVX]+|\d+)\)|\d+[.,]|\.\d+\.)\s*")
END_USES = {
    "passenger vehicle": "passenger_vehicle",
    "light truck": "light_truck",
    "heavy truck": "heavy_truck",
}
ANY_OTHER_USE = ["aftermarket", "other"]  # "For any other good of ...": aftermarket and other uses
EVERY_CHAPTER = "01-97"  # "from any chapter": no material is excluded by a change


@dataclass
class Branch:
    """One alternative of a rule, as read."""

    text: str
    targets: list[str]
    kind: str | None = None
    any_other: bool = False
    alternative: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    approximations: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)  # continuation lines: thresholds, lists


@dataclass
class ParsedRecord:
    entries: list[dict[str, Any]]
    problems: list[str]  # why (part of) the record could not be taken; empty when it was
    header: dict[str, Any] = field(default_factory=dict)  # the last "For ... :" line's context


_TARGET_RE = re.compile(
    rf"^(?P<kind>.*?)\b(?:of|to)\s+(?:any of\s+)?(?P<level>{_LEVEL_WORD})\s+"
    r"(?P<codes>(?:[\d.]+(?:\s*(?:,|or|and|through)\s*)?)+)"
)


def _target(text: str) -> tuple[list[str], str | None, bool]:
    """("subheadings 8407.31 through 8407.34" | "a body stamping of subheading 8708.29")
    -> (codes, kind, any other good).  "..., except for a good of subheading 2916.32" leaves
    those codes out of the target."""
    text = text.strip()
    m = re.search(r",?\s*except for (?:a good|goods) of (.*)$", text)
    if m:
        codes, kind, any_other = _target(text[: m.start()])
        for hole in parse_codes(m.group(1)):
            codes = [part for c in codes for part in (_carve(c, hole) if _within(hole, c) else [c])]
        return codes, kind, any_other
    head = re.match(rf"^(?P<level>{_LEVEL_WORD})\s+", text)
    if head:
        return parse_codes(text), None, False
    m = _TARGET_RE.match(text)
    if not m:
        return parse_codes(text), None, False
    codes = parse_codes(m.group("level") + " " + m.group("codes"))
    words = m.group("kind").strip().rstrip(",")
    words = re.sub(r"^(?:a|an|the)\s+", "", words)
    if words in {"", "good", "goods", "a good", "good classified", "good of any"}:
        return codes, None, False
    if words.startswith("any other good") or words == "any other goods":
        return codes, None, True
    rest = text[m.end() :].strip(" ,")
    kind_words = words + (" " + rest if rest and not re.match(r"^(?:from|provided)\b", rest) else "")
    return codes, kind_words, False


def _level_of(word: str) -> str:
    word = word.rstrip("s") if word != "tariff items" else "tariff item"
    return "tariff item" if word.startswith("tariff item") else word


def _origin(origin: str, targets: list[str], alt: dict[str, Any], branch: Branch) -> None:
    """Read the words after "from" (without the except and proviso parts) into ``alt``."""
    level: str | None = None
    frm: list[str] = []
    text = origin.strip().rstrip(",;. ")
    # "whether or not there is also a change from any other heading[, including another ...]"
    m = re.search(
        rf",?\s*whether or not there is also a change from any (?:other )?({_LEVEL_WORD})"
        rf"(?: outside that group)?",
        text,
    )
    if m:
        level = _level_of(m.group(1))
        if "outside that group" in m.group(0):
            alt.setdefault("except", []).extend(targets)
        text = (text[: m.start()] + text[m.end() :]).strip(" ,")
    text = re.sub(rf",?\s*including another {_LEVEL_WORD} within that group", "", text)
    parts = re.split(rf",?\s+or\s+(?=any\b|within\b|{_LEVEL_WORD}\s+\d)|,\s*(?=any other\b)", text)
    for part in parts:
        part = part.strip(" ,")
        if not part:
            continue
        g = re.fullmatch(rf"any ({_LEVEL_WORD}) outside that group", part)
        if g:
            level = _level_of(g.group(1))
            alt.setdefault("except", []).extend(targets)
            continue
        if re.fullmatch(r"(?:from )?more than one of the following:?", part):
            frm.extend(c for item in branch.items if "percent" not in item for c in parse_codes(item))
            branch.items = [item for item in branch.items if "percent" in item]
            continue
        g = re.fullmatch(r"(?P<what>.*?) of (?:that|those) (?:heading|subheading)s?", part)
        if g:
            frm.extend(targets)
            branch.approximations.append(f"materials named by kind, read by their codes: {part!r}")
            continue
        g = re.fullmatch(rf"any other ({_LEVEL_WORD})", part)
        if g:
            level = _level_of(g.group(1))
            continue
        g = re.fullmatch(rf"any ({_LEVEL_WORD})", part)
        if g:
            frm.append(EVERY_CHAPTER)
            continue
        if re.fullmatch(rf"any (?:other )?{_LEVEL_WORD} within (?:that|this) group", part):
            frm.extend(targets)  # a change inside the group is enough
            continue
        w = re.fullmatch(
            r"(?P<what>.*?)\s*within (?:that|those|these|the same) (?:heading|subheading)s?"
            r"(?:, any other subheading within that group)?",
            part,
        )
        if w:
            frm.extend(targets)
            what = w.group("what").strip()
            if what and what not in {"any other good", "any other goods"}:
                branch.approximations.append(
                    f"a change from another good of the same code, read as "
                    f"any material of that code: {part!r}"
                )
            continue
        codes = parse_codes(part)
        if not codes:
            branch.problems.append(f"origin not understood: {part!r}")
            continue
        frm.extend(codes)
        leftover = re.sub(rf"{_LEVEL_WORD}|through|\bor\b|\band\b|[\d.,;]|\s", "", part)
        if leftover and not _material_kinds(part, alt):
            branch.approximations.append(f"materials named by kind, read by their codes: {part!r}")
    if level is not None:
        alt["change"] = level.replace("tariff item", "tariff_item")
    if frm:
        alt["from"] = frm
    if level is None and not frm:
        branch.problems.append(f"no origin found in {origin!r}")


_KIND_OF = re.compile(
    rf"(?P<what>[A-Za-z][A-Za-z ,'()-]*?)\s+of\s+(?:{_LEVEL_WORD}\s+)?"
    rf"(?P<codes>(?:{_CODE})(?:\s*through\s*(?:{_CODE}))?)"
)
_LIST_WORDS = re.compile(rf"\b(?:from|or|and|through|any|{_LEVEL_WORD})\b|[\d.,;]")


def _material_kinds(part: str, alt: dict[str, Any]) -> bool:
    """Materials named by kind ("housings of subheading 8508.70", "battery cells of 8507.90"):
    each kind becomes a condition on the materials of its code (``material_kinds``: code -> kind;
    a case gives ``materials[].kind``).  True when every word of ``part`` is a code, a list word or
    such a kind, so that the encoding is exact; False leaves it an approximation."""
    found: dict[str, str] = {}
    rest = part
    for m in _KIND_OF.finditer(part):
        what = _LIST_WORDS.sub(" ", m.group("what")).strip(" ,")
        what = re.sub(r"^(?:other\s+)?", "", what).strip()
        if not what or re.search(r"\b(?:that|those|these|the same|within|outside|thereof)\b", what):
            return False
        rest = rest.replace(m.group(0), " ")
        if slug(what) in {"good", "goods"}:
            continue  # "a good of heading 5108", "any other good of 8536.70": the code alone
        for code in parse_codes(m.group("codes")):
            found[code] = slug(what)
    leftover = _LIST_WORDS.sub(" ", rest)
    if re.sub(r"\s", "", leftover):
        return False
    if found:
        alt.setdefault("material_kinds", {}).update(found)
    return True


def _except(text: str, alt: dict[str, Any], branch: Branch) -> None:
    text = text.strip(" ,;.")
    m = re.search(
        r"(?:^|,?\s*\bor\s+)(?:from\s+)?(?:more than one of the following|a combination of both):?$", text
    )
    if m:
        # "except from more than one of the following: (A) ..., (B) ...": materials of one
        # group may be non-originating, of two groups or more not.
        alt["except_more_than_one"] = [parse_codes(i) for i in branch.items if "percent" not in i]
        branch.items = [item for item in branch.items if "percent" in item]
        text = text[: m.start()].strip(" ,;.")
        if not text:
            return
    if text.startswith("for changes resulting from the following processes"):
        alt["proviso"] = "not " + text + " " + " ".join(branch.items)
        alt.setdefault("_codes_in_words", []).extend(parse_codes(text))
        branch.items = []
        return
    if re.fullmatch(rf"(?:from )?any {_LEVEL_WORD} within (?:that|this) group", text):
        alt.setdefault("except", []).extend(branch.targets)
        return
    codes = parse_codes(text)
    if not codes:
        branch.problems.append(f"exception not understood: {text!r}")
        return
    alt.setdefault("except", []).extend(codes)
    leftover = re.sub(rf"\bfrom\b|{_LEVEL_WORD}|through|\bor\b|\band\b|[\d.,;]|\s", "", text)
    if leftover and not _material_kinds(text, alt):
        branch.approximations.append(f"excepted materials named by kind, read by their codes: {text!r}")


def _rvc(text: str, branch: Branch, alt: dict[str, Any]) -> None:
    found: dict[str, str] = {}
    for source in [text, *branch.items]:
        for m in _RVC_RE.finditer(source):
            method = m.group(2).replace(" ", "_")
            found[method] = m.group(1)
    branch.items = [i for i in branch.items if not _RVC_RE.search(i)]
    if not found:
        branch.problems.append(f"regional value content without a threshold: {text!r}")
        return
    alt["rvc"] = {m: found[m] for m in ("transaction_value", "net_cost") if m in found}


def _condition(text: str, branch: Branch, alt: dict[str, Any]) -> None:
    """The words after "provided": an RVC, a weight share, or a condition kept in words."""
    text = text.strip(" ,;.")
    if not text:
        return
    if "regional value content" in text:
        _rvc(text, branch, alt)
        before = text[: text.index("regional value content")]
        rest = before.strip(" ,;")
        if not set(rest.lower().split()) - {"that", "there", "is", "the", "a", "an", "and"}:
            rest = ""
        if rest and rest != text:
            _condition(rest, branch, alt)
        return
    m = _WEIGHT_RE.search(text)
    if m:
        alt["weight_share"] = {"headings": parse_codes(m.group(2)), "min_percent": m.group(1)}
        return
    alt["proviso"] = ("provided " + text).strip()
    alt.setdefault("_codes_in_words", []).extend(parse_codes(_strip_percent(text)))


_CHANGE_RE = re.compile(r"^A change (?:to|of)\s+(?P<target>.*?)\s+from\s+(?P<rest>.*)$")
_NO_CHANGE_RE = re.compile(
    r"^No (?:required )?(?:change in tariff classification|tariff change) (?:is required )?(?:to )?"
    r"(?P<target>.*?)"
    r"(?:,?\s*(?:is required,?\s*)?(?P<cond>provided\b.*))?$"
)


def _branch(text: str, items: list[str], context: dict[str, Any]) -> Branch:
    text = _fix(text)
    text = re.sub(r";\s*or$|;$|\.$|,\s*or$|\s+or$", "", text).strip()
    alt: dict[str, Any] = {}
    m = _CHANGE_RE.match(text) or re.match(r"^A change (?P<target>)from\s+(?P<rest>.*)$", text)
    if m:
        if m.group("target"):
            targets, kind, any_other = _target(m.group("target"))
        else:  # "(B) A change from any other subheading ...": the target of the branch before
            targets, kind, any_other = list(context.get("last_targets", [])), None, False
        branch = Branch(text, targets, kind, any_other, alt, items=list(items))
        rest = m.group("rest")
        cond = ""
        pm = re.search(r",?\s*provided\b\s*", rest)
        if pm:
            rest, cond = rest[: pm.start()], rest[pm.end() :]
        em = re.search(
            r",?\s*(?:except\s+(?=from\b|for\b|\d|headings?\b|subheadings?\b|chapters?\b|tariff)"
            r"|excluding\s+)",
            rest,
        )
        exc = ""
        if em:
            rest, exc = rest[: em.start()], rest[em.end() :]
        _origin(rest, targets or context.get("targets", []), alt, branch)
        if exc:
            _except(exc, alt, branch)
        if cond:
            _condition(cond, branch, alt)
    else:
        m = _NO_CHANGE_RE.match(text)
        if not m:
            return Branch(text, context.get("targets", []), problems=[f"sentence not understood: {text!r}"])
        targets, kind, any_other = _target(m.group("target"))
        branch = Branch(text, targets, kind, any_other, alt, items=list(items))
        cond = (m.group("cond") or "").removeprefix("provided").strip()
        if cond:
            _condition(cond, branch, alt)
        if "rvc" not in alt and "weight_share" not in alt:
            # "No change in tariff classification [to] electronic microassemblies" (with or
            # without a proviso in words): no material is excluded by a change.
            alt["from"] = [EVERY_CHAPTER]
    header = context.get("targets", [])
    if (
        context.get("header")
        and header
        and branch.targets
        and not any(_meet(t, h) for t in branch.targets for h in header)
    ):
        # "For a good of subheading 8409.99 for use in ...: (A) No change ... to a good of
        # subheading 8409.91": the heading line governs; the branch's code is a misprint.
        branch.approximations.append(
            f"the branch names {', '.join(branch.targets)} under a heading line for "
            f"{', '.join(header)}: read as {', '.join(header)} (print error)"
        )
        branch.targets = list(header)
    if header and branch.targets and not set(branch.targets) & set(header):
        # "sweaters of subheading 6110.30 classified as part of an ensemble of subheading
        # 6103.23", in the rules for 6103.23: a kind of good of the note's codes.
        named = m.group("target") if m else text
        if any(code in _compact(named) for code in header):
            branch.kind = named
            branch.targets = list(header)
    if not branch.targets:
        branch.targets = list(context.get("targets", []))
    if branch.kind is None and context.get("kind"):
        branch.kind = context["kind"]
    if context.get("any_other"):
        branch.any_other = True
    if branch.items:
        branch.problems.append(f"lines not understood: {branch.items!r}")
    if context.get("end_use") is not None:
        alt["end_use"] = context["end_use"]
    if context.get("header"):
        branch.text = context["header"] + " " + branch.text
    return branch


_HEADER_USE = re.compile(
    rf"^For (?P<kind>.*?) of (?P<target>{_LEVEL_WORD}\s+[\d.]+(?:\s*(?:,|or|and|through)\s*[\d.]+)*)"
    r"(?:,? (?:for use in|used for|used in) (?P<use>.*?))?:$"
)
_HEADER_TRADE = re.compile(
    r"For the purposes of (?:trade between the territory of (?P<a>Canada|Mexico) and the territory of the"
    r" United States|all other trade)"
)
_HEADER_DATE = re.compile(r"^(?:(?:Heading|Subheading|Chapter) [Rr]ule(?: \d+)?:\s*)?Beginning on")
_BRANCH_START = re.compile(r"^(?:A change|No change|No required|Whether or not)")


def _uses(words: str) -> list[str]:
    return [v for k, v in END_USES.items() if k in words]


def _lines(record: dict[str, Any]) -> list[str]:
    lines = [ln.strip() for ln in record["text"].split("\n") if ln.strip()]
    if record["type"] == "rule":
        first = lines[0]
        label = record.get("label_raw", "")
        if label and first.startswith(label):
            first = first[len(label) :]
        lines[0] = first.strip()
    return lines


def _scope(words: str | None) -> str:
    if words == "Canada":
        return "CA-US"
    if words == "Mexico":
        return "MX-US"
    return "other"


def _carried(lines: list[str], before: ParsedRecord | None) -> dict[str, Any]:
    """The context a rule printed without opening words takes from the rule before it.

    GN 11(o) ch. 87 rules 53 and 55 begin "(A) A change to subheading 8708.99 ...": they follow
    rules 52 and 54 ("For any other good of subheading 8708.99 [for use in ...]:"), whose
    branches name only tariff items of 8708.99, and are those rules' branches for the rest of
    the subheading: the same end use, and "any other good" than the goods named before them."""
    if before is None or not before.header.get("header") or not lines:
        return {}
    first = _fix(lines[0])
    if not _BRANCH_START.match(_LABEL_RE.sub("", first, count=1).strip()):
        return {}
    m = _CHANGE_RE.match(_LABEL_RE.sub("", first, count=1).strip())
    targets = _target(m.group("target"))[0] if m and m.group("target") else []
    header = before.header.get("targets", [])
    if not targets or not all(any(_within(t, h) for h in header) for t in targets):
        return {}
    context = {k: v for k, v in before.header.items() if k != "kind"}
    context["any_other"] = True
    return context


def parse_record(record: dict[str, Any], before: ParsedRecord | None = None) -> ParsedRecord:
    """One GN 11(o) rule (or operative note) -> entries of the bundled-rule form.  ``before``:
    the record printed just before it, whose heading line a rule without one continues."""
    lines = _lines(record)
    context: dict[str, Any] = _carried(lines, before)
    carried = dict(context)
    valid: tuple[dt.date, dt.date | None] = (ENTRY_INTO_FORCE, None)
    scope: str | None = None
    groups: list[tuple[str | None, list[Branch]]] = []  # (scope, branches)
    pending: list[tuple[str, list[str]]] = []  # branch sentence + its continuation lines
    problems: list[str] = []

    def flush() -> None:
        for sentence, items in pending:
            b = _branch(sentence, items, context)
            context["last_targets"] = b.targets
            if not groups or groups[-1][0] != scope:
                groups.append((scope, []))
            groups[-1][1].append(b)
        pending.clear()

    for raw in lines:
        line = _fix(raw)
        body = _LABEL_RE.sub("", line, count=1).strip()
        if _HEADER_DATE.match(line) or line.startswith("Subheading Rule: Beginning"):
            flush()
            valid = _dates(line)
            m = re.search(rf"apply to ({_LEVEL_WORD}\s+.*?):?$", line)
            context = {"targets": parse_codes(m.group(1))} if m else {}
            continue
        trade = _HEADER_TRADE.search(line)
        if trade:
            flush()
            scope = _scope(trade.group("a"))
            m = re.search(rf"of goods of ({_LEVEL_WORD}\s+[\d.\s,through or and]+)", line)
            context = {"targets": parse_codes(m.group(1))} if m else {}
            continue
        header = _HEADER_USE.match(body)
        if header:
            flush()
            use = header.group("use")
            kind = re.sub(r"^(?:a|an)\s+", "", header.group("kind"))
            context = {
                "targets": parse_codes(header.group("target")),
                "end_use": _uses(use) if use else ANY_OTHER_USE,
                "header": body,
            }
            if kind not in {"good", "any other good"}:
                context["kind"] = kind
            elif kind == "any other good" and use:
                context["any_other"] = True
            continue
        if re.match(
            r"^(?:(?:Heading|Subheading|Chapter) [Rr]ule(?: \d+)?:\s*)?The following rule applies to", line
        ):
            flush()
            m = re.search(rf"of ({_LEVEL_WORD}\s+[\d.\s,]+(?:(?:or|and)\s+[\d.]+)?)", line)
            context = {"targets": parse_codes(m.group(1)) if m else [], "header": line}
            if m and line[m.end() :].strip(" :"):
                # "... of tariff items 8540.12.10 and 8540.12.50 incorporating a glass panel ...:"
                context["kind"] = line[m.end() :].strip(" :")
            continue
        if _BRANCH_START.match(body):
            if body.startswith("Whether or not") and pending:
                prev, items = pending[-1]
                pending[-1] = (prev.rstrip(":;, ") + ", " + body[0].lower() + body[1:], items)
                continue
            pending.append((body, []))
            continue
        if pending:
            pending[-1][1].append(body)
            continue
        problems.append(f"line not understood: {line!r}")
    flush()
    entries = _entries(record, groups, valid, problems)
    return ParsedRecord(entries, problems, dict(context) if context.get("header") else carried)


def _entries(
    record: dict[str, Any],
    groups: list[tuple[str | None, list[Branch]]],
    valid: tuple[dt.date, dt.date | None],
    problems: list[str],
) -> list[dict[str, Any]]:
    chapter = int(record["chapter"])
    label = (
        f"ch. {chapter} rule {record['rule_no']}"
        if record["type"] == "rule"
        else f"ch. {chapter} {record.get('label', record.get('kind', 'note'))}"
    )
    reference = _reference(chapter, [label], record["page"])
    entries: list[dict[str, Any]] = []
    for scope, branches in groups:
        kinds = {slug(b.kind) for b in branches if b.kind}
        by_target: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        notes: list[str] = []
        for b in branches:
            problems.extend(b.problems)
            notes.extend(b.approximations)
            alt = dict(b.alternative)
            alt.pop("_codes_in_words", None)
            if b.kind:
                alt["kind"] = [slug(b.kind)]
            elif b.any_other and kinds:
                alt["except_kind"] = sorted(kinds)
            if b.any_other:
                alt["_any_other"] = True  # kinds named in earlier rules: exclude_named_kinds
            if b.problems:
                alt = {"proviso": b.text, **{k: v for k, v in alt.items() if k in {"end_use", "kind"}}}
            alt["text"] = b.text
            key = tuple(b.targets)
            by_target.setdefault(key, []).append(alt)
        _weight_branches(by_target)
        _nest(by_target)
        for targets, alts in by_target.items():
            if not targets:
                problems.append("a branch names no codes")
                continue
            entry: dict[str, Any] = {
                "hs": list(targets),
                "gn": record["id"],
                "page": record["page"],
                "text": record["text"],
                "reference": reference,
                "_labels": [label],
                "valid_from": valid[0].isoformat(),
                "any_of": alts,
            }
            if valid[1] is not None:
                entry["valid_to"] = valid[1].isoformat()
            if scope is not None:
                entry["scope"] = scope
            if record.get("designation_underscored"):
                entry["underscored"] = True
            if notes:
                entry["note"] = "; ".join(dict.fromkeys(notes))
            entries.append(entry)
    return entries
