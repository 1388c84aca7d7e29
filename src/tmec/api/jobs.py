"""Portfolio and exposure runs as background jobs: progress, a summary, results to download.

Jobs run one at a time in a worker thread (the engine keeps one DuckDB session per process).
Each job has a directory under ``$TMEC_HOME/jobs/<random id>``: its inputs under fixed names,
its results as Parquet, turned into CSV or XLSX when asked for.  A job's bad input is reported
as the CLI would (one line naming the file, line and field), with status ``failed``.

A finished job, its record and its directory are removed ``ttl`` seconds after it finished
(``$TMEC_JOB_TTL_HOURS``, 24; 0 keeps them) or when its owner deletes it; directories a previous
server process left behind (jobs live in this process's memory) go once they are that old.
"""

from __future__ import annotations

import logging
import secrets
import shutil
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tmec.api.errors import ApiError, error_document, input_error_body
from tmec.api.service import StatementsOn
from tmec.api.uploads import Upload, Workdir
from tmec.core.dates import parse_date
from tmec.core.errors import InputError, TmecError
from tmec.store.access import ApiKey

log = logging.getLogger("tmec.api.jobs")

FORMATS = {
    "parquet": "application/vnd.apache.parquet",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
TABLE_KINDS = (".csv", ".parquet")
XLSX_MAX_ROWS = 1_048_575  # a worksheet's limit, less the header


@dataclass
class Job:
    id: str
    kind: str
    owner: str
    directory: Path
    state: str = "queued"  # queued | running | done | failed
    done: int = 0
    total: int | None = None
    error: dict[str, Any] | None = None
    summary: dict[str, Any] | None = None
    result: str | None = None  # the results file's name in the directory
    created: float = field(default_factory=time.time)
    finished: float | None = None  # when it ended (done or failed): its time to live runs from here
    future: Future[None] | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "state": self.state,
            "progress": {"done": self.done, "total": self.total},
            "error": self.error,
            "summary": self.summary,
        }
        if self.state == "done" and self.result:
            out["results"] = {f: f"/api/v1/jobs/{self.id}/results.{f}" for f in FORMATS}
        return out


class Jobs:
    def __init__(self, root: Path, workers: int = 1, ttl: float = 24 * 3600) -> None:
        self.root = root
        self.ttl = ttl
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="tmec-job")
        self.expire()

    def expire(self, now: float | None = None, scan: bool = True) -> list[str]:
        """Remove the jobs that finished more than ``ttl`` seconds ago and, with ``scan``, directories
        under the root no job of this process owns that were last changed that long ago; the ids removed."""
        if self.ttl <= 0:
            return []
        now = time.time() if now is None else now
        with self._lock:
            old = [j for j in self._jobs.values() if j.finished is not None and now - j.finished > self.ttl]
            for j in old:
                del self._jobs[j.id]
            known = set(self._jobs)
        for j in old:
            shutil.rmtree(j.directory, ignore_errors=True)
        removed = [j.id for j in old]
        if scan and self.root.is_dir():
            for d in self.root.iterdir():
                if d.name not in known and d.is_dir() and now - d.stat().st_mtime > self.ttl:
                    shutil.rmtree(d, ignore_errors=True)
                    removed.append(d.name)
        return removed

    def delete(self, job_id: str, who: ApiKey) -> None:
        """Forget a job and remove its files; a running job cannot be stopped, so it is refused (409)."""
        job = self.get(job_id, who)
        if job.state not in ("done", "failed") and (job.future is None or not job.future.cancel()):
            raise ApiError(409, f"job {job.id} is running: delete it when it has finished", field="job_id")
        with self._lock:
            self._jobs.pop(job.id, None)
        shutil.rmtree(job.directory, ignore_errors=True)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def get(self, job_id: str, who: ApiKey) -> Job:
        self.expire(scan=False)
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None or (job.owner != who.name and not who.can("admin")):
            raise ApiError(404, f"no job {job_id}", field="job_id")
        return job

    def _new(self, kind: str, who: ApiKey) -> tuple[Job, Workdir]:
        self.expire()
        job_id = secrets.token_hex(8)
        directory = self.root / job_id
        directory.mkdir(parents=True)
        job = Job(job_id, kind, who.name, directory)
        with self._lock:
            self._jobs[job_id] = job
        return job, Workdir(directory)

    def _run(self, job: Job, work: Any, wd: Workdir) -> None:
        job.state = "running"
        try:
            work(job)
            job.state = "done"
        except InputError as exc:
            err = wd.renamed(exc)
            job.error = input_error_body(err)["error"]
            job.state = "failed"
        except TmecError as exc:
            job.error = error_document(str(exc), 422)["error"]
            job.state = "failed"
        except Exception:
            log.exception("job %s failed", job.id)
            job.error = error_document("internal error (logged on the server)", 500)["error"]
            job.state = "failed"
        finally:
            job.finished = time.time()

    def portfolio(
        self,
        who: ApiKey,
        files: dict[str, Upload],
        day: str | None,
        method: str | None,
        statements: StatementsOn,
    ) -> Job:
        """``tmec portfolio qualify BOM_DIR --date D --json`` on uploaded goods, parts and edges tables (and
        optionally its ``rules.yaml``)."""
        when = parse_date(day, field="--date") if day else None
        if when is None:
            raise InputError("required: the date whose law applies", field="--date")
        if method not in (None, "", "net_cost", "transaction_value"):
            raise InputError(f"expected net_cost or transaction_value, found {method!r}", field="--method")
        for name in ("goods", "parts", "edges"):
            if name not in files:
                raise InputError(f"give the {name} table (.csv or .parquet)", field=name)
        job, wd = self._new("portfolio", who)
        try:
            for name in ("goods", "parts", "edges"):
                wd.put(name, files[name], TABLE_KINDS, name)
            if "rules" in files:  # BOM_DIR/rules.yaml: rules for codes the bundled ones do not cover
                wd.put("rules", files["rules"], (".yaml",), "rules")
        except InputError:
            shutil.rmtree(job.directory, ignore_errors=True)
            with self._lock:
                del self._jobs[job.id]
            raise

        def work(job: Job) -> None:
            from tmec.engine import connect, load_portfolio, qualify_goods, write_table
            from tmec.reports.portfolio import portfolio_summary

            started = time.perf_counter()

            def progress(done: int, total: int) -> None:
                job.done, job.total = done, total

            with connect("duckdb") as e:
                p = load_portfolio(e, job.directory, when, statements=statements(when))
                result = qualify_goods(p, method=method or None, progress=progress)
                write_table(result.to_arrow(), job.directory / "results.parquet")
            job.result = "results.parquet"
            elapsed = time.perf_counter() - started
            job.summary = portfolio_summary(
                result, Path("results.parquet"), elapsed, "duckdb", p.statement_uses
            )

        job.future = self._pool.submit(self._run, job, work, wd)
        return job

    def exposure(self, who: ApiKey, files: dict[str, Upload], basis: str) -> Job:
        """``tmec exposure ENTRIES [--scenario FILE] --json``; the results are every duty line."""
        if "entries" not in files:
            raise InputError("give the entry lines (.csv or .parquet)", field="entries")
        if basis not in ("liability", "deposited"):
            raise InputError(f"expected liability or deposited, found {basis!r}", field="--basis")
        job, wd = self._new("exposure", who)
        entries = wd.put("entries", files["entries"], TABLE_KINDS, "entries")
        scenario = (
            wd.put("scenario", files["scenario"], (".yaml", ".yml"), "scenario")
            if "scenario" in files
            else None
        )
        entries_name = files["entries"].name

        def work(job: Job) -> None:
            from tmec.engine import connect
            from tmec.engine.exposure import load_scenario, price_exposure
            from tmec.reports.exposure import exposure_document
            from tmec.tariffs import default_tables

            started = time.perf_counter()
            base_tables = default_tables()
            loaded = load_scenario(scenario, base_tables) if scenario is not None else None
            job.total = 2 if loaded else 1
            lines = job.directory / "results.parquet"
            with connect("duckdb") as e:
                base = price_exposure(e, entries, tables=base_tables, lines_out=lines, basis=basis)
                job.done = 1
                alt = None
                if loaded is not None:
                    alt = price_exposure(e, entries, tables=loaded[1], basis=basis)
                    alt.scenario = loaded[0]
                    job.done = 2
            job.result = "results.parquet"
            job.summary = exposure_document(entries_name, "duckdb", basis, base, alt, started)

        job.future = self._pool.submit(self._run, job, work, wd)
        return job

    def results(self, job: Job, fmt: str) -> Path:
        """The results file in ``fmt``, converted from Parquet once and kept beside it."""
        if fmt not in FORMATS:
            raise ApiError(
                404,
                f"expected results.parquet, results.csv or results.xlsx, found results.{fmt}",
                field="format",
            )
        if job.state != "done" or not job.result:
            raise ApiError(409, f"job {job.id} is {job.state}: no results yet", field="job_id")
        source = job.directory / job.result
        target = source.with_suffix(f".{fmt}")
        if not target.exists():
            _convert(source, target, fmt)
        return target


def _convert(source: Path, target: Path, fmt: str) -> None:
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    table = pq.read_table(source)
    tmp = target.with_name(f".{target.name}.tmp")
    if fmt == "csv":
        pacsv.write_csv(table, tmp)
    else:
        from openpyxl import Workbook  # type: ignore[import-untyped]

        if table.num_rows > XLSX_MAX_ROWS:
            raise ApiError(
                422, f"{table.num_rows} rows do not fit a worksheet: download CSV or Parquet", field="format"
            )
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("results")
        ws.append(table.column_names)
        for row in table.to_pylist():
            # decimals stay text: a spreadsheet cell would turn them into binary floats
            ws.append([v if isinstance(v, (str, int, bool)) or v is None else str(v) for v in row.values()])
        wb.save(tmp)
    tmp.replace(target)
