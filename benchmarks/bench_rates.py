"""`tmec rates`: the statutory-rate table of every HTS-10 line x every origin on one date (issue 14,
target < 10 s), as the user waits for it: the whole process.

Each round runs, alternated, for 2026-12-06 (43 origin classes: the 2026 metals partner countries)
and 2025-10-01 (the IEEPA reciprocal country rates laid over 10 classes):

* ``tmec rates --date D --out FILE.parquet`` as a fresh process (the `tmec` entry point of this
  interpreter);
* the baseline, a fresh process that only moves a table of the same size through pyarrow: it
  imports pyarrow, reads the file tmec wrote (the same 4.9 M rows x 41 columns; its text columns as
  the dictionaries they are stored as: read as plain text the baseline takes twice as long) and
  writes it again with pyarrow's defaults — no law in it.

Each figure is the child's own rusage (user + sys CPU seconds, peak memory) and its wall seconds;
TMEC_BENCH_RATES_ROUNDS rounds (default 2), the medians printed with the ratio tmec / baseline.
The one-origin form (``--origin MX``: the law read and every line's rows made, 19,738 rows written)
is timed once per round too: what the law costs before the table is expanded to the countries.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
TMEC = [sys.executable, "-c", "import sys; from tmec.cli import main; sys.exit(main())"]
DAYS = ("2026-12-06", "2025-10-01")
TARGET = 10.0  # seconds, issue 14
BASELINE = """
import sys
import pyarrow as pa
import pyarrow.parquet as pq
text = [f.name for f in pq.read_schema(sys.argv[1]) if pa.types.is_string(f.type)]
pq.write_table(pq.read_table(sys.argv[1], read_dictionary=text), sys.argv[2])
"""


def _timed(argv: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """CPU seconds (user + sys), wall seconds and peak memory (MB) of one process."""
    t0 = time.perf_counter()
    child = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - t0
    child.returncode = os.waitstatus_to_exitcode(status)
    err = child.stderr.read().decode() if child.stderr else ""
    if child.returncode:
        raise RuntimeError(f"{argv} exited {child.returncode}: {err}")
    return usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss / 1024


def _line(label: str, samples: list[tuple[float, float, float]]) -> tuple[float, float]:
    cpu = statistics.median(s[0] for s in samples)
    wall = statistics.median(s[1] for s in samples)
    rss = max(s[2] for s in samples)
    print(f"  {label}: {cpu:.2f} s CPU, {wall:.2f} s wall, {rss:.0f} MB (median of {len(samples)})")
    return cpu, wall


def run() -> None:
    rounds = int(os.environ.get("TMEC_BENCH_RATES_ROUNDS", "2"))
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
            "TMEC_HOME": str(tmp / "home"),  # no imported schedule
        }
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed tmec has its .pyc files
        table = {d: tmp / f"rates-{d}.parquet" for d in DAYS}
        one = tmp / "rates-mx.parquet"
        subprocess.run(
            [*TMEC, "rates", "--date", DAYS[0], "--origin", "MX", "--out", str(one)],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip  (warm-up: .pyc, file cache)
        tmec: dict[str, list[tuple[float, float, float]]] = {d: [] for d in DAYS}
        bare: dict[str, list[tuple[float, float, float]]] = {d: [] for d in DAYS}
        single: list[tuple[float, float, float]] = []
        for _ in range(rounds):
            for day in DAYS:
                tmec[day].append(_timed([*TMEC, "rates", "--date", day, "--out", str(table[day])], env))
                copy = tmp / "copy.parquet"
                bare[day].append(_timed([sys.executable, "-c", BASELINE, str(table[day]), str(copy)], env))
            single.append(
                _timed([*TMEC, "rates", "--date", DAYS[0], "--origin", "MX", "--out", str(one)], env)
            )
        load = os.getloadavg()
        print(f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}, {os.cpu_count()} CPUs")
        for day in DAYS:
            rows = pq.ParquetFile(table[day]).metadata.num_rows
            print(f"tmec rates --date {day}: {rows:,} rows (target < {TARGET:.0f} s wall)")
            cpu, wall = _line("tmec rates", tmec[day])
            base_cpu, base_wall = _line(
                "baseline (pyarrow reads the same table, text as dictionaries, and writes it again)",
                bare[day],
            )
            print(f"  ratio tmec / baseline: {cpu / base_cpu:.2f}x CPU, {wall / base_wall:.2f}x wall")
        _line(
            f"tmec rates --date {DAYS[0]} --origin MX (19,738 rows: the law and the rows, no expansion)",
            single,
        )


if __name__ == "__main__":
    run()
