"""The append-only RFC 9162 log in the database: appends, roots, proofs and checkpoints.

Each append stores the leaf and every perfect subtree it completes
(``log_node``), so the root after an append and any inclusion or consistency
proof cost O(log n) rows, read in one query, however long the log grows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from tmec.certify import merkle
from tmec.store.sql import Tx, rows, run

if TYPE_CHECKING:  # SQLAlchemy loads only for what the issuing path does not need
    from sqlalchemy.orm import Session

    from tmec.store.models import CheckpointRow

__all__ = [
    "LogCorrupted",
    "append",
    "append_many",
    "checkpoint_at",
    "consistency_proof",
    "entries",
    "inclusion_proof",
    "latest_checkpoint",
    "log_size",
    "now",
    "root",
    "store_checkpoint",
]

T = TypeVar("T")


class LogCorrupted(RuntimeError):
    """A hash the log needs is missing: the database was altered outside tmec."""


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def log_size(s: Tx) -> int:
    ((top,),) = rows(s, "SELECT max(idx) FROM log_entry")
    return 0 if top is None else int(top) + 1


def _compact_range(size: int) -> list[tuple[int, int]]:
    """The perfect subtrees, left to right, that make up a tree of ``size`` leaves."""
    out, start = [], 0
    for level in range(size.bit_length() - 1, -1, -1):
        if size >> level & 1:
            out.append((level, start >> level))
            start += 1 << level
    return out


def _fetch(s: Tx, keys: set[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    if not keys:
        return {}
    # One (level = ? AND idx = ?) term per key, as plain SQL: both engines answer it from the primary
    # key (SQLite uses no index for a row-value IN), and building SQLAlchemy expressions per proof
    # would cost more than the query.
    params: dict[str, int] = {}
    terms = []
    for n, (level, idx) in enumerate(sorted(keys)):
        terms.append(f"(level = :l{n} AND idx = :i{n})")
        params[f"l{n}"], params[f"i{n}"] = level, idx
    got = rows(s, f"SELECT level, idx, hash FROM log_node WHERE {' OR '.join(terms)}", params)
    found = {(int(lv), int(i)): bytes(h) for lv, i, h in got}
    if len(found) != len(keys):
        raise LogCorrupted(f"the log is missing {len(keys) - len(found)} subtree hashes")
    return found


def _with_nodes(s: Tx, compute: Callable[[merkle.PerfectHash], T]) -> T:
    """Run ``compute`` twice: once to learn which subtree hashes it reads, once with them (one query)."""
    wanted: set[tuple[int, int]] = set()

    def record(level: int, idx: int) -> bytes:
        wanted.add((level, idx))
        return bytes(32)

    compute(record)
    found = _fetch(s, wanted)
    return compute(lambda level, idx: found[(level, idx)])


def append(s: Tx, kind: str, body: bytes) -> tuple[int, bytes, list[bytes]]:
    """Append one entry; return its index, the new root and the entry's inclusion proof in the new tree.

    The caller's transaction holds the write lock.  The proof of the last leaf is the old tree's
    compact range read right to left (RFC 9162 always splits off the largest power of two on the
    left), so it costs no extra read.
    """
    index = log_size(s)
    compact = _compact_range(index)
    hashes = _fetch(s, set(compact))
    leaf = merkle.leaf_hash(body)
    run(
        s,
        "INSERT INTO log_entry (idx, kind, body, leaf_hash, created_at) "
        "VALUES (:idx, :kind, :body, :leaf_hash, :created_at)",
        {"idx": index, "kind": kind, "body": body, "leaf_hash": leaf, "created_at": now()},
    )
    nodes = [{"level": 0, "idx": index, "hash": leaf}]
    level, idx, h = 0, index, leaf
    right_edge = [hashes[k] for k in compact]
    proof = right_edge[::-1]
    while idx & 1:  # a left sibling exists: they complete a perfect subtree
        h = merkle.node_hash(right_edge.pop(), h)
        level, idx = level + 1, idx >> 1
        nodes.append({"level": level, "idx": idx, "hash": h})
    run(s, "INSERT INTO log_node (level, idx, hash) VALUES (:level, :idx, :hash)", nodes)
    right_edge.append(h)
    new_root = right_edge[-1]
    for left in reversed(right_edge[:-1]):
        new_root = merkle.node_hash(left, new_root)
    return index, new_root, proof


def append_many(s: Session, kind: str, bodies: list[bytes]) -> tuple[int, bytes]:
    """Append many entries of one kind in one pass; return the first index and the new root.

    The same leaves and subtree hashes as :func:`append` one by one, written with two bulk
    INSERTs: a batch of 100,000 events costs a fraction of a second, not 100,000 round trips.
    """
    first = log_size(s)
    if not bodies:
        return first, root(s, first) if first else merkle.root([])
    compact = _compact_range(first)
    hashes = _fetch(s, set(compact))
    right_edge = [hashes[k] for k in compact]
    at = now()
    entries: list[tuple[Any, ...]] = []
    nodes: list[tuple[Any, ...]] = []
    for offset, body in enumerate(bodies):
        index = first + offset
        leaf = merkle.leaf_hash(body)
        entries.append((index, kind, body, leaf, at))
        nodes.append((0, index, leaf))
        level, idx, h = 0, index, leaf
        while idx & 1:
            h = merkle.node_hash(right_edge.pop(), h)
            level, idx = level + 1, idx >> 1
            nodes.append((level, idx, h))
        right_edge.append(h)
    from tmec.store.bulk import insert_rows

    insert_rows(s, "log_entry", ("idx", "kind", "body", "leaf_hash", "created_at"), entries)
    insert_rows(s, "log_node", ("level", "idx", "hash"), nodes)
    new_root = right_edge[-1]
    for left in reversed(right_edge[:-1]):
        new_root = merkle.node_hash(left, new_root)
    return first, new_root


def root(s: Tx, size: int) -> bytes:
    return _with_nodes(s, lambda get: merkle.root_from(get, size))


def inclusion_proof(s: Tx, index: int, size: int) -> list[bytes]:
    return _with_nodes(s, lambda get: merkle.inclusion_proof_from(get, index, size))


def consistency_proof(s: Tx, m: int, size: int) -> list[bytes]:
    return _with_nodes(s, lambda get: merkle.consistency_proof_from(get, m, size))


def store_checkpoint(s: Tx, size: int, note: str) -> None:
    run(
        s,
        "INSERT INTO checkpoint (size, note, created_at) VALUES (:size, :note, :created_at)",
        {"size": size, "note": note, "created_at": now()},
    )


def latest_checkpoint(s: Session) -> CheckpointRow | None:
    from sqlalchemy import select

    from tmec.store.models import CheckpointRow

    return s.scalars(select(CheckpointRow).order_by(CheckpointRow.size.desc()).limit(1)).first()


def checkpoint_at(s: Session, size: int) -> CheckpointRow | None:
    from tmec.store.models import CheckpointRow

    return s.get(CheckpointRow, size)


def entries(s: Session, batch: int = 50_000) -> Iterator[tuple[int, bytes, bytes]]:
    """Every ``(index, body, stored leaf hash)`` in index order, streamed in batches."""
    from sqlalchemy import select

    from tmec.store.models import LogEntry

    start = 0
    while True:
        got = s.execute(
            select(LogEntry.idx, LogEntry.body, LogEntry.leaf_hash)
            .where(LogEntry.idx >= start)
            .order_by(LogEntry.idx)
            .limit(batch)
        ).all()
        if not got:
            return
        for idx, body, lh in got:
            yield int(idx), bytes(body), bytes(lh)
        start = int(got[-1][0]) + 1
