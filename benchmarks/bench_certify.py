"""Certification and the transparency log at scale.

* issue N certificates into a fresh SQLite store (sign, append to the log, store the record, sign a
  checkpoint, build certificate.json with its inclusion proof), one transaction each;
* verify one certificate offline (signature, checkpoint, inclusion proof);
* a log of 1,000,000 entries: an inclusion proof read from the store, and a full audit (rehash every
  entry, rebuild the tree, check every stored subtree hash and the signed checkpoint).

Baselines measured in the same run: one raw Ed25519 signature + verification, and SHA-256 over the
entries alone (the floor of any audit).
Sizes: TMEC_BENCH_CERTS (default 10,000), TMEC_BENCH_LOG (default 1,000,000) and
TMEC_BENCH_CERT_FILES (default 50: certificates issued with their four files, as `tmec certify` does).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from tmec.certify import merkle
from tmec.certify.audit import audit_log
from tmec.certify.canonical import canonical_json
from tmec.certify.certificate import Scope
from tmec.certify.issuer import BeforeCommit, Issued, Issuer
from tmec.certify.keys import Keyring, generate_signer
from tmec.certify.note import Checkpoint
from tmec.certify.outputs import issue_with_files
from tmec.certify.parties import parse_parties
from tmec.certify.pdf import render_pdf
from tmec.certify.verify import verify_certificate
from tmec.law import load_yaml
from tmec.origin import load_case, qualify
from tmec.store import ledger
from tmec.store.db import open_store
from tmec.store.models import CheckpointRow, LogEntry, LogNode, table

ROOT = Path(__file__).resolve().parent.parent


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.3f} ms"


def bench_issue(tmp: Path, n: int) -> dict[str, Any]:
    store = open_store(f"sqlite:///{tmp / 'issue.db'}", home=tmp)
    issuer = Issuer(store)
    issuer.init("bench.example/log", None)
    signer = issuer.signer(None)
    # A real qualification: the bundled bearing example through the origin engine.
    case = load_case(ROOT / "examples" / "bearing.yaml")
    det = qualify(case)
    parties = parse_parties(load_yaml(ROOT / "examples" / "certifier.yaml"))
    t0 = time.perf_counter()
    last = None
    for i in range(n):
        last = issuer.issue(
            signer, case, det, parties, Scope(invoice=f"INV-{i}"), certification_date=dt.date(2024, 1, 1)
        )
    issue_s = time.perf_counter() - t0
    assert last is not None
    keyring = Keyring([signer.public])
    reps = 1000
    t0 = time.perf_counter()
    for _ in range(reps):
        ok = verify_certificate(last.envelope, keyring, on=dt.date(2024, 1, 2)).valid
    verify_s = (time.perf_counter() - t0) / reps
    assert ok
    t0 = time.perf_counter()
    for _ in range(20):
        render_pdf(last.envelope)
    pdf_s = (time.perf_counter() - t0) / 20
    # baseline: the cryptography alone
    body = canonical_json(last.envelope["payload"])
    t0 = time.perf_counter()
    for _ in range(reps):
        signer.public.verify(signer.sign(body), body)
    crypto_s = (time.perf_counter() - t0) / reps
    with_files = int(os.environ.get("TMEC_BENCH_CERT_FILES", "50"))
    t0 = time.perf_counter()
    for i in range(with_files):

        def call(cert_id: str, hook: BeforeCommit, i: int = i) -> Issued:
            return issuer.issue(
                signer,
                case,
                det,
                parties,
                Scope(invoice=f"F-{i}"),
                certificate_id=cert_id,
                before_commit=hook,
            )

        issue_with_files(issuer, tmp / "files" / str(i), call, signer, with_worksheet=True)
    files_s = (time.perf_counter() - t0) / max(with_files, 1)
    store.close()
    return {
        "n": n,
        "issue_s": issue_s,
        "verify_s": verify_s,
        "pdf_s": pdf_s,
        "crypto_s": crypto_s,
        "with_files": with_files,
        "files_s": files_s,
        "proof_len": len(last.envelope["log"]["inclusion_proof"]),
    }


def _build_log(tmp: Path, n: int) -> tuple[Any, Any, float]:
    """A store whose log holds ``n`` synthetic certificate-sized entries, bulk loaded."""
    store = open_store(f"sqlite:///{tmp / 'log.db'}", home=tmp)
    signer = generate_signer("bench.example/log")
    tree = merkle.HashTree()
    t0 = time.perf_counter()
    batch = 100_000
    with store.session() as s:
        for start in range(0, n, batch):
            rows = []
            for i in range(start, min(n, start + batch)):
                body = canonical_json(
                    {
                        "event": "certificate.certification",
                        "certificate_id": f"CO-{i:016d}",
                        "payload_sha256": hashlib.sha256(str(i).encode()).hexdigest(),
                        "key_id": signer.public.key_id,
                        "signature": "A" * 88,
                    }
                )
                h = merkle.leaf_hash(body)
                tree.append_hash(h)
                rows.append(
                    {
                        "idx": i,
                        "kind": "certificate.certification",
                        "body": body,
                        "leaf_hash": h,
                        "created_at": "2024-01-01T00:00:00+00:00",
                    }
                )
            s.execute(insert(table(LogEntry)), rows)
        nodes = [
            {"level": lv, "idx": i, "hash": h}
            for lv, row in enumerate(tree.levels)
            for i, h in enumerate(row)
        ]
        for start in range(0, len(nodes), 200_000):
            s.execute(insert(table(LogNode)), nodes[start : start + 200_000])
        s.add(
            CheckpointRow(
                size=n,
                note=Checkpoint(signer.public.name, n, tree.root()).sign(signer),
                created_at="2024-01-01T00:00:00+00:00",
            )
        )
    return store, signer, time.perf_counter() - t0


def bench_log(tmp: Path, n: int) -> dict[str, Any]:
    store, signer, load_s = _build_log(tmp, n)
    rng = random.Random(1)
    picks = [rng.randrange(n) for _ in range(200)]
    t0 = time.perf_counter()
    with store.session() as s:
        root = ledger.root(s, n)
        proofs = [(i, ledger.inclusion_proof(s, i, n)) for i in picks]
    proof_s = (time.perf_counter() - t0) / len(picks)
    with store.session() as s:
        leaves = {i: s.get(LogEntry, i) for i in picks[:5]}
        for i, proof in proofs[:5]:
            entry = leaves[i]
            assert entry is not None and merkle.verify_inclusion(i, n, bytes(entry.leaf_hash), proof, root)
    t0 = time.perf_counter()
    result = audit_log(store, Keyring([signer.public]))
    audit_s = time.perf_counter() - t0
    assert result.valid, result.to_dict()
    # baseline: reading and hashing the entries, nothing else
    t0 = time.perf_counter()
    with store.session() as s:
        for _, body, _ in ledger.entries(s):
            hashlib.sha256(b"\0" + body).digest()
    floor_s = time.perf_counter() - t0
    store.close()
    return {"n": n, "load_s": load_s, "proof_s": proof_s, "audit_s": audit_s, "floor_s": floor_s}


def run() -> None:
    certs = int(os.environ.get("TMEC_BENCH_CERTS", "10000"))
    log_size = int(os.environ.get("TMEC_BENCH_LOG", "1000000"))
    with tempfile.TemporaryDirectory(prefix="tmec-bench-") as d:
        r = bench_issue(Path(d), certs)
        print(
            f"issue {r['n']:,} certificates: {r['issue_s']:.1f} s ({_ms(r['issue_s'] / r['n'])} each; "
            f"target < 60 s for 10,000)"
        )
        print(
            f"verify one certificate: {_ms(r['verify_s'])} (target < 5 ms); "
            f"baseline Ed25519 sign+verify {_ms(r['crypto_s'])}; proof of {r['proof_len']} hashes"
        )
        print(f"render one certificate PDF (not part of issuing above): {_ms(r['pdf_s'])}")
        print(
            f"issue one certificate with its four files (temporary names, pending record, rename; "
            f"mean of {r['with_files']}): {_ms(r['files_s'])}"
        )
    with tempfile.TemporaryDirectory(prefix="tmec-bench-") as d:
        r = bench_log(Path(d), log_size)
        print(f"bulk-load a log of {r['n']:,} entries (setup): {r['load_s']:.1f} s")
        print(f"inclusion proof from the store, log of {r['n']:,}: {_ms(r['proof_s'])} (target < 10 ms)")
        print(
            f"full audit of {r['n']:,} entries: {r['audit_s']:.1f} s (target < 30 s); "
            f"baseline read + SHA-256 only {r['floor_s']:.1f} s"
        )


if __name__ == "__main__":
    run()
