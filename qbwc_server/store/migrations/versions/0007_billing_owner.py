"""billing owner: who pays a company's subscription, and the firm's takeover proposals

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("company", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "billing_owner", sa.String(length=10), nullable=False, server_default="client"
            )
        )
        batch_op.add_column(sa.Column("billing_owner_firm_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("billing_owner_since", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("next_billing_date", sa.Date(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_company_billing_owner_firm_id_firm"),
            "firm",
            ["billing_owner_firm_id"],
            ["id"],
        )
    op.create_table(
        "billing_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("proposed_by", sa.String(length=254), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=254), nullable=True),
        sa.Column("effective_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_billing_change_company_id_company")
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"], ["firm.id"], name=op.f("fk_billing_change_firm_id_firm")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_change")),
    )
    op.create_index(
        op.f("ix_billing_change_company_id"), "billing_change", ["company_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_billing_change_company_id"), table_name="billing_change")
    op.drop_table("billing_change")
    with op.batch_alter_table("company", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_company_billing_owner_firm_id_firm"), type_="foreignkey"
        )
        batch_op.drop_column("next_billing_date")
        batch_op.drop_column("billing_owner_since")
        batch_op.drop_column("billing_owner_firm_id")
        batch_op.drop_column("billing_owner")
