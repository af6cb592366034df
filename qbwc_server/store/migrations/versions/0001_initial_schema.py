"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "firm",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_firm")),
        sa.UniqueConstraint("name", name=op.f("uq_firm_name")),
    )
    op.create_table(
        "installation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.String(length=38), nullable=False),
        sa.Column("secret_key", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_installation")),
    )
    op.create_table(
        "login_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failure")),
    )
    with op.batch_alter_table("login_failure", schema=None) as batch_op:
        batch_op.create_index("ix_login_failure_address_at", ["address", "at"], unique=False)
        batch_op.create_index("ix_login_failure_username_at", ["username", "at"], unique=False)

    op.create_table(
        "company",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("qbwc_username", sa.String(length=100), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("file_id", sa.String(length=38), nullable=False),
        sa.Column("bound_company_file", sa.Text(), nullable=True),
        sa.Column("bound_file_stamp", sa.String(length=38), nullable=True),
        sa.Column("qb_product", sa.String(length=200), nullable=True),
        sa.Column("qb_country", sa.String(length=8), nullable=True),
        sa.Column("qbxml_version", sa.String(length=10), nullable=True),
        sa.Column("import_options", sa.JSON(), nullable=False),
        sa.Column("sync_requested_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["firm_id"], ["firm.id"], name=op.f("fk_company_firm_id_firm")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_company")),
        sa.UniqueConstraint("file_id", name=op.f("uq_company_file_id")),
        sa.UniqueConstraint("qbwc_username", name=op.f("uq_company_qbwc_username")),
    )
    with op.batch_alter_table("company", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_company_firm_id"), ["firm_id"], unique=False)

    op.create_table(
        "admin_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=True),
        sa.Column("company_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_admin_user_company_id_company")
        ),
        sa.ForeignKeyConstraint(["firm_id"], ["firm.id"], name=op.f("fk_admin_user_firm_id_firm")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admin_user")),
        sa.UniqueConstraint("email", name=op.f("uq_admin_user_email")),
    )
    with op.batch_alter_table("admin_user", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_admin_user_company_id"), ["company_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_admin_user_firm_id"), ["firm_id"], unique=False)

    op.create_table(
        "sync_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("ticket_hash", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("client_address", sa.String(length=64), nullable=True),
        sa.Column("company_file", sa.Text(), nullable=True),
        sa.Column("qbxml_country", sa.String(length=8), nullable=True),
        sa.Column("qbxml_version", sa.String(length=10), nullable=True),
        sa.Column("hcp_response", sa.LargeBinary(), nullable=True),
        sa.Column("planned", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("consecutive_hresults", sa.Integer(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("state_data", sa.JSON(), nullable=False),
        sa.Column("sync_requested_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("bytes_received", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_sync_session_company_id_company")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_session")),
        sa.UniqueConstraint("ticket_hash", name=op.f("uq_sync_session_ticket_hash")),
    )
    with op.batch_alter_table("sync_session", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sync_session_company_id"), ["company_id"], unique=False
        )
        batch_op.create_index(
            "ix_sync_session_company_state", ["company_id", "state"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("sync_session", schema=None) as batch_op:
        batch_op.drop_index("ix_sync_session_company_state")
        batch_op.drop_index(batch_op.f("ix_sync_session_company_id"))

    op.drop_table("sync_session")
    with op.batch_alter_table("admin_user", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_admin_user_firm_id"))
        batch_op.drop_index(batch_op.f("ix_admin_user_company_id"))

    op.drop_table("admin_user")
    with op.batch_alter_table("company", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_company_firm_id"))

    op.drop_table("company")
    with op.batch_alter_table("login_failure", schema=None) as batch_op:
        batch_op.drop_index("ix_login_failure_username_at")
        batch_op.drop_index("ix_login_failure_address_at")

    op.drop_table("login_failure")
    op.drop_table("installation")
    op.drop_table("firm")
