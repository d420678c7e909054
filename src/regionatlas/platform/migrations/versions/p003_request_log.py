"""request_log: rate limits of password-reset requests and the contact form

Revision ID: p003
Revises: 0003
Create Date: 2026-12-04 23:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "p003"
down_revision = "0003"  # after impact (#14)
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "request_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("email_hash", sa.String(length=64), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_log")),
    )
    with op.batch_alter_table("request_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_request_log_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_request_log_email_hash"), ["email_hash"], unique=False)
        batch_op.create_index(batch_op.f("ix_request_log_ip"), ["ip"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("request_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_request_log_ip"))
        batch_op.drop_index(batch_op.f("ix_request_log_email_hash"))
        batch_op.drop_index(batch_op.f("ix_request_log_at"))
    op.drop_table("request_log")
