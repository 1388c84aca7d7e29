"""A process that issues certificates with their files: ``python output_worker.py URL HOME DIR MODE``.

MODE ``loop`` issues (and every third time revokes) until killed; MODE ``batch-loop`` issues batches of
three certificates in one transaction (``issue_many_with_files``) until killed; MODE ``die-after-commit``
issues one certificate and dies (``os._exit``, as kill -9 would) just after the commit, before any file
is renamed.
Files go to ``DIR/certificates/<id>`` as with ``tmec certify`` without ``--out``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "certify"))

from certify_fixtures import CERTIFIER, PASSPHRASE, Case, Determination

from tmec.certify import outputs
from tmec.certify.certificate import Good, Scope
from tmec.certify.issuer import BeforeCommit, Certification, Issued, Issuer
from tmec.certify.parties import parse_parties
from tmec.store.db import open_store


def main(url: str, home: str, directory: str, mode: str) -> None:
    os.chdir(directory)
    issuer = Issuer(open_store(url, home=Path(home)))
    signer = issuer.signer(PASSPHRASE)
    parties = parse_parties(CERTIFIER)
    if mode == "die-after-commit":
        outputs.os.replace = lambda *_: os._exit(9)  # type: ignore[assignment]
    n = 0
    while mode == "batch-loop":
        n += 1

        def batch(ids: list[str], hook: BeforeCommit, n: int = n) -> list[Issued]:
            wanted = [Certification(Good(Case(), Determination()), i) for i in ids]
            return issuer.issue_many(signer, wanted, parties, Scope(invoice=f"INV-{n}"), before_commit=hook)

        done = outputs.issue_many_with_files(issuer, [None] * 3, batch, signer, with_worksheet=True)
        print(" ".join(issued.certificate_id for issued, _ in done), flush=True)
    while True:
        n += 1

        def certify(cert_id: str, hook: BeforeCommit, n: int = n) -> Issued:
            return issuer.issue(
                signer,
                Case(),
                Determination(),
                parties,
                Scope(invoice=f"INV-{n}"),
                certificate_id=cert_id,
                before_commit=hook,
            )

        issued, _ = outputs.issue_with_files(issuer, None, certify, signer, with_worksheet=True)
        print(issued.certificate_id, flush=True)
        if n % 3 == 0:

            def revoke(rev_id: str, hook: BeforeCommit, target: str = issued.certificate_id) -> Issued:
                return issuer.revoke(signer, target, "test", revocation_id=rev_id, before_commit=hook)

            outputs.issue_with_files(issuer, None, revoke, None, with_worksheet=False)


if __name__ == "__main__":
    main(*sys.argv[1:5])
