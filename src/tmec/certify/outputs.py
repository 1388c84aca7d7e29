"""Issuing as one outcome: a logged certificate always has its files.

1. The destination is checked (created, and a file written to it) before anything is signed.
2. A ``pending_output`` row records the destination, in its own transaction.
3. Inside the issuing transaction, after the log entry, the files are rendered to temporary names
   in the destination; the row receives the W3C credential (only the key can make it).
4. The transaction commits the log entry, the record and the row together.
5. The files are renamed into place and made durable (synced), and only then the row is deleted.

If the process (or the machine) dies after 4, the row says so: :func:`finish_pending` (run by every
command that opens the store, and by ``tmec certify --resume``) writes the files again from the
signed record — byte for byte what ``tmec export`` writes — and removes the temporary ones.  So the
temporaries need no sync of their own before the commit: only the files in place do, before their
row goes.  A batch syncs its whole file system once (``syncfs``) rather than each of its files.  If
it dies before 4, the row has no certificate: its temporary files and the directories it created
are removed.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tmec.certify.artifacts import certificate_files, credential_file
from tmec.certify.canonical import canonical_json, loads
from tmec.certify.issuer import BeforeCommit, Issued, Issuer, new_certificate_id
from tmec.certify.keys import Signer
from tmec.core.errors import InputError, TmecError
from tmec.store import ledger
from tmec.store.sql import Tx, in_list, run

if TYPE_CHECKING:  # SQLAlchemy loads only to finish a dead process's issue, never to issue
    from sqlalchemy.orm import Session

    from tmec.store.models import PendingOutputRow

__all__ = [
    "Finished",
    "IssueCall",
    "IssueManyCall",
    "finish_pending",
    "issue_many_with_files",
    "issue_with_files",
    "temporary_name",
]

_SUFFIX = ".partial"

# Runs the issuer with the certificate id chosen here and the hook that writes the files.
IssueCall = Callable[[str, BeforeCommit], Issued]
# The same for many certificates issued in one transaction: the ids, in order, and the hook for each.
IssueManyCall = Callable[[list[str], BeforeCommit], list[Issued]]


@dataclass(frozen=True)
class Finished:
    """A pending row settled by :func:`finish_pending`."""

    certificate_id: str
    directory: Path
    files: list[Path]  # empty: the issue never committed, its leftovers were removed
    log_index: int | None


def temporary_name(directory: Path, name: str, certificate_id: str) -> Path:
    """The hidden name a file has until its certificate is committed (the id makes it findable)."""
    return directory / f".{name}.{certificate_id}{_SUFFIX}"


def _first_missing(directory: Path) -> Path | None:
    """The outermost ancestor of ``directory`` (or itself) that does not exist yet."""
    missing = None
    for d in [directory, *directory.parents]:
        if d.exists():
            break
        missing = d
    return missing


def _check_writable(directory: Path, certificate_id: str) -> None:
    try:
        directory.mkdir(parents=True, exist_ok=True)
        probe = temporary_name(directory, "probe", certificate_id)  # a leftover is cleaned as the others
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror}; nothing was issued", source=str(directory)) from None


def _sync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_synced(path: Path, data: bytes) -> None:
    with path.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _sync_files(paths: list[Path]) -> None:
    """Make ``paths`` and their directory entries durable: each file and directory synced, or, for
    many, one ``syncfs`` of each file system they are on (Linux; elsewhere, each file)."""
    directories = sorted({p.parent for p in paths})
    if len(paths) > 8:
        syncfs = _syncfs()
        if syncfs is not None:
            devices: dict[int, Path] = {}
            for d in directories:
                devices.setdefault(d.stat().st_dev, d)
            if all(syncfs(d) for d in devices.values()):
                return
    for path in paths:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    for d in directories:
        _sync_dir(d)


def _syncfs() -> Callable[[Path], bool] | None:
    """syncfs(2) through the C library, or None where there is none."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        call = libc.syncfs
    except (OSError, AttributeError):
        return None

    def sync(directory: Path) -> bool:
        fd = os.open(directory, os.O_RDONLY)
        try:
            return bool(call(fd) == 0)
        finally:
            os.close(fd)

    return sync


def _remove_leftovers(directory: Path, certificate_id: str, created_dir: str | None) -> None:
    if directory.is_dir():
        for tmp in directory.glob(f".*.{certificate_id}{_SUFFIX}"):
            tmp.unlink(missing_ok=True)
    if created_dir is None:
        return
    top = Path(created_dir)
    for d in [directory, *directory.parents]:
        try:
            d.rmdir()  # only when empty: someone else may have put files there since
        except OSError:
            return
        if d == top:
            return


def issue_with_files(
    issuer: Issuer,
    out_dir: Path | None,
    call: IssueCall,
    signer: Signer | None,
    *,
    with_worksheet: bool,
    default_root: Path = Path("certificates"),
) -> tuple[Issued, list[Path]]:
    """Issue through ``call`` and put the files in ``out_dir`` (default ``default_root/<id>``)."""

    def one(ids: list[str], hook: BeforeCommit) -> list[Issued]:
        return [call(ids[0], hook)]

    ((issued, files),) = issue_many_with_files(
        issuer, [out_dir], one, signer, with_worksheet=with_worksheet, default_root=default_root
    )
    return issued, files


def issue_many_with_files(
    issuer: Issuer,
    out_dirs: list[Path | None],
    call: IssueManyCall,
    signer: Signer | None,
    *,
    with_worksheet: bool,
    default_root: Path = Path("certificates"),
) -> list[tuple[Issued, list[Path]]]:
    """Issue one certificate per entry of ``out_dirs`` through ``call``, in one transaction, each with
    its files in its directory (None: ``default_root/<id>``).

    The steps of the module's docstring, for all at once: one pending row per certificate (written
    together), every certificate's temporaries written and synced inside the one issuing
    transaction, then every rename.  A crash leaves all of them logged with their files (after
    :func:`finish_pending`), or none logged and no temporary file.
    """
    ids = [new_certificate_id() for _ in out_dirs]
    shown = [d or default_root / i for d, i in zip(out_dirs, ids, strict=True)]
    # The rows must not depend on the working directory of who finishes them.
    directories = {i: d.absolute() for i, d in zip(ids, shown, strict=True)}
    created = {i: _first_missing(d) for i, d in directories.items()}
    with issuer.transaction() as s:
        run(
            s,
            "INSERT INTO pending_output (certificate_id, directory, created_dir, with_worksheet, credential, "
            "host, pid, created_at) VALUES (:certificate_id, :directory, :created_dir, :with_worksheet, "
            ":credential, :host, :pid, :created_at)",
            [
                {
                    "certificate_id": i,
                    "directory": str(directories[i]),
                    "created_dir": str(created[i]) if created[i] is not None else None,
                    "with_worksheet": with_worksheet,
                    "credential": None,
                    "host": socket.gethostname(),
                    "pid": os.getpid(),
                    "created_at": ledger.now(),
                }
                for i in ids
            ],
        )
    names: dict[str, list[str]] = {i: [] for i in ids}

    def write_temporaries(s: Tx, issued: Issued) -> None:
        certificate_id = issued.certificate_id
        directory = directories[certificate_id]
        credential = credential_file(issued.envelope, signer)
        # The worksheet as stored (canonical key order), so these files are what `tmec export` writes.
        stored = issued.worksheet_canonical
        if stored is None and issued.worksheet is not None:
            stored = canonical_json(issued.worksheet)
        sheet = loads(stored) if stored is not None else None
        files = certificate_files(issued.envelope, sheet, credential)
        for name, data in files.items():
            temporary_name(directory, name, certificate_id).write_bytes(data)
            names[certificate_id].append(name)
        run(
            s,
            "UPDATE pending_output SET credential = :credential WHERE certificate_id = :id",
            {"credential": credential, "id": certificate_id},
        )

    try:
        for i in ids:
            _check_writable(directories[i], i)
        issued_all = call(ids, write_temporaries)
        if [x.certificate_id for x in issued_all] != ids:
            raise TmecError("the issuer did not issue the certificates it was asked for")
    except BaseException:
        _forget(issuer, ids)
        for i in ids:
            _remove_leftovers(directories[i], i, str(created[i]) if created[i] is not None else None)
        raise
    for x in issued_all:
        _put_in_place(
            directories[x.certificate_id],
            x.certificate_id,
            x.log_index,
            lambda: None,
            names[x.certificate_id],
            sync=False,
        )
    placed = [directories[i] / name for i in ids for name in names[i]]
    try:
        _sync_files(placed)
    except OSError as exc:
        raise InputError(
            f"the certificates are logged and their files written, but they could not be synced "
            f"({exc.strerror}): run `tmec certify --resume`",
            source=str(placed[0].parent),
        ) from None
    _forget(issuer, ids)
    return [
        (x, [d / name for name in names[x.certificate_id]]) for x, d in zip(issued_all, shown, strict=True)
    ]


def _forget(issuer: Issuer, ids: list[str]) -> None:
    """Delete the pending rows of ``ids``: their certificates are in place, or were never issued."""
    with issuer.transaction() as s:
        listed, params = in_list("id", ids)
        run(s, f"DELETE FROM pending_output WHERE certificate_id IN {listed}", params)


def _put_in_place(
    directory: Path,
    certificate_id: str,
    log_index: int,
    write: Callable[[], None],
    names: list[str],
    *,
    sync: bool = True,
) -> None:
    """``write`` the temporaries (if not done yet) and rename each of ``names`` into place
    (``sync``: and sync the directory; the caller syncs otherwise)."""
    try:
        write()
        for name in names:
            os.replace(temporary_name(directory, name, certificate_id), directory / name)
        if sync:
            _sync_dir(directory)
    except OSError as exc:
        raise InputError(
            f"certificate {certificate_id} (log entry {log_index}) is logged but its files could not "
            f"be put in place ({exc.strerror}): run `tmec certify --resume`",
            source=str(directory),
        ) from None


def _owner_alive(row: PendingOutputRow) -> bool | None:
    """Is the process that wrote ``row`` still running?  None: it ran on another machine."""
    if row.host != socket.gethostname():
        return None
    if row.pid == os.getpid():
        return True
    try:
        os.kill(row.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def finish_pending(
    issuer: Issuer,
    *,
    other_hosts: bool = False,
    on_error: Callable[[InputError], None] | None = None,
) -> list[Finished]:
    """Settle the pending rows whose owner has died; ``other_hosts``: also those written elsewhere.

    ``on_error``: report a row that cannot be settled and go on (it stays pending); without it the
    error is raised.
    """
    from sqlalchemy import select

    from tmec.store.models import PendingOutputRow

    finished = []
    with issuer.store.session() as s:
        rows = list(s.scalars(select(PendingOutputRow).order_by(PendingOutputRow.created_at)))
        for row in rows:
            alive = _owner_alive(row)
            if alive or (alive is None and not other_hosts):
                continue
            try:
                finished.append(_settle(issuer, s, row))
            except InputError as exc:
                if on_error is None:
                    raise
                on_error(exc)
                continue
            s.delete(row)
    return finished


def _settle(issuer: Issuer, s: Session, row: PendingOutputRow) -> Finished:
    from tmec.store.models import CertificateRow

    directory = Path(row.directory)
    record = s.get(CertificateRow, row.certificate_id)
    if record is None:  # died before the commit: nothing was issued
        _remove_leftovers(directory, row.certificate_id, row.created_dir)
        return Finished(row.certificate_id, directory, [], None)
    sheet = loads(bytes(record.worksheet)) if row.with_worksheet and record.worksheet else None
    credential = bytes(row.credential) if row.credential is not None else None
    files = certificate_files(issuer.envelope_in(s, record), sheet, credential)

    def write() -> None:
        directory.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            _write_synced(temporary_name(directory, name, row.certificate_id), data)

    _put_in_place(directory, row.certificate_id, record.log_index, write, list(files))
    _remove_leftovers(directory, row.certificate_id, None)
    return Finished(row.certificate_id, directory, [directory / n for n in files], record.log_index)
