"""Compile the product lists of EO 14323 (Brazil, +40 %) from the text of the order as the White House
published it.

EO 14323 of 30 July 2025 ("Addressing Threats to the United States by the Government of Brazil")
writes, in its Annex II, a new subdivision (x) into U.S. note 2 to subchapter III of chapter 99:

* (x)(iii): the HTSUS provisions whose products heading 9903.01.81 spares the 40 % of 9903.01.77;
* (x)(iv): the provisions under which articles of civil aircraft are spared by 9903.01.82 (only
  articles of civil aircraft that meet general note 6: a fact the entry does not carry).

The HTSUS JSON prints the headings but not the note, and ``../shared/data`` lacks it. The text is read
from the order's page on whitehouse.gov as copied, with its tables, by the GitHub repository
``brian14708/wh-briefings`` (one Markdown file per page, with the page's address): a git directory of
that repository is given with ``--briefings`` (``fetch`` it, or clone it), and the files are read at
the commits named below, so that the output does not move when the repository does. The lists of
(x)(iii) and (x)(iv) are checked against Annex I of the same order (its table marks with "*" the
subheadings for civil aircraft only); the build stops if they differ.

The order of 20 Nov 2025 ("Modifying the Scope of Tariffs on the Government of Brazil") replaced
Annex I with effect from 13 Nov 2025 (238 agricultural subheadings more in (x)(iii)(a), eleven
categories in (x)(iii)(b), heading 9903.01.90), but its annexes are a PDF the copy does not carry:
its start day is read from its text and recorded, and the measures ask about those products from then.

Usage: ``python tools/law/build_ieepa_brazil_annex.py --briefings GITDIR [--out DIR]``;
``tests/tariffs/test_ieepa_country.py`` regenerates the file when ``TMEC_WH_BRIEFINGS`` names the
git directory.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from builder_cli import git_show, run_builder  # a sibling script, not a package

NAME = "ieepa_brazil_annex_i.yaml"
ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "src" / "tmec" / "law" / "tariffs"
REPO = "brian14708/wh-briefings"
LICENCE = "U.S. Government work (public domain)"
# (commit, path, the page's address) of each order read
ORDER = (
    "7c9f4e93a1bded7320ee8c6c74ef03b54e94b720",
    "presidential-actions/2025-07/2025-07-30-addressing-threats-to-the-us.md",
    "https://www.whitehouse.gov/presidential-actions/2025/07/addressing-threats-to-the-us/",
)
REVISION = (
    "0316b0d13debb06eeed8d0159a2dda5220041140",
    "presidential-actions/2025-11/2025-11-20-modifying-the-scope-of-tariffs-on-the-government-of-brazil.md",
    "https://www.whitehouse.gov/presidential-actions/2025/11/modifying-the-scope-of-tariffs-on-the-government-of-brazil/",
)
_CODE = re.compile(r"<td>\s*(\d{4}\.\d{2}\.\d{2})\s*</td>")
_ANNEX_ROW = re.compile(r"<tr[^>]*>\s*<td>\s*(\d{4}\.\d{2}\.\d{2})\s*</td>\s*<td>([^<]*)</td>", re.S)
_EFFECTIVE = re.compile(
    r"on or after\s+12:01\s+a\.m\.\s+eastern\s+standard\s+time\s+on\s+(\w+\s+\d{1,2},\s+\d{4})"
)


def read_page(git_dir: Path, commit: str, path: str, url: str) -> tuple[str, str]:
    """The page's Markdown at ``commit``, and its sha256; stops if it is not the page of ``url``."""
    raw = git_show(git_dir, commit, path)
    text = raw.decode("utf-8")
    if f"source_url: {url}" not in text:
        raise SystemExit(f"{path}: not the page of {url}")
    return text, hashlib.sha256(raw).hexdigest()


def _between(text: str, start: str, end: str) -> str:
    a = text.index(start)
    return text[a : text.index(end, a)]


def lists(text: str) -> tuple[list[str], list[str]]:
    """The provisions of note 2(x)(iii) and (x)(iv), checked against Annex I."""
    iii = _CODE.findall(_between(text, r"(iii\) As provided in heading 9903.01.81", r"(iv\) As provided"))
    iv = _CODE.findall(
        _between(text, r"(iv\) As provided in heading 9903.01.82", r"(v\) The additional duties")
    )
    annex = _ANNEX_ROW.findall(_between(text, "**ANNEX I**", "**ANNEX II**"))
    starred = {code for code, mark in annex if mark.strip() == "*"}
    plain = {code for code, mark in annex if mark.strip() != "*"}
    if len(set(iii)) != len(iii) or len(set(iv)) != len(iv):
        raise SystemExit("a provision is listed twice in note 2(x)(iii) or (x)(iv)")
    if set(iii) != plain or set(iv) != starred:
        raise SystemExit(
            f"note 2(x)(iii)/(iv) and Annex I differ: {sorted(set(iii) ^ plain)} {sorted(set(iv) ^ starred)}"
        )
    return sorted(iii), sorted(iv)


def revised_from(text: str) -> str:
    days = {
        dt.datetime.strptime(re.sub(r"\s+", " ", d), "%B %d, %Y").date() for d in _EFFECTIVE.findall(text)
    }
    if len(days) != 1:
        raise SystemExit(f"the order of 20 Nov 2025: expected one effective day, found {sorted(days)}")
    return days.pop().isoformat()


def build(git_dir: Path) -> bytes:
    order, order_sha = read_page(git_dir, *ORDER)
    revision, revision_sha = read_page(git_dir, *REVISION)
    iii, iv = lists(order)
    copy = f"GitHub {REPO} {ORDER[1]} at commit {ORDER[0]} sha256 {order_sha}"
    reference = "EO 14323 (90 FR 37739), Annex II: U.S. note 2(x)"
    header = [
        "# EO 14323 (Brazil): the provisions of U.S. note 2(x)(iii) and (x)(iv) to subchapter III of",
        "# chapter 99, compiled by tools/law/build_ieepa_brazil_annex.py from the order's text: do not edit.",
        f"# source: {ORDER[2]} (copy: {copy})",
        f"# licence: {LICENCE}",
        f"# {len(iii)} provisions under 9903.01.81, {len(iv)} under 9903.01.82 (civil aircraft only);"
        " both agree with the order's Annex I",
    ]
    body = {
        "source": {
            "builder": "tools/law/build_ieepa_brazil_annex.py",
            "document": "Executive Order 14323 of July 30, 2025, Addressing Threats to the United States by "
            "the "
            "Government of Brazil, Annex II (U.S. note 2(x)), checked against its Annex I",
            "url": ORDER[2],
            "copy": copy,
            "licence": LICENCE,
            "confidence": "T",
        },
        "revised": {
            "valid_from": revised_from(revision),
            "reference": "Executive order of 20 Nov 2025, Modifying the Scope of Tariffs on the Government "
            f"of "
            f"Brazil, s.1-2 ({REVISION[2]}; copy: GitHub {REPO} {REVISION[1]} at commit {REVISION[0]} "
            f"sha256 {revision_sha})",
            "why": "its revised Annex I (238 agricultural subheadings added to note 2(x)(iii)(a), eleven "
            "categories in (x)(iii)(b), heading 9903.01.90) is a PDF annex that the copy does not carry",
        },
        "scopes": {
            "brazil_annex_i": {
                "items": iii,
                "reference": f"{reference}(iii), heading 9903.01.81",
                "confidence": "T",
            },
            "brazil_annex_i_civil_aircraft": {
                "items": iv,
                "reference": f"{reference}(iv), heading 9903.01.82 (articles of civil aircraft only)",
                "confidence": "T",
            },
        },
    }
    scopes = {"scopes": body.pop("scopes")}
    meta = yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=110)
    text = yaml.safe_dump(scopes, sort_keys=False, allow_unicode=True, width=110, default_flow_style=None)
    return ("\n".join(header) + "\n" + meta + text).encode("utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    return run_builder(
        argv,
        __doc__.splitlines()[0],
        lambda briefings, _out: build(briefings),
        NAME,
        source="--briefings",
        required=f"a git directory of {REPO}",
    )


if __name__ == "__main__":
    raise SystemExit(main())
