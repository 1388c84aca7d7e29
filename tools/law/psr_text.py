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

__all__ = [
    "ParsedRecord",
    "codes_in",
    "exclude_named_kinds",
    "merge_same_codes",
    "parse_codes",
    "parse_record",
    "slug",
]

LEVELS = {"chapter": 2, "heading": 4, "subheading": 6, "tariff item": 8}
_LEVEL_WORD = r"(?:chapters?|headings?|subheadings?|tariff items?)"
# A code as GN 11 prints it: tariff item 8482.99.05, subheading 8407.31, heading 7208 (or the
# misprint 72.26), chapter 54 (only after the word chapter).
_CODE = r"\d{4}\.\d{2}\.\d{2}|\d{4}\.\d{2}|\d{2}\.\d{2}|\d{4}"
_CODE_RE = re.compile(rf"(?<![\d.])(?:{_CODE})(?![\d])")
_THROUGH = re.compile(rf"({_CODE})\s*through\s*({_CODE})")
# "chapters 28, 29, or 32": a comma may come with the "or"/"and" before the last chapter.
_CHAPTERS = re.compile(r"\bchapters?\s+((?:\d{1,2}\b(?:\s*(?:,\s*(?:or|and)?|or|and|through)\s*)?)+)")
_RVC_RE = re.compile(r"(\d+(?:\.\d+)?)\s*percent\s+(?:where|under)\s+the\s+(transaction value|net cost)\b")
_WEIGHT_RE = re.compile(
    r"at least (\d+(?:\.\d+)?) percent by weight of the materials of (.*?) (?:is|are)\s*originating"
)
_PERCENT_RE = re.compile(r"(\d+(?:\.\d+)?)\s*percent")
_LABEL_RE = re.compile(r"^\s*(?:\(?(?:[A-Za-z]|[ivxIVX]+|\d+)\)|\d+[.,]|\.\d+\.)\s*")
_MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        1,
    )
}
_DATE_RE = re.compile(
    r"(January|February|March|April|May|June|July|August|September|October|November|December)"
    r"\s+(\d{1,2}),\s*(\d{4})"
)
ENTRY_INTO_FORCE = dt.date(2020, 7, 1)
END_USES = {
    "passenger vehicle": "passenger_vehicle",
    "light truck": "light_truck",
    "heavy truck": "heavy_truck",
}
ANY_OTHER_USE = ["aftermarket", "other"]  # "For any other good of ...": aftermarket and other uses
EVERY_CHAPTER = "01-97"  # "from any chapter": no material is excluded by a change


def _fix(text: str) -> str:
    """Normalise the print oddities the README lists ("6006or", "through7326", "(A)No")."""
    text = text.replace("includinganother", "including another").replace("ofsubheading", "of subheading")
    text = re.sub(r"(\d)(or|and|through)\b", r"\1 \2", text)
    text = re.sub(r"\b(through|or|and)(\d)", r"\1 \2", text)
    text = re.sub(r"(\))(?=[A-Z])", r"\1 ", text)
    text = text.replace("goodis", "good is").replace("isoriginating", "is originating")
    text = re.sub(r"\b(other|that|the|net)(subheading|heading|chapter|group|cost|net)\b", r"\1 \2", text)
    text = text.replace("Achange", "A change").replace("thenet", "the net")
    text = text.replace("any other good subheading", "any other good of subheading")  # ch. 87 r. 38-39
    text = re.sub(r"\[Compiler's note:.*?\]", "", text)
    return re.sub(r"\s+", " ", text).strip()


def _compact(code: str) -> str:
    return code.replace(".", "")


_FILLER = {"a", "an", "the", "of", "kind", "used", "as", "is", "be"}


def slug(words: str) -> str:
    """A kind tag from the words that name it: "body stampings" -> ``body_stampings``."""
    words = re.sub(r"\(.*?\)", " ", words.lower())
    out = re.sub(r"[^a-z0-9]+", "_", words).strip("_")
    # "a battery of a kind used as the primary source" and "a battery used as the primary
    # source" name one kind: the small words do not tell kinds apart.
    kept = [w for w in out.split("_") if w not in _FILLER]
    return "_".join(kept[:6])


def _range(a: str, b: str | None = None) -> str:
    start = _compact(a)
    if b is None or _compact(b) == start:
        return start
    end = _compact(b)
    if len(end) != len(start):  # "8504.21 through 8504.34" only; a mixed pair is a misprint
        return start
    return f"{start}-{end}"


def parse_codes(text: str) -> list[str]:
    """Every code or range a phrase names, in order, compact ("7208-7229", "54", "84829905")."""
    out: list[str] = []
    for m in _CHAPTERS.finditer(text):
        body = m.group(1)
        for t in re.finditer(r"(\d{1,2})(?:\s*through\s*(\d{1,2}))?", body):
            a = f"{int(t.group(1)):02d}"
            out.append(a if not t.group(2) else f"{a}-{int(t.group(2)):02d}")
    rest = _CHAPTERS.sub(" ", text)
    pos = 0
    spans: list[tuple[int, str]] = []
    for m in _THROUGH.finditer(rest):
        spans.append((m.start(), _range(m.group(1), m.group(2))))
    taken = [(m.start(), m.end()) for m in _THROUGH.finditer(rest)]
    for m in _CODE_RE.finditer(rest):
        if any(a <= m.start() < b for a, b in taken):
            continue
        spans.append((m.start(), _range(m.group(0))))
    del pos
    out.extend(code for _, code in sorted(spans))
    return out


def codes_in(text: str) -> set[str]:
    """Every single code the text names (ranges by their bounds), compact: the "nothing lost"
    check compares these with the model's."""
    found: set[str] = set()
    for item in parse_codes(_strip_percent(text)):
        found.update(item.split("-"))
    return found


def _strip_percent(text: str) -> str:
    # "60 percent", "140 grams" and "15 persons" are numbers, not codes.
    text = _PERCENT_RE.sub(" ", text)
    text = re.sub(
        r"\d+(?:\.\d+)?\s*(?:grams|persons|months|decitex|mm|cm|kg|metric|tons|kW|kVA|cc)\b", " ", text
    )
    text = _DATE_RE.sub(" ", text)
    return re.sub(r"(?<![\d.])\d{1,3}\b(?!\.\d)", lambda m: m.group(0) if _in_chapter(text, m) else " ", text)


def _in_chapter(text: str, m: re.Match[str]) -> bool:
    before = text[max(0, m.start() - 40) : m.start()]
    return bool(re.search(r"chapters?\s+(?:\d{1,2}\s*(?:,\s*(?:or|and)?|or|and|through)\s*)*$", before))


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


def _parse_date(text: str) -> dt.date:
    m = _DATE_RE.search(text)
    assert m is not None
    return dt.date(int(m.group(3)), _MONTHS[m.group(1).lower()], int(m.group(2)))


def _dates(header: str) -> tuple[dt.date, dt.date | None]:
    start_m = re.search(r"Beginning on (.*?\d{4})", header)
    until_m = re.search(r"until (.*?\d{4})", header)
    start = _parse_date(start_m.group(1)) if start_m else ENTRY_INTO_FORCE
    end = _parse_date(until_m.group(1)) if until_m else None
    return start, end


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


def _reference(chapter: int, labels: list[str], page: int) -> str:
    return f"HTSUS GN 11(o), {' and '.join(labels)} (GN p. {page}); USMCA Annex 4-B, ch. {chapter}"


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


def _bounds(item: str) -> tuple[str, str]:
    start, _, end = item.partition("-")
    return start, end or start


def _step(code: str, by: int) -> str:
    return f"{int(code) + by:0{len(code)}d}"


def _carve(item: str, hole: str) -> list[str]:
    """A range without a sub-range of its level: "681292-681299" less "681299" -> ["681292-681298"]."""
    start, end = _bounds(item)
    low, high = _bounds(hole)
    out = []
    if start < low:
        out.append(_range_of(start, _step(low, -1)))
    if high < end:
        out.append(_range_of(_step(high, 1), end))
    return out


def _meet(a: str, b: str) -> bool:
    """Whether two codes or ranges, of any levels, share a code (compared at the coarser level)."""
    (a_low, a_high), (b_low, b_high) = _bounds(a), _bounds(b)
    n = min(len(a_low), len(b_low))
    return a_low[:n] <= b_high[:n] and b_low[:n] <= a_high[:n]


def _within(hole: str, item: str) -> bool:
    low, high = _bounds(hole)
    return _inside(low, item) and _inside(high, item)


def _range_of(start: str, end: str) -> str:
    return start if start == end else f"{start}-{end}"


def _inside(code: str, item: str) -> bool:
    start, end = _bounds(item)
    return len(code) == len(start) and start <= code <= end


def _nest(by_target: dict[tuple[str, ...], list[dict[str, Any]]]) -> None:
    """Branches of one rule for a code inside another branch's range ("(A) ... of subheading
    6812.99 ...; (E) any other good of subheadings 6812.92 through 6812.99"): both apply to that
    code, so its entry takes the wider branch too, and the wider range leaves the code out."""
    for narrow in list(by_target):
        for wide in list(by_target):
            if wide == narrow or wide not in by_target or narrow not in by_target:
                continue
            if all(any(_within(c, w) for w in wide) for c in narrow):
                by_target[narrow] = by_target[narrow] + by_target[wide]
                carved = list(wide)
                for c in narrow:
                    carved = [part for w in carved for part in (_carve(w, c) if _within(c, w) else [w])]
                alts = by_target.pop(wide)
                if carved:
                    by_target[tuple(carved)] = alts


def _same_codes(e: dict[str, Any]) -> tuple[Any, ...]:
    return (tuple(e["hs"]), e["valid_from"], e.get("valid_to"), e.get("scope"))


def exclude_named_kinds(entries: list[dict[str, Any]]) -> None:
    """An "any other good" of a code is any good but those of the kinds named for that code in the
    rules printed before it, for the same end use: GN 11(o) ch. 87 rule 25 ("For any other good
    of subheading 8708.29 for use in a passenger vehicle, light truck or heavy truck") follows
    rule 24 ("For a body stamping of subheading 8708.29 for use in a passenger vehicle or light
    truck"), so a body stamping for a passenger vehicle or light truck is not one of its goods,
    while one for a heavy truck is; rule 52's tariff items "for any other good of subheading
    8708.99" are not chassis frames (rule 50).  An alternative whose end uses the earlier kinds cover in
    part is split by end use.  Entries in print order, one chapter; drops the ``_any_other`` mark."""
    named: dict[tuple[Any, ...], list[tuple[str, frozenset[str] | None]]] = {}
    for e in entries:
        earlier = list(named.get(_same_codes(e), []))
        alts: list[dict[str, Any]] = []
        for alt in e["any_of"]:
            if not alt.pop("_any_other", False) or not earlier:
                alts.append(alt)
                continue
            uses = alt.get("end_use")
            by_kinds: dict[tuple[str, ...], list[str] | None] = {}
            for use in uses or [None]:
                kinds = set(alt.get("except_kind", []))
                kinds |= {k for k, ks in earlier if ks is None or use is None or use in ks}
                kinds -= set(alt.get("kind", []))
                group = by_kinds.setdefault(tuple(sorted(kinds)), [] if uses else None)
                if group is not None and use is not None:
                    group.append(use)
            for kinds_key, group in by_kinds.items():
                part = dict(alt)
                if group is not None:
                    part["end_use"] = group
                if kinds_key:
                    part["except_kind"] = list(kinds_key)
                alts.append(part)
        e["any_of"] = alts
        named.setdefault(_same_codes(e), []).extend(
            (k, frozenset(a["end_use"]) if a.get("end_use") else None)
            for a in alts
            for k in a.get("kind", [])
        )


def merge_same_codes(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rules printed apart for the same codes, dates and trade (8407.31-.34: one rule per end use;
    8523.52: one per kind of good) are one rule with the alternatives of each."""
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    for e in entries:
        key = _same_codes(e)
        first = merged.get(key)
        if first is None:
            merged[key] = e
            continue
        first["any_of"] = first["any_of"] + e["any_of"]
        first["text"] = first["text"] + "\n" + e["text"]
        first["gn"] = first["gn"] + ", " + e["gn"]
        first["_labels"] = first["_labels"] + e["_labels"]
        first["reference"] = _reference(int(first["gn"][8:10]), first["_labels"], first["page"])
        if e.get("note"):
            notes = [n for note in (first.get("note"), e["note"]) if note for n in note.split("; ")]
            first["note"] = "; ".join(dict.fromkeys(notes))
        if e.get("underscored"):
            first["underscored"] = True
    return list(merged.values())


def _weight_branches(by_target: dict[tuple[str, ...], list[dict[str, Any]]]) -> None:
    """(a) "from any other heading, except from headings X"; (b) "from headings X, provided that at
    least 70 percent by weight of the materials of X is originating": a good may use materials of
    other headings (a) together with materials of X (b), so (b) keeps the change of (a) besides
    its ``from`` list, and the weight test decides for the materials of X."""
    for alts in by_target.values():
        for alt in alts:
            if "weight_share" not in alt or "change" in alt or "from" not in alt:
                continue
            sibling = next((a for a in alts if a.get("except") == alt["from"] and "change" in a), None)
            if sibling is not None:
                alt["change"] = sibling["change"]


def parse_de_minimis(text: str) -> list[dict[str, Any]]:
    """The exceptions of GN 11(e)(ii) (Annex 4-A): for each lettered item, the codes of the
    non-originating materials de minimis does not cover and the codes of the goods it concerns,
    with the words (the item may name only some goods of a code: "dairy preparations containing
    over 10 percent by dry weight of milk solids")."""
    start = re.search(r"^\s*\(ii\)", text, re.M)
    end = re.search(r"^\s*\(iii\)", text, re.M)
    assert start is not None and end is not None, "GN 11(e) without its (ii) and (iii)"
    body = text[start.start() : end.start()]
    body = re.sub(r"\[\[GN p\.\d+\]\]", " ", body)
    items: list[dict[str, Any]] = []
    for line in body.splitlines():
        stripped = _fix(line.strip())
        letter = re.match(r"^\(([A-J])\)\s*(.*)$", stripped)
        sub = re.match(r"^\((\d)\)\s*(.*)$", stripped)
        if letter:
            words = letter.group(2)
            split = re.split(r"\bused (?:or consumed )?in the production of\b", words, maxsplit=1)
            materials = parse_codes(_strip_percent(split[0]))
            goods = parse_codes(_strip_percent(split[1])) if len(split) > 1 else []
            items.append(
                {
                    "para": f"GN 11(e)(ii)({letter.group(1)})",
                    "materials": materials,
                    "goods": goods,
                    "text": words,
                }
            )
        elif sub and items:
            items[-1]["goods"] = items[-1]["goods"] + parse_codes(_strip_percent(sub.group(2)))
            items[-1]["text"] += " " + stripped
    return items


def parse_de_minimis_rules(text: str) -> dict[str, Any]:
    """GN 11(e) as data: the (ii) exceptions, the (iii) same-subheading rule for chapters 1-27 and
    the (iv) weight rules for textiles, each number read from the text."""
    raw = re.sub(r"<[^>]+>", "", text)
    text = _fix(raw)
    same = re.search(r"chapters (\d+) through (\d+) unless", text)
    a = re.search(
        r"any of chapters (\d+) through (\d+) or heading (\d{4}).*?not more than (\d+) percent of the total "
        r"weight of the good",
        text,
    )
    b = re.search(
        r"chapter (\d+), (\d+) or (\d+) that is not.*?not more than (\d+) percent of the total weight "
        r"of the component",
        text,
    )
    elastic = re.findall(r"elastomeric yarns .*?do not exceed (\d+) percent", text)
    assert same and a and b and elastic, "GN 11(e) not in the expected words"
    return {
        "exceptions": parse_de_minimis(raw),
        "same_subheading": {
            "para": "GN 11(e)(iii)",
            "chapters": [f"{int(same.group(1)):02d}", same.group(2)],
        },
        "textiles": [
            {
                "para": "GN 11(e)(iv)(A)",
                "chapters": [a.group(1), a.group(2)],
                "headings": [a.group(3)],
                "max_weight_percent": a.group(4),
                "of": "good",
                "elastomeric_max_percent": elastic[0],
            },
            {
                "para": "GN 11(e)(iv)(B)",
                "chapters": [b.group(1), b.group(3)],
                "headings": [],
                "max_weight_percent": b.group(4),
                "of": "component",
                "elastomeric_max_percent": elastic[-1],
            },
        ],
    }
