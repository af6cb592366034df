"""time entries, payroll mapping, token scopes and exactly-once export (issue 13)

Revision ID: 0005
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("scope", sa.String(length=10), nullable=False, server_default="read")
        )

    with op.batch_alter_table("time_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("external_id", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("start_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("end_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("time_zone", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("deleted", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1"))
        )
        batch_op.add_column(sa.Column("in_flight", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("exported_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            "ix_time_entry_company_export_state", ["company_id", "export_state"], unique=False
        )
        batch_op.create_index("ix_time_entry_company_date", ["company_id", "work_date"], unique=False)
        batch_op.create_unique_constraint(
            batch_op.f("uq_time_entry_company_id"), ["company_id", "external_id"]
        )

    op.create_table(
        "payroll_mapping",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("team_member_id", sa.Integer(), nullable=False),
        sa.Column("hour_type", sa.String(length=40), nullable=False),
        sa.Column("payroll_item_id", sa.Integer(), nullable=False),
        sa.Column("forced", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_payroll_mapping_company_id_company")
        ),
        sa.ForeignKeyConstraint(
            ["payroll_item_id"],
            ["payroll_item.id"],
            name=op.f("fk_payroll_mapping_payroll_item_id_payroll_item"),
        ),
        sa.ForeignKeyConstraint(
            ["team_member_id"],
            ["team_member.id"],
            name=op.f("fk_payroll_mapping_team_member_id_team_member"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payroll_mapping")),
        sa.UniqueConstraint(
            "company_id", "team_member_id", "hour_type", name=op.f("uq_payroll_mapping_company_id")
        ),
    )
    op.create_table(
        "payroll_default",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("hour_type", sa.String(length=40), nullable=False),
        sa.Column("payroll_item_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_payroll_default_company_id_company")
        ),
        sa.ForeignKeyConstraint(
            ["payroll_item_id"],
            ["payroll_item.id"],
            name=op.f("fk_payroll_default_payroll_item_id_payroll_item"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payroll_default")),
        sa.UniqueConstraint("company_id", "hour_type", name=op.f("uq_payroll_default_company_id")),
    )


def downgrade() -> None:
    op.drop_table("payroll_default")
    op.drop_table("payroll_mapping")
    with op.batch_alter_table("time_entry", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_time_entry_company_id"), type_="unique")
        batch_op.drop_index("ix_time_entry_company_date")
        batch_op.drop_index("ix_time_entry_company_export_state")
        for column in (
            "exported_at",
            "approved_at",
            "in_flight",
            "version",
            "deleted",
            "time_zone",
            "end_at",
            "start_at",
            "external_id",
        ):
            batch_op.drop_column(column)
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_column("scope")
