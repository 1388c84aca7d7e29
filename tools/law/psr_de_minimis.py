"""The de minimis rule of GN 11(e) and its exceptions, from its words (pure; no I/O)."""

from __future__ import annotations

import re
from typing import Any

from psr_codes import _fix, _strip_percent, parse_codes

__all__ = ["parse_de_minimis", "parse_de_minimis_rules"]


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
