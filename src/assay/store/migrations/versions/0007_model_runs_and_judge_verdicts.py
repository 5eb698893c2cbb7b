"""model runs and judge verdicts

Runs of models over a project (generating responses, judging, scores imported from other tools), the
judges" verdicts kept apart from human judgements, and the generation run of a response.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("model_runs",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("project_id", sa.Integer(), nullable=False),
    sa.Column("kind", sa.Enum("generate", "judge", "imported", name="run_kind", native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column("name", sa.String(length=200), nullable=False),
    sa.Column("endpoint", sa.String(length=100), nullable=True),
    sa.Column("model", sa.String(length=200), nullable=True),
    sa.Column("config", sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True, astext_type=sa.Text()), "postgresql"), nullable=False),
    sa.Column("config_hash", sa.String(length=64), nullable=False),
    sa.Column("status", sa.Enum("running", "finished", "stopped", "failed", name="run_status", native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column("calls", sa.Integer(), nullable=False),
    sa.Column("cache_hits", sa.Integer(), nullable=False),
    sa.Column("errors", sa.Integer(), nullable=False),
    sa.Column("input_tokens", sa.BigInteger(), nullable=False),
    sa.Column("output_tokens", sa.BigInteger(), nullable=False),
    sa.Column("cost_usd", sa.Float(), nullable=True),
    sa.Column("created_by", sa.Integer(), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_model_runs_created_by_users")),
    sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f("fk_model_runs_project_id_projects"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_model_runs"))
    )
    with op.batch_alter_table("model_runs", schema=None) as batch_op:
        batch_op.create_index("ix_model_runs_project_kind", ["project_id", "kind"], unique=False)
        batch_op.create_index("uq_model_runs_project_config", ["project_id", "config_hash"], unique=True)

    op.create_table("judge_verdicts",
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
    sa.Column("run_id", sa.Integer(), nullable=False),
    sa.Column("project_id", sa.Integer(), nullable=False),
    sa.Column("item_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
    sa.Column("question", sa.String(length=64), nullable=False),
    sa.Column("response_id", sa.BigInteger(), nullable=False),
    sa.Column("other_response_id", sa.BigInteger(), nullable=False),
    sa.Column("swapped", sa.Boolean(), nullable=False),
    sa.Column("judge", sa.String(length=200), nullable=False),
    sa.Column("value", sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True, astext_type=sa.Text()), "postgresql"), nullable=True),
    sa.Column("score", sa.Float(), nullable=True),
    sa.Column("reasoning", sa.Text(), nullable=True),
    sa.Column("reply", sa.Text(), nullable=True),
    sa.Column("error", sa.Text(), nullable=True),
    sa.Column("input_tokens", sa.Integer(), nullable=False),
    sa.Column("output_tokens", sa.Integer(), nullable=False),
    sa.Column("cost_usd", sa.Float(), nullable=True),
    sa.Column("cached", sa.Boolean(), nullable=False),
    sa.Column("latency_ms", sa.Integer(), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["item_id"], ["items.id"], name=op.f("fk_judge_verdicts_item_id_items"), ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f("fk_judge_verdicts_project_id_projects"), ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["run_id"], ["model_runs.id"], name=op.f("fk_judge_verdicts_run_id_model_runs"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_judge_verdicts"))
    )
    with op.batch_alter_table("judge_verdicts", schema=None) as batch_op:
        batch_op.create_index("ix_judge_verdicts_item", ["item_id"], unique=False)
        batch_op.create_index("ix_judge_verdicts_project_question", ["project_id", "question"], unique=False)
        batch_op.create_index("uq_judge_verdicts_unit", ["run_id", "item_id", "question", "response_id", "other_response_id", "swapped"], unique=True)

    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("run_id", sa.Integer(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.drop_column("run_id")

    with op.batch_alter_table("judge_verdicts", schema=None) as batch_op:
        batch_op.drop_index("uq_judge_verdicts_unit")
        batch_op.drop_index("ix_judge_verdicts_project_question")
        batch_op.drop_index("ix_judge_verdicts_item")

    op.drop_table("judge_verdicts")
    with op.batch_alter_table("model_runs", schema=None) as batch_op:
        batch_op.drop_index("uq_model_runs_project_config")
        batch_op.drop_index("ix_model_runs_project_kind")

    op.drop_table("model_runs")
