"""impact: goals, success indicators, interventions, evaluations (issue #14)

Revision ID: 0003
Revises: s001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "s001"  # after the surveys (#13)
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "impact_goal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("region", sa.String(length=80), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("title_de", sa.String(length=200), nullable=False),
        sa.Column("title_en", sa.String(length=200), nullable=False),
        sa.Column("rationale_de", sa.Text(), nullable=False),
        sa.Column("rationale_en", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["working_group.id"],
            ondelete="SET NULL",
            name=op.f("fk_impact_goal_group_id_working_group"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_impact_goal")),
        sa.UniqueConstraint("slug", name=op.f("uq_impact_goal_slug")),
    )
    with op.batch_alter_table("impact_goal", schema=None) as b:
        b.create_index(b.f("ix_impact_goal_region"), ["region"], unique=False)
        b.create_index(b.f("ix_impact_goal_group_id"), ["group_id"], unique=False)
    op.create_table(
        "impact_indicator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("indicator", sa.String(length=80), nullable=True),
        sa.Column("survey", sa.String(length=80), nullable=True),
        sa.Column("question", sa.String(length=80), nullable=True),
        sa.Column("territory", sa.Text(), nullable=False),
        sa.Column("baseline_period", sa.String(length=10), nullable=False),
        sa.Column("baseline_value", sa.Float(), nullable=True),
        sa.Column("target", sa.Float(), nullable=False),
        sa.Column("target_year", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=40), nullable=False),
        sa.Column("direction", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["goal_id"],
            ["impact_goal.id"],
            ondelete="CASCADE",
            name=op.f("fk_impact_indicator_goal_id_impact_goal"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_impact_indicator")),
    )
    with op.batch_alter_table("impact_indicator", schema=None) as b:
        b.create_index(b.f("ix_impact_indicator_goal_id"), ["goal_id"], unique=False)
    op.create_table(
        "impact_intervention",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("region", sa.String(length=80), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("title_de", sa.String(length=200), nullable=False),
        sa.Column("title_en", sa.String(length=200), nullable=False),
        sa.Column("places", sa.Text(), nullable=False),
        sa.Column("start", sa.String(length=10), nullable=False),
        sa.Column("body", sa.String(length=200), nullable=False),
        sa.Column("cost_eur", sa.Float(), nullable=True),
        sa.Column("indicators", sa.Text(), nullable=False),
        sa.Column("goal_slug", sa.String(length=80), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["working_group.id"],
            ondelete="SET NULL",
            name=op.f("fk_impact_intervention_group_id_working_group"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_impact_intervention")),
        sa.UniqueConstraint("slug", name=op.f("uq_impact_intervention_slug")),
    )
    with op.batch_alter_table("impact_intervention", schema=None) as b:
        b.create_index(b.f("ix_impact_intervention_region"), ["region"], unique=False)
        b.create_index(b.f("ix_impact_intervention_group_id"), ["group_id"], unique=False)
    op.create_table(
        "impact_evaluation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("intervention_slug", sa.String(length=80), nullable=False),
        sa.Column("date", sa.String(length=10), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("text_de", sa.Text(), nullable=False),
        sa.Column("text_en", sa.Text(), nullable=False),
        sa.Column("by", sa.String(length=200), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            ondelete="SET NULL",
            name=op.f("fk_impact_evaluation_account_id_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_impact_evaluation")),
    )
    with op.batch_alter_table("impact_evaluation", schema=None) as b:
        b.create_index(b.f("ix_impact_evaluation_intervention_slug"), ["intervention_slug"],
                       unique=False)  # fmt: skip


def downgrade() -> None:
    for table in ("impact_evaluation", "impact_intervention", "impact_indicator", "impact_goal"):
        op.drop_table(table)
