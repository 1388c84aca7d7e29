"""The issuer: keys, certification events and checkpoints, written to the store in one transaction each.

Every event — a key added or retired, a certification issued, amended or
revoked — is one leaf of the log, and each append is followed, in the same
transaction, by a checkpoint signed with the current key.  A crash at any
point leaves the store with the whole event or none of it.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import tempfile
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tmec.certify import certificate as cert
from tmec.certify.canonical import canonical_json, loads, sha256_hex
from tmec.certify.envelope import ENVELOPE_FORMAT, leaf_body
from tmec.certify.issued import (
    BeforeCommit,
    Certification,
    Issued,
    IssuerKey,
    NotInitialised,
    Recorded,
    SignedRecord,
    UnknownCertificate,
    new_certificate_id,
)
from tmec.certify.keys import (
    Ed25519Signer,
    Keyring,
    PublicKey,
    generate_signer,
    load_private_key,
    private_key_pem,
)
from tmec.certify.note import Checkpoint
from tmec.certify.parties import Parties
from tmec.certify.retention import MIN_RETENTION_YEARS, retention_years
from tmec.core.dates import add_years
from tmec.core.errors import InputError, TmecError
from tmec.store import ledger
from tmec.store.sql import Tx, day_value, rows, run

if TYPE_CHECKING:  # SQLAlchemy loads only for what `tmec certify`'s issuing path does not need
    from sqlalchemy.orm import Session

    from tmec.store.db import Store
    from tmec.store.models import CertificateRow
    from tmec.store.quick_store import QuickStore

__all__ = [
    "MIN_RETENTION_YEARS",
    "BeforeCommit",
    "Certification",
    "Issued",
    "Issuer",
    "NotInitialised",
    "UnknownCertificate",
    "new_certificate_id",
    "retention_years",
]


def _write_private(path: Path, data: bytes) -> None:
    """Write the key file atomically, readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".key-")
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


class Issuer:
    """Certification and log operations over an open :class:`Store`.

    Over a :class:`~tmec.store.quick_store.QuickStore` (``tmec certify``'s sqlite3 path) only the
    keys and the issue itself are at hand: they are plain SQL (:mod:`tmec.store.sql`).
    """

    def __init__(self, store: Store | QuickStore) -> None:
        self._store = store

    @property
    def store(self) -> Store:
        """The full store, for the operations written with SQLAlchemy's ORM."""
        from tmec.store.db import Store

        if not isinstance(self._store, Store):
            raise TmecError("this operation needs the full store (SQLAlchemy), not the quick one")
        return self._store

    @property
    def home(self) -> Path:
        return self._store.home

    def transaction(self) -> AbstractContextManager[Tx]:
        """One transaction holding the write lock, on whichever store this issuer has."""
        return self._store.session()

    # -- keys ---------------------------------------------------------------------------------

    def keys(self) -> list[IssuerKey]:
        with self.transaction() as s:
            found = rows(
                s,
                "SELECT key_id, name, public_key, private_key_file, log_index, created_at, retired_at "
                "FROM issuer_key ORDER BY log_index",
            )
        return [IssuerKey(k, n, bytes(p), f, int(i), c, r) for k, n, p, f, i, c, r in found]

    def keyring(self) -> Keyring:
        return Keyring(PublicKey(k.name, bytes(k.public_key)) for k in self.keys())

    def current_key(self) -> IssuerKey:
        live = [k for k in self.keys() if k.retired_at is None]
        if not live:
            raise NotInitialised(
                "this store has no issuer key: run `tmec init` first", source=self._store.url
            )
        return live[-1]

    def origin(self) -> str:
        return self.current_key().name

    def signer(self, passphrase: bytes | None) -> Ed25519Signer:
        row = self.current_key()
        if not row.private_key_file:
            raise InputError("the current issuer key has no private key on this machine")
        path = Path(row.private_key_file)
        if not path.is_file():
            raise InputError("the issuer's private key file is missing", source=str(path))
        signer = load_private_key(row.name, path.read_bytes(), passphrase, source=str(path))
        if signer.public.key_id != row.key_id:
            raise InputError("the private key file does not match the store's current key", source=str(path))
        return signer

    def init(self, origin: str, passphrase: bytes | None) -> PublicKey:
        """Create the issuer's first key; refuse when the store already has one."""
        if self.keys():
            raise InputError(
                f"this store already has an issuer ({self.origin()}); use `tmec keys rotate`",
                source=self.store.url,
            )
        return self._add_key(origin, passphrase, previous=None)

    def rotate(self, old_passphrase: bytes | None, new_passphrase: bytes | None) -> PublicKey:
        """A new current key; the old one is retired but keeps verifying what it signed."""
        old = self.signer(old_passphrase)
        return self._add_key(old.public.name, new_passphrase, previous=old)

    def _add_key(self, origin: str, passphrase: bytes | None, previous: Ed25519Signer | None) -> PublicKey:
        new = generate_signer(origin)
        path = self.store.home / "keys" / f"{new.public.key_id}.pem"
        _write_private(path, private_key_pem(new, passphrase))
        event: dict[str, Any] = {
            "event": "key.add",
            "key_id": new.public.key_id,
            "key_name": new.public.name,
            "public_key": base64.b64encode(new.public.raw).decode(),
            "at": ledger.now(),
        }
        if previous is not None:
            # The retiring key endorses its successor, so a verifier can follow the chain of keys.
            event["previous_key_id"] = previous.public.key_id
            event["endorsement"] = base64.b64encode(
                previous.sign(new.public.verifier_key().encode())
            ).decode()
        from tmec.store.models import IssuerKeyRow

        with self.store.session() as s:
            index, root, _ = ledger.append(s, "key.add", canonical_json(event))
            s.add(
                IssuerKeyRow(
                    key_id=new.public.key_id,
                    name=origin,
                    public_key=new.public.raw,
                    private_key_file=str(path),
                    log_index=index,
                    created_at=event["at"],
                )
            )
            if previous is not None:
                old_row = s.get(IssuerKeyRow, previous.public.key_id)
                assert old_row is not None
                old_row.retired_at = event["at"]
                retire = {"event": "key.retire", "key_id": previous.public.key_id, "at": event["at"]}
                index, root, _ = ledger.append(s, "key.retire", canonical_json(retire))
            ledger.store_checkpoint(s, index + 1, Checkpoint(origin, index + 1, root).sign(new))
        return new.public

    # -- certification events -------------------------------------------------------------------

    def issue(
        self,
        signer: Ed25519Signer,
        case: cert.CaseLike,
        determination: cert.DeterminationLike,
        parties: Parties,
        scope: cert.Scope,
        *,
        language: str = "en",
        certification_date: dt.date | None = None,
        retention_override: int | None = None,
        case_file: bytes | None = None,
        amends: str | None = None,
        reason: str | None = None,
        certificate_id: str | None = None,
        before_commit: BeforeCommit | None = None,
    ) -> Issued:
        (issued,) = self.issue_many(
            signer,
            [Certification(cert.Good(case, determination, case_file), certificate_id)],
            parties,
            scope,
            language=language,
            certification_date=certification_date,
            retention_override=retention_override,
            amends=amends,
            reason=reason,
            before_commit=before_commit,
        )
        return issued

    def issue_many(
        self,
        signer: Ed25519Signer,
        certifications: list[Certification],
        parties: Parties,
        scope: cert.Scope,
        *,
        language: str = "en",
        translation: str | None = None,
        certification_date: dt.date | None = None,
        retention_override: int | None = None,
        amends: str | None = None,
        reason: str | None = None,
        before_commit: BeforeCommit | None = None,
    ) -> list[Issued]:
        """Issue every certification of ``certifications`` in one transaction: all are logged, or none.

        Each is signed, appended to the log and followed by its own checkpoint, exactly as one issued
        alone (so each certificate.json is the same whether it was issued alone or in a batch);
        ``before_commit`` runs once per certificate, inside the transaction.  Every payload is built
        (and every good checked originating) before the transaction starts.
        """
        day = certification_date or dt.date.today()
        jurisdiction = parties.certifier.country
        years, reference = retention_years(jurisdiction, day, retention_override)
        retain_until = add_years(day, years)
        retention = {
            "jurisdiction": jurisdiction,
            "years": years,
            "retain_until": retain_until,
            "reference": reference,
        }
        issuer_ref = {"log_origin": signer.public.name, "key_id": signer.public.key_id}
        prepared: list[tuple[dict[str, Any], bytes, dict[str, Any]]] = []
        for c in certifications:
            if c.goods is not None:
                sheet = cert.combined_worksheet(c.goods)
            else:
                assert c.good is not None
                sheet = cert.worksheet(c.good.case, c.good.determination, case_file=c.good.case_file)
            sheet_bytes = canonical_json(sheet)
            facts: dict[str, Any] = {
                "certificate_id": c.certificate_id or new_certificate_id(),
                "certification_date": day,
                "worksheet_sha256": sha256_hex(sheet_bytes),
                "issuer": issuer_ref,
                "retention": retention,
                "language": language,
                "amends": amends,
                "reason": reason,
            }
            if c.goods is not None:
                other = translation or ("en" if language != "en" else "es")
                payload = cert.build_multi_certification(c.goods, parties, scope, translation=other, **facts)
            else:
                assert c.good is not None
                payload = cert.build_certification(c.good.case, c.good.determination, parties, scope, **facts)
            prepared.append((payload, sheet_bytes, sheet))
        out = []
        with self.transaction() as s:
            if amends:
                self._require_live(s, amends)
            self._require_current(s, signer)  # once: the transaction holds the write lock throughout
            for payload, sheet_bytes, sheet in prepared:
                row, known = self._record(
                    s,
                    signer,
                    payload,
                    day,
                    jurisdiction,
                    retain_until,
                    sheet_bytes,
                    refers_to=amends,
                    key_checked=True,
                )
                envelope = self._envelope(s, row, signer.public, known)
                issued = Issued(payload["certificate_id"], row.log_index, envelope, sheet, sheet_bytes)
                if before_commit is not None:
                    before_commit(s, issued)
                out.append(issued)
        return out

    def revoke(
        self,
        signer: Ed25519Signer,
        certificate_id: str,
        reason: str,
        day: dt.date | None = None,
        *,
        revocation_id: str | None = None,
        before_commit: BeforeCommit | None = None,
    ) -> Issued:
        day = day or dt.date.today()
        payload = cert.build_revocation(
            certificate_id=revocation_id or new_certificate_id(),
            revokes=certificate_id,
            reason=reason,
            date=day,
            issuer={"log_origin": signer.public.name, "key_id": signer.public.key_id},
        )
        with self.transaction() as s:
            jurisdiction, retain_until = self._require_live(s, certificate_id)
            row, known = self._record(
                s,
                signer,
                payload,
                day,
                jurisdiction,
                retain_until,
                None,
                refers_to=certificate_id,
            )
            issued = Issued(
                payload["certificate_id"], row.log_index, self._envelope(s, row, signer.public, known), None
            )
            if before_commit is not None:
                before_commit(s, issued)
        return issued

    @staticmethod
    def _require_live(s: Tx, certificate_id: str) -> tuple[str, dt.date]:
        """The certificate's jurisdiction and retention date, when it is neither revoked nor replaced."""
        found = rows(
            s,
            "SELECT kind, jurisdiction, retain_until FROM certificate WHERE id = :id",
            {"id": certificate_id},
        )
        if not found or found[0][0] == "revocation":
            raise UnknownCertificate(f"no certificate {certificate_id} in this store", field="CERT_ID")
        for later_id, later_kind in rows(
            s, "SELECT id, kind FROM certificate WHERE refers_to = :id", {"id": certificate_id}
        ):
            raise InputError(
                f"certificate {certificate_id} was already {_PAST[later_kind]} by {later_id}", field="CERT_ID"
            )
        _, jurisdiction, retain_until = found[0]
        until = retain_until if isinstance(retain_until, dt.date) else dt.date.fromisoformat(retain_until)
        return str(jurisdiction), until

    def _record(
        self,
        s: Tx,
        signer: Ed25519Signer,
        payload: dict[str, Any],
        day: dt.date,
        jurisdiction: str,
        retain_until: dt.date,
        sheet: bytes | None,
        refers_to: str | None,
        *,
        key_checked: bool = False,
    ) -> tuple[Recorded, tuple[str, list[bytes]]]:
        if not key_checked:
            self._require_current(s, signer)
        body = canonical_json(payload)
        signature = signer.sign(body)
        leaf = leaf_body(payload, signature, signer.public.key_id, canonical=body)
        index, root, proof = ledger.append(s, f"certificate.{payload['kind']}", leaf)
        note = Checkpoint(signer.public.name, index + 1, root).sign(signer)
        ledger.store_checkpoint(s, index + 1, note)
        values: dict[str, Any] = {
            "id": payload["certificate_id"],
            "kind": payload["kind"],
            "refers_to": refers_to,
            "log_index": index,
            "payload": body,
            "signature": signature,
            "key_id": signer.public.key_id,
            "certification_date": day_value(s, day),
            "jurisdiction": jurisdiction,
            "retain_until": day_value(s, retain_until),
            "worksheet": sheet,
            "created_at": ledger.now(),
        }
        run(
            s,
            f"INSERT INTO certificate ({', '.join(values)}) VALUES ({', '.join(':' + k for k in values)})",
            values,
        )
        return Recorded(index, body, signature, signer.public.key_id), (note, proof)

    @staticmethod
    def _require_current(s: Tx, signer: Ed25519Signer) -> None:
        # Checked under the write lock: another process may have rotated the key since it was loaded.
        key = rows(s, "SELECT retired_at FROM issuer_key WHERE key_id = :k", {"k": signer.public.key_id})
        if not key or key[0][0] is not None:
            raise InputError(
                f"issuer key {signer.public.key_id} is not the current key (rotated?): reload it"
            )

    def _envelope(
        self, s: Tx, row: SignedRecord, key: PublicKey, known: tuple[str, list[bytes]] | None = None
    ) -> dict[str, Any]:
        """certificate.json for ``row``, proven in the tree just after its entry (``known``: note, proof)."""
        size = row.log_index + 1
        if known is None:
            cp = rows(s, "SELECT note FROM checkpoint WHERE size = :size", {"size": size})
            if not cp:
                raise TmecError(f"the log has no checkpoint of size {size}")
            known = (str(cp[0][0]), ledger.inclusion_proof(s, row.log_index, size))
        note, proof = known
        return {
            "format": ENVELOPE_FORMAT,
            "payload": loads(bytes(row.payload)),
            "signature": {
                "alg": "Ed25519",
                "key_id": row.key_id,
                "key_name": key.name,
                "value": base64.b64encode(bytes(row.signature)).decode(),
            },
            "public_key": key.verifier_key(),
            "log": {
                "origin": key.name,
                "index": row.log_index,
                "tree_size": size,
                "inclusion_proof": [base64.b64encode(p).decode() for p in proof],
                "checkpoint": note,
            },
        }

    # -- retention ------------------------------------------------------------------------------

    def purge_expired(self, today: dt.date | None = None) -> list[str]:
        """Delete the certificate records (payload, worksheet) whose retention period has ended.

        Their log entries stay: they hold only hashes and signatures.  The database refuses to
        delete a record before its ``retain_until`` date whatever the caller asks.
        """
        from sqlalchemy import delete

        from tmec.store.models import CertificateRow

        today = today or dt.date.today()
        with self.store.session() as s:
            ids = self._expired(s, today)
            if ids:
                s.execute(delete(CertificateRow).where(CertificateRow.id.in_(ids)))
        return ids

    def expired_records(self, today: dt.date | None = None) -> list[str]:
        """The certificate records :meth:`purge_expired` would delete (``tmec purge --dry-run``)."""
        with self.store.session() as s:
            return self._expired(s, today or dt.date.today())

    @staticmethod
    def _expired(s: Session, today: dt.date) -> list[str]:
        from sqlalchemy import select

        from tmec.store.models import CertificateRow

        stmt = select(CertificateRow.id).where(CertificateRow.retain_until <= today)
        return list(s.scalars(stmt.order_by(CertificateRow.log_index)))

    # -- reading back -----------------------------------------------------------------------------

    def get(self, certificate_id: str) -> CertificateRow:
        from tmec.store.models import CertificateRow

        with self.store.session() as s:
            row = s.get(CertificateRow, certificate_id)
        if row is None:
            raise UnknownCertificate(f"no certificate {certificate_id} in this store", field="CERT_ID")
        return row

    def envelope(self, certificate_id: str) -> dict[str, Any]:
        row = self.get(certificate_id)
        with self.store.session() as s:
            return self.envelope_in(s, row)

    def envelope_in(self, s: Session, row: CertificateRow) -> dict[str, Any]:
        """``row``'s certificate.json, read within the open transaction ``s``."""
        from tmec.store.models import IssuerKeyRow

        key = s.get(IssuerKeyRow, row.key_id)
        if key is None:
            raise TmecError(f"the store has no key {row.key_id}")
        return self._envelope(s, row, PublicKey(key.name, bytes(key.public_key)))

    def history(self, certificate_id: str) -> list[CertificateRow]:
        """The records that amend or revoke ``certificate_id``."""
        from sqlalchemy import select

        from tmec.store.models import CertificateRow

        with self.store.session() as s:
            stmt = select(CertificateRow).where(CertificateRow.refers_to == certificate_id)
            return list(s.scalars(stmt.order_by(CertificateRow.log_index)))

    def log_head(self, size: int) -> tuple[str, list[bytes]] | None:
        """The latest signed checkpoint and a consistency proof to it from the tree of ``size``."""
        with self.store.session() as s:
            head = ledger.latest_checkpoint(s)
            if head is None or not 0 < size <= head.size:
                return None
            return head.note, ledger.consistency_proof(s, size, head.size)

    def status(self, certificate_id: str) -> dict[str, Any]:
        """``{"state": "valid" | "revoked" | "amended", "by": id, "reason": ...}`` from the store."""
        from sqlalchemy import select

        from tmec.store.models import CertificateRow

        with self.store.session() as s:
            for later in s.scalars(select(CertificateRow).where(CertificateRow.refers_to == certificate_id)):
                p = loads(bytes(later.payload))
                return {
                    "state": _PAST[later.kind],
                    "by": later.id,
                    "reason": p.get("reason"),
                    "log_index": later.log_index,
                }
        return {"state": "valid"}


_PAST = {"revocation": "revoked", "amendment": "amended", "certification": "certified"}
