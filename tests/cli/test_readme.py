"""The README's console examples, run and compared, numbers included (issue 11 item 10).

Every ```console block of README.md is run in order, in one scratch directory (``examples/``
linked in, ``$TMEC_HOME`` inside it, ``COLUMNS=100``, on a pipe): each ``$ tmec ...`` line
(with ``\\`` continuations; ``$ export NAME=VALUE`` sets the environment) runs in bash, and
the lines under it are what it must print (stdout and stderr together, trailing spaces
ignored).  A command with no lines under it must only succeed (exit 0 or 1); one whose
output starts with ``error: `` must be refused (exit 2).  ``$ NAME=$(...)``
keeps NAME for the commands after it, as a shell would.

Elision, for output that is long or differs from run to run (ids, timings, today's date):

* a line that is only ``...`` stands for any number of lines (none included);
* ``...`` inside a line stands for any text within that line.

A block right after ``<!-- readme: not run (why) -->`` is not run (say why: e.g. a million
lines).  On a failure the message is a diff of the README's lines against the real output:
paste the real lines back into the README (keeping the elisions) when the change is right.
"""

from __future__ import annotations

import difflib
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
BLOCK = re.compile(r"(<!-- readme: not run[^>]*-->\s*\n)?```console\n(.*?)^```", re.S | re.M)
ELLIPSIS = "..."


@dataclass
class Example:
    line: int  # in README.md
    command: str
    expected: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"README.md:{self.line}: {self.command[:60]}"


def examples(text: str) -> list[Example]:
    out: list[Example] = []
    for m in BLOCK.finditer(text):
        if m.group(1):
            continue
        first = text.count("\n", 0, m.start(2)) + 1
        lines = m.group(2).splitlines()
        i = 0
        while i < len(lines):
            line = lines[i]
            if not line.startswith("$ "):
                if out and out[-1].line >= first and not line.startswith("#"):
                    out[-1].expected.append(line)
                i += 1
                continue
            start, command = i, line[2:]
            while command.rstrip().endswith("\\") and i + 1 < len(lines):
                i += 1
                command = command.rstrip()[:-1] + " " + lines[i].strip()
            out.append(Example(first + start, command))
            i += 1
    return out


def matches(expected: list[str], actual: str) -> bool:
    parts = []
    for line in expected:
        line = line.rstrip()
        if line.strip() == ELLIPSIS:
            parts.append(r"(?:[^\n]*\n)*?")
        else:
            parts.append(".*?".join(re.escape(p) for p in line.split(ELLIPSIS)) + r"\n")
    text = "".join(line.rstrip() + "\n" for line in actual.splitlines())
    return re.fullmatch("".join(parts), text) is not None


ALL = examples(README.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("readme")
    (d / "examples").symlink_to(ROOT / "examples")
    return d


ENV: dict[str, str] = {}


@pytest.mark.parametrize("example", ALL, ids=[e.id for e in ALL])
def test_readme_example(example: Example, workdir: Path) -> None:
    words = shlex.split(example.command, comments=True)
    if words and words[0] == "export":
        for word in words[1:]:
            name, _, value = word.partition("=")
            ENV[name] = "a passphrase for the README" if value == ELLIPSIS else value
        return
    assign = re.fullmatch(r"([A-Z_]+)=(\$\(.*\))", example.command)
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(ROOT / "src"),
        "TMEC_HOME": str(workdir / "home"),
        "COLUMNS": "100",
        **ENV,
    }
    env.pop("TMEC_DATABASE_URL", None)
    if assign:
        value = subprocess.run(
            ["bash", "-c", f"printf %s {assign.group(2)}"],
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        ENV[assign.group(1)] = value.stdout
        return
    proc = subprocess.run(
        ["bash", "-c", f"set -o pipefail; {example.command}"],
        cwd=workdir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=300,
        check=False,
    )
    refused = example.expected[:1] and example.expected[0].startswith("error: ")  # bad input shown on purpose
    assert proc.returncode in ((2,) if refused else (0, 1)), (
        f"{example.id}: exit {proc.returncode}\n{proc.stdout[-3000:]}"
    )
    if example.expected and not matches(example.expected, proc.stdout):
        diff = difflib.unified_diff(
            example.expected,
            [ln.rstrip() for ln in proc.stdout.splitlines()],
            "README.md (expected)",
            "real output",
            lineterm="",
            n=2,
        )
        pytest.fail(f"{example.id}: the README shows other output (line {example.line}):\n" + "\n".join(diff))


def test_the_runner_elides_and_compares() -> None:
    assert matches(["a", "...", "d ... f"], "a\nb\nc\nd e f\n")
    assert matches(["a", "...", "b"], "a\nb\n")
    assert not matches(["a", "c"], "a\nb\n")
    assert not matches(["total 1,234.00"], "total 1,234.01\n")
    (ex,) = examples("```console\n$ tmec x \\\n   --y  # note\nout\n...\n```\n")
    assert ex.command == "tmec x  --y  # note" and ex.expected == ["out", "..."]
    assert examples("<!-- readme: not run (big) -->\n```console\n$ tmec x\n```\n") == []
