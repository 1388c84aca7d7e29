"""Portfolio and exposure runs as background jobs: progress, a summary, results to download.

Jobs run one at a time in a worker thread (the engine keeps one DuckDB session per process).
Each job has a directory under ``$TMEC_HOME/jobs/<random id>``: its inputs under fixed names,
its results as Parquet, turned into CSV or XLSX when asked for.  A job's bad input is reported
as the CLI would (one line naming the file, line and field), with status ``failed``.

A job's state, progress, summary and error live in the store (table ``service_job``), so every
server process (``tmec serve --workers N``) answers for every job; it runs in a thread of the
process that accepted it, which records its progress (at most twice a second).  A job whose
process stopped (on this host) is reported failed when next asked for.  A finished job, its
record and its directory are removed ``ttl`` seconds after it finished (``$TMEC_JOB_TTL_HOURS``,
24; 0 keeps them) or when its owner deletes it; directories no job of the store owns go once
they are that old.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import shutil
import socket
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select

from tmec.api.errors import ApiError, error_document, input_error_body
from tmec.api.service import StatementsOn
from tmec.api.uploads import Upload, Workdir
from tmec.core.dates import parse_date
from tmec.core.errors import InputError, TmecError
from tmec.reports.jsondoc import to_jsonable
from tmec.store.access import ApiKey
from tmec.store.db import Store
from tmec.store.models import ServiceJobRow

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
    worker: str = ""  # host:pid of the process that runs it

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


THIS_WORKER = f"{socket.gethostname()}:{os.getpid()}"
PROGRESS_SECONDS = 0.5  # progress is written at most this often


def _json(value: dict[str, Any] | None) -> str | None:
    return None if value is None else json.dumps(value, default=to_jsonable, ensure_ascii=False)


def _gone(worker: str) -> bool:
    """The process that ran a job was on this host and is no longer there."""
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False


class Jobs:
    def __init__(
        self, root: Path, store: Store, reads: Store, workers: int = 1, ttl: float = 24 * 3600
    ) -> None:
        self.root = root
        self.store = store
        self.reads = reads
        self.ttl = ttl
        self._futures: dict[str, Future[None]] = {}  # the jobs this process runs
        self._written: dict[str, float] = {}  # when each running job's progress was last written
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="tmec-job")
        self.expire()

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    # -- the store ------------------------------------------------------------------------------

    def _save(self, job: Job) -> None:
        with self.store.session() as s:
            row = s.get(ServiceJobRow, job.id)
            if row is None:  # deleted meanwhile
                return
            row.state, row.done, row.total = job.state, job.done, job.total
            row.error, row.summary, row.result = _json(job.error), _json(job.summary), job.result
            row.finished = job.finished

    def _progress(self, job: Job) -> None:
        now = time.monotonic()
        if now - self._written.get(job.id, 0.0) >= PROGRESS_SECONDS:
            self._written[job.id] = now
            self._save(job)

    def _job(self, row: ServiceJobRow) -> Job:
        return Job(
            row.id, row.kind, row.owner, self.root / row.id, row.state, row.done, row.total,
            json.loads(row.error) if row.error else None, json.loads(row.summary) if row.summary else None,
            row.result, row.created, row.finished, row.worker,
        )  # fmt: skip

    def expire(self, now: float | None = None, scan: bool = True) -> list[str]:
        """Remove the jobs that finished more than ``ttl`` seconds ago and, with ``scan``, directories
        under the root no job of the store owns that were last changed that long ago; the ids removed."""
        if self.ttl <= 0:
            return []
        now = time.time() if now is None else now
        with self.reads.session() as s:  # every job poll asks: no write lock unless there is work
            old = s.scalars(select(ServiceJobRow.id).where(ServiceJobRow.finished < now - self.ttl)).all()
        if old:
            with self.store.session() as s:
                s.execute(delete(ServiceJobRow).where(ServiceJobRow.id.in_(old)))
        removed = list(old)
        for job_id in removed:
            shutil.rmtree(self.root / job_id, ignore_errors=True)
        if scan and self.root.is_dir():
            with self.reads.session() as s:
                known = set(s.scalars(select(ServiceJobRow.id)).all())
            for d in self.root.iterdir():
                if d.name not in known and d.is_dir() and now - d.stat().st_mtime > self.ttl:
                    shutil.rmtree(d, ignore_errors=True)
                    removed.append(d.name)
        return removed

    def get(self, job_id: str, who: ApiKey) -> Job:
        self.expire(scan=False)
        with self.reads.session() as s:
            row = s.get(ServiceJobRow, job_id) if len(job_id) <= 32 else None
            job = self._job(row) if row is not None else None
        if job is None or (job.owner != who.name and not who.can("admin")):
            raise ApiError(404, f"no job {job_id}", field="job_id")
        if job.state in ("queued", "running") and job.id not in self._futures and _gone(job.worker):
            job.state, job.finished = "failed", time.time()
            job.error = error_document("the server process running this job stopped: submit it again", 500)[
                "error"
            ]
            self._save(job)
        return job

    def delete(self, job_id: str, who: ApiKey) -> None:
        """Forget a job and remove its files; a running job cannot be stopped, so it is refused (409)."""
        job = self.get(job_id, who)
        if job.state not in ("done", "failed"):
            future = self._futures.get(job.id)
            if future is None or not future.cancel():
                raise ApiError(
                    409, f"job {job.id} is running: delete it when it has finished", field="job_id"
                )
        with self.store.session() as s:
            s.execute(delete(ServiceJobRow).where(ServiceJobRow.id == job.id))
        self._futures.pop(job.id, None)
        shutil.rmtree(job.directory, ignore_errors=True)

    def _new(self, kind: str, who: ApiKey) -> tuple[Job, Workdir]:
        self.expire()
        job_id = secrets.token_hex(8)
        directory = self.root / job_id
        directory.mkdir(parents=True)
        job = Job(job_id, kind, who.name, directory, worker=THIS_WORKER)
        with self.store.session() as s:
            s.add(
                ServiceJobRow(
                    id=job.id, kind=kind, owner=who.name, state=job.state, done=0, total=None,
                    created=job.created, worker=job.worker,
                )
            )  # fmt: skip
        return job, Workdir(directory)

    def _forget(self, job: Job) -> None:
        """A job refused before it was queued (its inputs were bad)."""
        shutil.rmtree(job.directory, ignore_errors=True)
        with self.store.session() as s:
            s.execute(delete(ServiceJobRow).where(ServiceJobRow.id == job.id))

    def _submit(self, job: Job, work: Any, wd: Workdir) -> None:
        with self._lock:
            self._futures[job.id] = self._pool.submit(self._run, job, work, wd)

    def _run(self, job: Job, work: Any, wd: Workdir) -> None:
        job.state = "running"
        self._save(job)
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
            self._save(job)
            with self._lock:
                self._futures.pop(job.id, None)
                self._written.pop(job.id, None)

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
            self._forget(job)
            raise

        def work(job: Job) -> None:
            from tmec.engine import connect, load_portfolio, qualify_goods, write_table
            from tmec.reports.portfolio import portfolio_summary

            started = time.perf_counter()

            def progress(done: int, total: int) -> None:
                job.done, job.total = done, total
                self._progress(job)

            with connect("duckdb") as e:
                p = load_portfolio(e, job.directory, when, statements=statements(when))
                result = qualify_goods(p, method=method or None, progress=progress)
                write_table(result.to_arrow(), job.directory / "results.parquet")
            job.result = "results.parquet"
            elapsed = time.perf_counter() - started
            job.summary = portfolio_summary(
                result, Path("results.parquet"), elapsed, "duckdb", p.statement_uses
            )

        self._submit(job, work, wd)
        return job

    def exposure(self, who: ApiKey, files: dict[str, Upload], basis: str) -> Job:
        """``tmec exposure ENTRIES [--scenario FILE] --json``; the results are every duty line."""
        if "entries" not in files:
            raise InputError("give the entry lines (.csv or .parquet)", field="entries")
        if basis not in ("liability", "deposited"):
            raise InputError(f"expected liability or deposited, found {basis!r}", field="--basis")
        job, wd = self._new("exposure", who)
        try:
            entries = wd.put("entries", files["entries"], TABLE_KINDS, "entries")
            scenario = (
                wd.put("scenario", files["scenario"], (".yaml", ".yml"), "scenario")
                if "scenario" in files
                else None
            )
        except InputError:
            self._forget(job)
            raise
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
            self._save(job)
            lines = job.directory / "results.parquet"
            with connect("duckdb") as e:
                base = price_exposure(e, entries, tables=base_tables, lines_out=lines, basis=basis)
                job.done = 1
                self._save(job)
                alt = None
                if loaded is not None:
                    alt = price_exposure(e, entries, tables=loaded[1], basis=basis)
                    alt.scenario = loaded[0]
                    job.done = 2
            job.result = "results.parquet"
            job.summary = exposure_document(entries_name, "duckdb", basis, base, alt, started)

        self._submit(job, work, wd)
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
