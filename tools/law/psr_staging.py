"""The staged regional value content of GN 11(k)(iii) (the automotive appendix as enacted), read
from the text.

GN 11(o) prints the final thresholds of the vehicle and auto-part rules (75 / 70 percent); the
staging lives in GN 11(k)(iii): "(A) ... the regional value content requirement for a passenger
vehicle or a light truck is: (1) 66 percent under the net cost method, beginning on July 1, 2020;
...".  Each such paragraph becomes ``{"para", "page", "what", "steps": [{"from", "net_cost",
"transaction_value"?}]}``, so the dated parameters the chapter 87 rules name can be checked against
the text instead of being only typed from it.
"""

from __future__ import annotations

import re
from typing import Any

from psr_codes import _parse_date

_HEAD = re.compile(r"^\(([A-Z])\) .*?regional value content requirement for (?P<what>.+?) is:$")
_STEP = re.compile(
    r"^\(\d\) (?P<nc>\d+(?:\.\d+)?) percent under the net cost method"
    r"(?: or (?P<tv>\d+(?:\.\d+)?) percent under the transaction value method)?"
    r".*?beginning on (?P<date>[A-Z][a-z]+ \d{1,2}, \d{4})"
)
_PAGE = re.compile(r"^\[\[GN p\.(\d+)\]\]$")


def parse_staging(gn_text: str) -> list[dict[str, Any]]:
    """Every paragraph of GN 11(k)(iii) that stages a regional value content, in the order printed."""
    lines = gn_text.splitlines()
    start = next(
        i for i, ln in enumerate(lines) if re.match(r"^\s*\(iii\)\s*Staging", re.sub(r"</?u>", "", ln))
    )
    end = next(i for i in range(start + 1, len(lines)) if re.match(r"^\s{4}\(iv\)", lines[i]))
    page = max((int(m.group(1)) for ln in lines[:start] if (m := _PAGE.match(ln.strip()))), default=0)
    out: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    for raw in lines[start:end]:
        line = re.sub(r"</?u>", "", raw).strip()
        line = re.sub(r"(\w)(thereafter)", r"\1 \2", line)
        if (p := _PAGE.match(line)) is not None:
            page = int(p.group(1))
            continue
        if (h := _HEAD.match(line)) is not None:
            current = {
                "para": f"GN 11(k)(iii)({h.group(1)})",
                "page": page,
                "what": h.group("what"),
                "steps": [],
            }
            out.append(current)
            continue
        s = _STEP.match(line)
        if s is not None and current is not None:
            step = {"from": _parse_date(s.group("date")).isoformat(), "net_cost": s.group("nc")}
            if s.group("tv"):
                step["transaction_value"] = s.group("tv")
            current["steps"].append(step)
        elif re.match(r"^\([A-Z]\)", line):
            current = None  # a lettered paragraph that stages nothing ends the one before
    return [p for p in out if p["steps"]]


__all__ = ["parse_staging"]
