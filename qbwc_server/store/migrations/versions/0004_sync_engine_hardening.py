"""sync engine hardening: column sizes, parent-link indexes, ID sweep, company sync state

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

LIST_TABLES = ("team_member", "customer", "service_item", "qb_class", "payroll_item")
TREE_TABLES = ("customer", "service_item", "qb_class")


def upgrade() -> None:
    # QuickBooks allows 1023 characters of email (qbxml160.xsd) and unknown enumeration values
    # are kept as text.
    with op.batch_alter_table("team_member", schema=None) as batch_op:
        batch_op.alter_column(
            "email", existing_type=sa.String(length=254), type_=sa.String(length=1023)
        )
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.alter_column(
            "email", existing_type=sa.String(length=254), type_=sa.String(length=1023)
        )
        batch_op.alter_column(
            "job_status", existing_type=sa.String(length=20), type_=sa.String(length=100)
        )
    with op.batch_alter_table("payroll_item", schema=None) as batch_op:
        batch_op.alter_column(
            "wage_type", existing_type=sa.String(length=30), type_=sa.String(length=100)
        )
    for table in LIST_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("swept_at", sa.DateTime(timezone=True), nullable=True))
    for table in TREE_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            if table != "customer":  # customer has had it since 0002
                batch_op.create_index(
                    f"ix_{table}_company_parent", ["company_id", "parent_list_id"], unique=False
                )
            batch_op.create_index(
                f"ix_{table}_company_parent_id", ["company_id", "parent_id"], unique=False
            )
    op.create_table(
        "company_sync_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("utc_offset_minutes", sa.Integer(), nullable=True),
        sa.Column("disabled", sa.JSON(), nullable=False),
        sa.Column("last_sweep_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sweep_requested", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_company_sync_state_company_id_company")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_company_sync_state")),
        sa.UniqueConstraint("company_id", name=op.f("uq_company_sync_state_company_id")),
    )


def downgrade() -> None:
    op.drop_table("company_sync_state")
    for table in TREE_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{table}_company_parent_id")
            if table != "customer":
                batch_op.drop_index(f"ix_{table}_company_parent")
    for table in LIST_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("swept_at")
    with op.batch_alter_table("payroll_item", schema=None) as batch_op:
        batch_op.alter_column(
            "wage_type", existing_type=sa.String(length=100), type_=sa.String(length=30)
        )
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.alter_column(
            "job_status", existing_type=sa.String(length=100), type_=sa.String(length=20)
        )
        batch_op.alter_column(
            "email", existing_type=sa.String(length=1023), type_=sa.String(length=254)
        )
    with op.batch_alter_table("team_member", schema=None) as batch_op:
        batch_op.alter_column(
            "email", existing_type=sa.String(length=1023), type_=sa.String(length=254)
        )
