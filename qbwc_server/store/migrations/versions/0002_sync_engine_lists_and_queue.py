"""sync engine lists and queue

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_api_token_company_id_company")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_token_token_hash")),
    )
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_token_company_id"), ["company_id"], unique=False)

    op.create_table(
        "customer",
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("company_name", sa.String(length=200), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("job_status", sa.String(length=20), nullable=True),
        sa.Column("is_job", sa.Boolean(), nullable=False),
        sa.Column("assigned_to_all", sa.Boolean(), nullable=False),
        sa.Column("full_name", sa.String(length=500), nullable=False),
        sa.Column("parent_list_id", sa.String(length=40), nullable=True),
        sa.Column("sublevel", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("qb_list_id", sa.String(length=40), nullable=True),
        sa.Column("edit_sequence", sa.String(length=20), nullable=True),
        sa.Column("qb_time_modified", sa.DateTime(timezone=True), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("deleted_in_qb", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_customer_company_id_company")
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["customer.id"], name=op.f("fk_customer_parent_id_customer")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer")),
        sa.UniqueConstraint("company_id", "qb_list_id", name=op.f("uq_customer_company_id")),
    )
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.create_index(
            "ix_customer_company_parent", ["company_id", "parent_list_id"], unique=False
        )

    op.create_table(
        "list_watermark",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("list_type", sa.String(length=40), nullable=False),
        sa.Column("modified_local", sa.String(length=19), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_list_watermark_company_id_company")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_list_watermark")),
        sa.UniqueConstraint("company_id", "list_type", name=op.f("uq_list_watermark_company_id")),
    )
    op.create_table(
        "payroll_item",
        sa.Column("wage_type", sa.String(length=30), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("qb_list_id", sa.String(length=40), nullable=True),
        sa.Column("edit_sequence", sa.String(length=20), nullable=True),
        sa.Column("qb_time_modified", sa.DateTime(timezone=True), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("deleted_in_qb", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_payroll_item_company_id_company")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payroll_item")),
        sa.UniqueConstraint("company_id", "qb_list_id", name=op.f("uq_payroll_item_company_id")),
    )
    op.create_table(
        "qb_class",
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("full_name", sa.String(length=500), nullable=False),
        sa.Column("parent_list_id", sa.String(length=40), nullable=True),
        sa.Column("sublevel", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("qb_list_id", sa.String(length=40), nullable=True),
        sa.Column("edit_sequence", sa.String(length=20), nullable=True),
        sa.Column("qb_time_modified", sa.DateTime(timezone=True), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("deleted_in_qb", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_qb_class_company_id_company")
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["qb_class.id"], name=op.f("fk_qb_class_parent_id_qb_class")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qb_class")),
        sa.UniqueConstraint("company_id", "qb_list_id", name=op.f("uq_qb_class_company_id")),
    )
    op.create_table(
        "service_item",
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("price", sa.String(length=30), nullable=True),
        sa.Column("full_name", sa.String(length=500), nullable=False),
        sa.Column("parent_list_id", sa.String(length=40), nullable=True),
        sa.Column("sublevel", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("qb_list_id", sa.String(length=40), nullable=True),
        sa.Column("edit_sequence", sa.String(length=20), nullable=True),
        sa.Column("qb_time_modified", sa.DateTime(timezone=True), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("deleted_in_qb", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_service_item_company_id_company")
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["service_item.id"], name=op.f("fk_service_item_parent_id_service_item")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_item")),
        sa.UniqueConstraint("company_id", "qb_list_id", name=op.f("uq_service_item_company_id")),
    )
    op.create_table(
        "team_member",
        sa.Column("qb_role", sa.String(length=10), nullable=True),
        sa.Column("first_name", sa.String(length=100), nullable=True),
        sa.Column("last_name", sa.String(length=100), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("uses_time_data_for_paychecks", sa.Boolean(), nullable=True),
        sa.Column("payroll_earnings", sa.JSON(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("qb_list_id", sa.String(length=40), nullable=True),
        sa.Column("edit_sequence", sa.String(length=20), nullable=True),
        sa.Column("qb_time_modified", sa.DateTime(timezone=True), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("deleted_in_qb", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_team_member_company_id_company")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_member")),
        sa.UniqueConstraint("company_id", "qb_list_id", name=op.f("uq_team_member_company_id")),
    )
    op.create_table(
        "time_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=38), nullable=False),
        sa.Column("team_member_id", sa.Integer(), nullable=False),
        sa.Column("work_date", sa.Date(), nullable=False),
        sa.Column("duration_seconds", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("service_item_id", sa.Integer(), nullable=True),
        sa.Column("class_id", sa.Integer(), nullable=True),
        sa.Column("hour_type", sa.String(length=40), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("billable", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("export_state", sa.String(length=20), nullable=False),
        sa.Column("qb_txn_id", sa.String(length=40), nullable=True),
        sa.Column("qb_edit_sequence", sa.String(length=20), nullable=True),
        sa.Column("export_error", sa.Text(), nullable=True),
        sa.Column("locked", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"], ["qb_class.id"], name=op.f("fk_time_entry_class_id_qb_class")
        ),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_time_entry_company_id_company")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customer.id"], name=op.f("fk_time_entry_customer_id_customer")
        ),
        sa.ForeignKeyConstraint(
            ["service_item_id"],
            ["service_item.id"],
            name=op.f("fk_time_entry_service_item_id_service_item"),
        ),
        sa.ForeignKeyConstraint(
            ["team_member_id"],
            ["team_member.id"],
            name=op.f("fk_time_entry_team_member_id_team_member"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_time_entry")),
        sa.UniqueConstraint("uuid", name=op.f("uq_time_entry_uuid")),
    )
    with op.batch_alter_table("time_entry", schema=None) as batch_op:
        batch_op.create_index("ix_time_entry_company_state", ["company_id", "state"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_time_entry_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_time_entry_team_member_id"), ["team_member_id"], unique=False
        )

    op.create_table(
        "work_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.String(length=50), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_work_item_company_id_company")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sync_session.id"], name=op.f("fk_work_item_session_id_sync_session")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_item")),
        sa.UniqueConstraint("request_id", name=op.f("uq_work_item_request_id")),
    )
    with op.batch_alter_table("work_item", schema=None) as batch_op:
        batch_op.create_index(
            "ix_work_item_company_state", ["company_id", "state", "position"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_work_item_session_id"), ["session_id"], unique=False)

    op.create_table(
        "sync_error",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("work_item_id", sa.Integer(), nullable=True),
        sa.Column("request_type", sa.String(length=60), nullable=True),
        sa.Column("status_code", sa.String(length=20), nullable=True),
        sa.Column("record_ref", sa.String(length=300), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("fix", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_sync_error_company_id_company")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sync_session.id"], name=op.f("fk_sync_error_session_id_sync_session")
        ),
        sa.ForeignKeyConstraint(
            ["work_item_id"], ["work_item.id"], name=op.f("fk_sync_error_work_item_id_work_item")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_error")),
    )
    with op.batch_alter_table("sync_error", schema=None) as batch_op:
        batch_op.create_index(
            "ix_sync_error_company_created", ["company_id", "created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_sync_error_session_id"), ["session_id"], unique=False)

    for table in ("team_member", "customer", "service_item", "qb_class", "payroll_item"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(f"ix_{table}_company_id_id", ["company_id", "id"], unique=False)

    with op.batch_alter_table("company", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("disabled_requests", sa.JSON(), nullable=False, server_default="[]")
        )
        batch_op.add_column(sa.Column("qb_company_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("first_sync_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("delete_confirmed_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    for table in ("team_member", "customer", "service_item", "qb_class", "payroll_item"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{table}_company_id_id")
    with op.batch_alter_table("company", schema=None) as batch_op:
        batch_op.drop_column("delete_confirmed_at")
        batch_op.drop_column("first_sync_at")
        batch_op.drop_column("qb_company_name")
        batch_op.drop_column("disabled_requests")

    with op.batch_alter_table("sync_error", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_error_session_id"))
        batch_op.drop_index("ix_sync_error_company_created")

    op.drop_table("sync_error")
    with op.batch_alter_table("work_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_work_item_session_id"))
        batch_op.drop_index("ix_work_item_company_state")

    op.drop_table("work_item")
    with op.batch_alter_table("time_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_time_entry_team_member_id"))
        batch_op.drop_index(batch_op.f("ix_time_entry_customer_id"))
        batch_op.drop_index("ix_time_entry_company_state")

    op.drop_table("time_entry")
    op.drop_table("team_member")
    op.drop_table("service_item")
    op.drop_table("qb_class")
    op.drop_table("payroll_item")
    op.drop_table("list_watermark")
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.drop_index("ix_customer_company_parent")

    op.drop_table("customer")
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_token_company_id"))

    op.drop_table("api_token")
