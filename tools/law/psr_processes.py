"""The chapter-group process rules of HTSUS GN 11(n)(iv)-(v) and GN 11(o) ch. 27 chapter rule 1.

GN 11(n)(iv) (chapters 28-38) and (n)(v) (chapters 39-40) let a producer claim origin by a process
done in the territory -- a chemical reaction, purification, mixing and blending, a change in particle
size, a standards material, the separation of isomers, biotechnological processing -- as an
alternative to the chapter's rules in GN 11(o) ("Notwithstanding the preceding sentence, a good is an
originating good if it meets the applicable change in tariff classification or ... value content").
One paragraph works the other way: (n)(iv)(H) denies origin to a good whose change of classification
comes from separating materials out of a man-made mixture, unless the isolated material underwent a
chemical reaction.

Each lettered paragraph becomes a *provision*: the process (named from the words that describe it),
the goods it covers and the goods it leaves out (codes read from the text), its conditions (the
sub-paragraphs, and for a chemical reaction the definition paragraph with what is not one), its
verbatim text and page.  ``attach`` turns the provisions that confer origin into alternatives of the
chapter's rules, and the barring ones into the rule's ``limits``.
"""

from __future__ import annotations

import re
from typing import Any

from psr_codes import _fix, parse_codes

# The words that name each process in the text -> the name a case uses in ``good.processes``.
# Checked in order: the definition paragraph (B) mentions "chemical reaction" too.
PROCESS_WORDS: tuple[tuple[str, str], ...] = (
    ("a “chemical reaction” is", "definition:chemical_reaction"),
    ("separation of one or more materials from a man-made mixture", "separation_from_mixture"),
    ("chemical reaction", "chemical_reaction"),
    ("product of a chemical reaction", "chemical_reaction"),
    ("subject to purification", "purification"),
    ("mixing or blending", "mixing_blending"),
    ("modification in particle size", "particle_size"),
    ("standards material", "standards_material"),
    ("separation of isomers", "isomer_separation"),
    ("biochemical process", "biotechnological_processing"),
)
BARRING = {"separation_from_mixture": "chemical_reaction"}  # the process that lifts the bar
PROCESSES = tuple(dict.fromkeys(p for _, p in PROCESS_WORDS if not p.startswith("definition:")))

_GROUP_START = re.compile(r"^\((iv|v)\) A good of any heading in chapters")
_LETTER = re.compile(r"^\(([A-Z])\)\s*(.*)$")
_SUB = re.compile(r"^(?:\((\d+|[IVX]+|[a-z])\)|\((VIII)\))\s*(.*)$")
_PAGE = re.compile(r"^\[\[GN p\.(\d+)\]\]$")
_SCOPE = re.compile(
    r"^(?:.*?\b)?a good of (?P<goods>chapters? \d+(?: through \d+)?)"
    r"(?:,? except (?:for )?a good of (?P<except>.*?))?,?\s+(?:that|is an|shall)\b",
    re.I,
)


def _process(text: str) -> str:
    lowered = text.lower()
    for words, name in PROCESS_WORDS:
        if words in lowered:
            return name
    raise ValueError(f"no process named in: {text[:120]}")


def _scope(text: str) -> tuple[list[str], list[str]]:
    m = _SCOPE.match(text)
    if m is None:
        raise ValueError(f"no goods named in: {text[:120]}")
    goods = parse_codes(m.group("goods"))
    excepted = parse_codes(m.group("except")) if m.group("except") else []
    return goods, excepted


def _paragraphs(lines: list[str], para: str, indent: int) -> list[dict[str, Any]]:
    """Lettered paragraphs of one group (printed one step, two spaces, deeper than the group's
    numeral; "(I)" deeper still is a sub-paragraph), each with its sub-paragraphs and page."""
    out: list[dict[str, Any]] = []
    page = 0
    for raw in lines:
        depth = len(raw) - len(raw.lstrip(" "))
        line = re.sub(r"</?u>", "", raw).strip()
        if not line:
            continue
        if (p := _PAGE.match(line)) is not None:
            page = int(p.group(1))
            continue
        if depth == indent and (m := _LETTER.match(line)) is not None:
            out.append({"para": f"{para}({m.group(1)})", "page": page, "text": m.group(2), "subs": []})
        elif out and _SUB.match(line):
            out[-1]["subs"].append(line)
    return out


def _provisions(paragraphs: list[dict[str, Any]], group_text: str) -> list[dict[str, Any]]:
    definition = next((p for p in paragraphs if _process(p["text"]) == "definition:chemical_reaction"), None)
    out: list[dict[str, Any]] = []
    for p in paragraphs:
        process = _process(p["text"])
        if process.startswith("definition:"):
            continue
        goods, excepted = _scope(_fix(p["text"]))
        conditions = list(p["subs"])
        if process == "chemical_reaction" and definition is not None:
            conditions = [f"{definition['para']}: {definition['text']}", *definition["subs"]]
        out.append(
            {
                "para": p["para"],
                "page": p["page"],
                "process": process,
                "effect": "bars" if process in BARRING else "confers",
                **({"unless": BARRING[process]} if process in BARRING else {}),
                "goods": goods,
                "goods_except": excepted,
                "text": p["text"],
                "conditions": conditions,
                "group": group_text,
            }
        )
    return out


def parse_gn11n(gn_text: str) -> list[dict[str, Any]]:
    """The provisions of GN 11(n)(iv) and (n)(v), in the order printed."""
    lines = gn_text.splitlines()
    out: list[dict[str, Any]] = []
    starts = [i for i, ln in enumerate(lines) if _GROUP_START.match(re.sub(r"</?u>", "", ln).strip())]
    if len(starts) != 2:
        raise ValueError(f"expected GN 11(n)(iv) and (v), found {len(starts)} groups")
    for start in starts:
        head = re.sub(r"</?u>", "", lines[start]).strip()
        numeral = head[1 : head.index(")")]
        end = start + 1
        while end < len(lines) and not re.match(r"^\s{4}\((?:v|vi)\)", lines[end]):
            end += 1
        page = max((int(m.group(1)) for ln in lines[:start] if (m := _PAGE.match(ln.strip()))), default=0)
        body = [f"[[GN p.{page}]]", *lines[start + 1 : end]]
        indent = len(lines[start]) - len(lines[start].lstrip(" ")) + 2
        out.extend(_provisions(_paragraphs(body, f"GN 11(n)({numeral})", indent), head))
    return out


def parse_chapter_rule(note: dict[str, Any], chapter: int) -> list[dict[str, Any]]:
    """A GN 11(o) chapter rule that confers origin by a process (ch. 27 chapter rule 1)."""
    first, *rest = [ln.strip() for ln in note["text"].split("\n") if ln.strip()]
    label = first.split(":", 1)[0]
    text = first.split(":", 1)[1].strip()
    goods, excepted = _scope(_fix(text))
    return [
        {
            "para": f"GN 11(o) ch. {chapter} {label.lower()}",
            "page": note["page"],
            "process": _process(text),
            "effect": "confers",
            "goods": goods,
            "goods_except": excepted,
            "text": text,
            "conditions": rest,
            "group": f"{label}: Notwithstanding the applicable product-specific rules of origin",
        }
    ]


def _bounds(code: str) -> tuple[str, str]:
    a, _, b = code.partition("-")
    return a, b or a


def _covers(outer: str, inner: str) -> bool:
    """Whether every code of ``inner`` (a code or range) is inside ``outer`` (prefix comparison)."""
    oa, ob = _bounds(outer)
    ia, ib = _bounds(inner)
    return oa <= ia[: len(oa)] and ib[: len(ob)] <= ob


def _meets(a: str, b: str) -> bool:
    aa, ab = _bounds(a)
    ba, bb = _bounds(b)
    n = min(len(aa), len(ba))
    return aa[:n] <= bb[:n] and ba[:n] <= ab[:n]


def attach(chapters: dict[str, dict[str, list[dict[str, Any]]]], provisions: list[dict[str, Any]]) -> None:
    """Add to every rule whose goods a provision covers its alternative (or its limit).  A rule whose
    codes the provision's exceptions cut gets the alternative with ``goods_except``: the goods the
    alternative does not reach."""
    for body in chapters.values():
        for rule in body["rules"]:
            for provision in provisions:
                codes = rule["hs"]
                if not all(any(_covers(g, c) for g in provision["goods"]) for c in codes):
                    continue
                holes = [x for x in provision["goods_except"] if any(_meets(x, c) for c in codes)]
                if all(any(_covers(x, c) for x in holes) for c in codes):
                    continue  # every code of the rule is excepted
                # The words (text, conditions, page) are kept once, in the index's ``processes``; the
                # loader joins them to the alternative by its paragraph.
                item: dict[str, Any] = {
                    "process": provision["unless"] if provision["effect"] == "bars" else provision["process"],
                    "paragraph": provision["para"],
                }
                if holes:
                    item["goods_except"] = holes
                if provision["effect"] == "bars":
                    item["bars"] = provision["process"]
                    rule.setdefault("limits", []).append(item)
                    continue
                if any(
                    a.get("process") == item["process"] and a.get("goods_except") == item.get("goods_except")
                    for a in rule["any_of"]
                ):
                    # (n)(v)(E) prints the scope of (n)(iv)(E) word for word (chapters 28-38): as
                    # printed it repeats that alternative and reaches no good of chapters 39-40.
                    continue
                rule["any_of"].append(item)


__all__ = ["PROCESSES", "attach", "parse_chapter_rule", "parse_gn11n"]
