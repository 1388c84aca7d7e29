"""The append-only log, checkpoints, issuer keys and certificates.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

APPEND_ONLY = ("log_entry", "log_node", "checkpoint")


def upgrade() -> None:
    op.create_table(
        "log_entry",
        sa.Column("idx", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("leaf_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "log_node",
        sa.Column("level", sa.SmallInteger(), primary_key=True, autoincrement=False),
        sa.Column("idx", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("hash", sa.LargeBinary(32), nullable=False),
    )
    op.create_table(
        "checkpoint",
        sa.Column("size", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "issuer_key",
        sa.Column("key_id", sa.String(8), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("public_key", sa.LargeBinary(32), nullable=False),
        sa.Column("private_key_file", sa.Text(), nullable=True),
        sa.Column("log_index", sa.BigInteger(), sa.ForeignKey("log_entry.idx"), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("retired_at", sa.String(32), nullable=True),
    )
    op.create_table(
        "certificate",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("refers_to", sa.String(40), nullable=True, index=True),
        sa.Column("log_index", sa.BigInteger(), sa.ForeignKey("log_entry.idx"), nullable=False, unique=True),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("signature", sa.LargeBinary(64), nullable=False),
        sa.Column("key_id", sa.String(8), nullable=False),
        sa.Column("certification_date", sa.Date(), nullable=False),
        sa.Column("jurisdiction", sa.String(2), nullable=False),
        sa.Column("retain_until", sa.Date(), nullable=False),
        sa.Column("worksheet", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_triggers()
    else:
        _sqlite_triggers()


def _sqlite_triggers() -> None:
    for table in APPEND_ONLY:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {event} refused'); END"
            )
    op.execute(
        "CREATE TRIGGER certificate_no_update BEFORE UPDATE ON certificate "
        "BEGIN SELECT RAISE(ABORT, 'certificate is append-only: UPDATE refused'); END"
    )
    op.execute(
        "CREATE TRIGGER certificate_retention BEFORE DELETE ON certificate "
        "WHEN OLD.retain_until > date('now') "
        "BEGIN SELECT RAISE(ABORT, 'certificate is within its retention period: DELETE refused'); END"
    )


def _postgresql_triggers() -> None:
    op.execute(
        """
        CREATE FUNCTION tmec_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
        END $$
        """
    )
    op.execute(
        """
        CREATE FUNCTION tmec_retention() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF OLD.retain_until > current_date THEN
            RAISE EXCEPTION 'certificate is within its retention period: DELETE refused';
          END IF;
          RETURN OLD;
        END $$
        """
    )
    for table in APPEND_ONLY:
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION tmec_append_only()"
        )
        # TRUNCATE skips row triggers; refuse it too.
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION tmec_append_only()"
        )
    op.execute(
        "CREATE TRIGGER certificate_no_update BEFORE UPDATE ON certificate "
        "FOR EACH ROW EXECUTE FUNCTION tmec_append_only()"
    )
    op.execute(
        "CREATE TRIGGER certificate_retention BEFORE DELETE ON certificate "
        "FOR EACH ROW EXECUTE FUNCTION tmec_retention()"
    )


def downgrade() -> None:
    for table in ("certificate", "issuer_key", "checkpoint", "log_node", "log_entry"):
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS tmec_append_only()")
        op.execute("DROP FUNCTION IF EXISTS tmec_retention()")
