"""client set-up from the firm: payroll settings, set-up progress, client admin invitations

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("company", schema=None) as batch_op:
        # weekly | biweekly | semimonthly | monthly; None until the firm sets it
        batch_op.add_column(sa.Column("pay_period", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("pay_period_anchor", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("week_start", sa.String(length=10), nullable=False, server_default="Monday")
        )
        # overtime thresholds in minutes (None: no such rule)
        batch_op.add_column(sa.Column("overtime_daily_minutes", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("overtime_weekly_minutes", sa.Integer(), nullable=True))
        # the QuickBooks product the company was bound under (health: the edition changed)
        batch_op.add_column(sa.Column("bound_qb_product", sa.String(length=200), nullable=True))
    with op.batch_alter_table("company_setup", schema=None) as batch_op:
        batch_op.add_column(sa.Column("payroll_done_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("options_done_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("client_admin_done_at", sa.DateTime(timezone=True), nullable=True)
        )
    op.create_table(
        "client_admin_invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("team_member_id", sa.Integer(), nullable=True),
        sa.Column("invited_by", sa.String(length=254), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("admin_user_id", sa.Integer(), nullable=True),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_client_admin_invitation_company_id_company")
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"], ["firm.id"], name=op.f("fk_client_admin_invitation_firm_id_firm")
        ),
        sa.ForeignKeyConstraint(
            ["team_member_id"],
            ["team_member.id"],
            name=op.f("fk_client_admin_invitation_team_member_id_team_member"),
        ),
        sa.ForeignKeyConstraint(
            ["admin_user_id"],
            ["admin_user.id"],
            name=op.f("fk_client_admin_invitation_admin_user_id_admin_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_admin_invitation")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_client_admin_invitation_token_hash")),
    )
    with op.batch_alter_table("client_admin_invitation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_client_admin_invitation_company_id"), ["company_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("client_admin_invitation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_client_admin_invitation_company_id"))
    op.drop_table("client_admin_invitation")
    with op.batch_alter_table("company_setup", schema=None) as batch_op:
        batch_op.drop_column("client_admin_done_at")
        batch_op.drop_column("options_done_at")
        batch_op.drop_column("payroll_done_at")
    with op.batch_alter_table("company", schema=None) as batch_op:
        batch_op.drop_column("bound_qb_product")
        batch_op.drop_column("overtime_weekly_minutes")
        batch_op.drop_column("overtime_daily_minutes")
        batch_op.drop_column("week_start")
        batch_op.drop_column("pay_period_anchor")
        batch_op.drop_column("pay_period")
