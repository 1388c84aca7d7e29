"""A separate process that issues certificates into a store: ``python issue_worker.py URL HOME COUNT``.

Used by the concurrency and crash (kill -9) tests; COUNT 0 issues until killed.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "certify"))

from certify_fixtures import CERTIFIER, PASSPHRASE, Case, Determination

from tmec.certify.certificate import Scope
from tmec.certify.issuer import Issuer
from tmec.certify.parties import parse_parties
from tmec.store.db import open_store


def main(url: str, home: str, count: int) -> None:
    issuer = Issuer(open_store(url, home=Path(home)))
    signer = issuer.signer(PASSPHRASE)
    parties = parse_parties(CERTIFIER)
    n = 0
    while count == 0 or n < count:
        issued = issuer.issue(signer, Case(), Determination(), parties, Scope(invoice=f"INV-{n}"))
        print(issued.log_index, flush=True)
        n += 1


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
