"""The service's shared state: web sessions and background jobs, so that several server processes
(``tmec serve --workers N``) see the same sign-ins and jobs.

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_session",
        # SHA-256 of the session cookie and of the API key it signed in with: neither is stored
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),  # seconds since the epoch
    )
    op.create_table(
        "service_job",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("owner", sa.String(100), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),  # JSON
        sa.Column("summary", sa.Text(), nullable=True),  # JSON
        sa.Column("result", sa.String(64), nullable=True),
        sa.Column("created", sa.Float(), nullable=False),
        sa.Column("finished", sa.Float(), nullable=True),
        sa.Column("worker", sa.String(300), nullable=False),  # host:pid of the process that runs it
    )


def downgrade() -> None:
    op.drop_table("service_job")
    op.drop_table("web_session")
