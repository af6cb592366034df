"""admin users: one-time passwords, session versions; company set-up facts

Revision ID: 0006
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("admin_user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        batch_op.add_column(
            sa.Column("session_version", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("admin_user", schema=None) as batch_op:
        batch_op.alter_column("must_change_password", server_default=None)
        batch_op.alter_column("session_version", server_default=None)

    op.create_table(
        "company_setup",
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("password_shown_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("qwc_downloaded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checklist_done_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_company_setup_company_id_company")
        ),
        sa.PrimaryKeyConstraint("company_id", name=op.f("pk_company_setup")),
    )


def downgrade() -> None:
    op.drop_table("company_setup")
    with op.batch_alter_table("admin_user", schema=None) as batch_op:
        batch_op.drop_column("password_changed_at")
        batch_op.drop_column("session_version")
        batch_op.drop_column("must_change_password")
