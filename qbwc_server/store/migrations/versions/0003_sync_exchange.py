"""sync exchange log

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_exchange",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("operation", sa.String(length=40), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("qbxml_in", sa.LargeBinary(), nullable=True),
        sa.Column("answer", sa.JSON(), nullable=True),
        sa.Column("qbxml_out", sa.LargeBinary(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("raw_bytes", sa.BigInteger(), nullable=False),
        sa.Column("stored_bytes", sa.BigInteger(), nullable=False),
        sa.Column("context", sa.JSON(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_sync_exchange_company_id_company")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sync_session.id"],
            name=op.f("fk_sync_exchange_session_id_sync_session"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_exchange")),
    )
    with op.batch_alter_table("sync_exchange", schema=None) as batch_op:
        batch_op.create_index("ix_sync_exchange_session_seq", ["session_id", "seq"], unique=False)
        batch_op.create_index("ix_sync_exchange_company_at", ["company_id", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sync_exchange", schema=None) as batch_op:
        batch_op.drop_index("ix_sync_exchange_company_at")
        batch_op.drop_index("ix_sync_exchange_session_seq")
    op.drop_table("sync_exchange")
