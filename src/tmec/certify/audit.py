"""``tmec log verify``: recompute the whole log and check it against its signed checkpoints.

The audit rereads every entry, recomputes its leaf hash and the tree, compares
every stored subtree hash (the ones proofs are built from) and the latest
signed checkpoint, checks that each certificate record is the log entry it
claims to be, and — given an earlier checkpoint kept outside the database —
proves the log an extension of it (RFC 9162 consistency).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from tmec.certify import merkle
from tmec.certify.canonical import loads
from tmec.certify.envelope import leaf_body
from tmec.certify.keys import Keyring
from tmec.certify.note import Checkpoint, NoteError, note_text
from tmec.certify.verify import Check
from tmec.store import ledger
from tmec.store.db import Store
from tmec.store.models import CertificateRow, CheckpointRow, LogEntry, LogNode

__all__ = ["Audit", "audit_log"]


@dataclass
class Audit:
    size: int = 0
    root: bytes = b""
    checks: list[Check] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return all(c.passed is not False for c in self.checks)

    def to_dict(self) -> dict[str, Any]:
        return {
            "size": self.size,
            "root": self.root.hex(),
            "valid": self.valid,
            "checks": [c.to_dict() for c in self.checks],
        }


def audit_log(
    store: Store, keyring: Keyring, *, earlier: str | None = None, all_checkpoints: bool = False
) -> Audit:
    """Recompute the log; ``all_checkpoints`` also checks every stored checkpoint, not just the latest."""
    out = Audit()
    add = out.checks.append
    tree = merkle.HashTree()
    bad_leaves: list[int] = []
    with store.session() as s:
        for expected, (idx, body, stored) in enumerate(ledger.entries(s)):
            if idx != expected:
                add(Check("entries", False, f"entry {expected} is missing (next is {idx})"))
                return out
            h = merkle.leaf_hash(body)
            if h != stored:
                bad_leaves.append(idx)
            tree.append_hash(h)
        out.size, out.root = tree.size, tree.root()
        add(
            Check(
                "entries",
                not bad_leaves,
                f"{tree.size} entries rehashed"
                if not bad_leaves
                else f"entries whose body does not match their leaf hash: {bad_leaves[:10]}",
            )
        )

        wrong_nodes = 0
        count = 0
        for level, idx, h in s.execute(select(LogNode.level, LogNode.idx, LogNode.hash)).yield_per(100_000):
            count += 1
            lv, i = int(level), int(idx)
            if lv >= len(tree.levels) or i >= len(tree.levels[lv]) or tree.levels[lv][i] != bytes(h):
                wrong_nodes += 1
        complete = sum(len(row) for row in tree.levels)
        add(
            Check(
                "subtrees",
                wrong_nodes == 0 and count == complete,
                f"{count} stored subtree hashes match"
                if wrong_nodes == 0 and count == complete
                else f"{wrong_nodes} stored subtree hashes are wrong, "
                f"{complete - count + wrong_nodes} missing",
            )
        )

        cp_row = ledger.latest_checkpoint(s)
        if cp_row is None:
            add(Check("checkpoint", tree.size == 0, "no checkpoint stored"))
        else:
            add(_checkpoint_check(cp_row.note, keyring, tree, "latest checkpoint"))
        if all_checkpoints:
            bad = []
            count = 0
            for cp in s.scalars(select(CheckpointRow).order_by(CheckpointRow.size)):
                count += 1
                check = _checkpoint_check(cp.note, keyring, tree, f"checkpoint of size {cp.size}")
                if not check.passed or Checkpoint.parse_text(note_text(cp.note)).size != cp.size:
                    bad.append(cp.size)
            add(
                Check(
                    "checkpoints",
                    not bad,
                    f"all {count} stored checkpoints are signed and match the tree"
                    if not bad
                    else f"stored checkpoints that do not match: sizes {bad[:10]}",
                )
            )

        mismatched = []
        for row in s.scalars(select(CertificateRow)):
            entry = s.execute(select(LogEntry.body).where(LogEntry.idx == row.log_index)).scalar()
            body = leaf_body(loads(bytes(row.payload)), bytes(row.signature), row.key_id)
            if entry is None or bytes(entry) != body:
                mismatched.append(row.id)
        add(
            Check(
                "certificates",
                not mismatched,
                "every certificate record matches its log entry"
                if not mismatched
                else f"certificate records that differ from the log: {mismatched[:10]}",
            )
        )

    if earlier is not None:
        add(_consistency_check(earlier, keyring, tree))
    return out


def _checkpoint_check(note: str, keyring: Keyring, tree: merkle.HashTree, what: str) -> Check:
    try:
        cp = Checkpoint.open(note, keyring)
    except NoteError as exc:
        return Check("checkpoint", False, f"{what}: {exc}")
    if cp.size > tree.size:
        return Check("checkpoint", False, f"{what} claims {cp.size} entries; the log has {tree.size}")
    if tree.root(cp.size) != cp.root:
        return Check("checkpoint", False, f"{what} (size {cp.size}): the recomputed root differs")
    return Check("checkpoint", True, f"{what} (size {cp.size}) is signed and matches the recomputed root")


def _consistency_check(note: str, keyring: Keyring, tree: merkle.HashTree) -> Check:
    try:
        cp = Checkpoint.open(note, keyring)
    except NoteError as exc:
        return Check("consistency", False, f"the earlier checkpoint: {exc}")
    if cp.size > tree.size:
        return Check(
            "consistency", False, f"the earlier checkpoint has {cp.size} entries, the log {tree.size}"
        )
    proof = tree.consistency_proof(cp.size)
    ok = merkle.verify_consistency(cp.size, tree.size, cp.root, tree.root(), proof)
    return Check(
        "consistency",
        ok,
        f"the log of {tree.size} extends the checkpoint of size {cp.size} (RFC 9162 consistency proof)"
        if ok
        else f"the log was rewritten: it is not an extension of the checkpoint of size {cp.size}",
    )
