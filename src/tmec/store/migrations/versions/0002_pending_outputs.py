"""Pending outputs: a certificate's files between the log entry and their rename into place.

Revision ID: 0002
Revises: 0005
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pending_output",
        sa.Column("certificate_id", sa.String(40), primary_key=True),
        sa.Column("directory", sa.Text(), nullable=False),
        sa.Column("created_dir", sa.Text(), nullable=True),
        sa.Column("with_worksheet", sa.Boolean(), nullable=False),
        sa.Column("credential", sa.LargeBinary(), nullable=True),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("pending_output")
