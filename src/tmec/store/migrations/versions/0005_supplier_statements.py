"""Supplier statements, and their withdrawals and expiries.

Revision ID: 0005
Revises: 0001
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0001"
branch_labels = None
depends_on = None

APPEND_ONLY = ("supplier_statement", "statement_event")


def upgrade() -> None:
    op.create_table(
        "supplier_statement",
        sa.Column("id", sa.String(24), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("supplier_key", sa.String(200), nullable=False, index=True),
        sa.Column("part", sa.String(200), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=False, index=True),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("log_index", sa.BigInteger(), sa.ForeignKey("log_entry.idx"), nullable=False, unique=True),
        sa.Column("recorded_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "statement_event",
        sa.Column("statement_id", sa.String(24), sa.ForeignKey("supplier_statement.id"), primary_key=True),
        sa.Column("event", sa.String(16), primary_key=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("log_index", sa.BigInteger(), sa.ForeignKey("log_entry.idx"), nullable=False, unique=True),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in APPEND_ONLY:
        if postgresql:
            # tmec_append_only() comes from migration 0001.
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION tmec_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION tmec_append_only()"
            )
        else:
            for event in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {event} refused'); END"
                )


def downgrade() -> None:
    for table in reversed(APPEND_ONLY):
        op.drop_table(table)
