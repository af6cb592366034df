"""connected firm accounts, a second firm per company, accountant invitations

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # an email may belong to several firm accounts: one admin_user row per account
    with op.batch_alter_table("admin_user", schema=None) as batch_op:
        batch_op.drop_constraint("uq_admin_user_email", type_="unique")
        batch_op.create_index(batch_op.f("ix_admin_user_email"), ["email"], unique=False)
    with op.batch_alter_table("company", schema=None) as batch_op:
        batch_op.add_column(sa.Column("primary_admin_firm_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_company_primary_admin_firm_id_firm"),
            "firm",
            ["primary_admin_firm_id"],
            ["id"],
        )
    op.create_table(
        "firm_connection",
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("primary_firm_id", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["firm_id"], ["firm.id"], name=op.f("fk_firm_connection_firm_id_firm")
        ),
        sa.ForeignKeyConstraint(
            ["primary_firm_id"],
            ["firm.id"],
            name=op.f("fk_firm_connection_primary_firm_id_firm"),
        ),
        sa.PrimaryKeyConstraint("firm_id", name=op.f("pk_firm_connection")),
    )
    op.create_table(
        "company_firm",
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_company_firm_company_id_company")
        ),
        sa.ForeignKeyConstraint(["firm_id"], ["firm.id"], name=op.f("fk_company_firm_firm_id_firm")),
        sa.PrimaryKeyConstraint("company_id", name=op.f("pk_company_firm")),
    )
    op.create_table(
        "firm_invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("firm_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_firm_invitation_company_id_company")
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"], ["firm.id"], name=op.f("fk_firm_invitation_firm_id_firm")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_firm_invitation")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_firm_invitation_token_hash")),
    )
    with op.batch_alter_table("firm_invitation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_firm_invitation_company_id"), ["company_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("firm_invitation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_firm_invitation_company_id"))
    op.drop_table("firm_invitation")
    op.drop_table("company_firm")
    op.drop_table("firm_connection")
    with op.batch_alter_table("company", schema=None) as batch_op:
        batch_op.drop_constraint("fk_company_primary_admin_firm_id_firm", type_="foreignkey")
        batch_op.drop_column("primary_admin_firm_id")
    with op.batch_alter_table("admin_user", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_admin_user_email"))
        batch_op.create_unique_constraint("uq_admin_user_email", ["email"])
