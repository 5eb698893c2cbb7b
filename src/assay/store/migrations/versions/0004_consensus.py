"""consensus

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consensus",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("question", sa.String(length=64), nullable=False),
        sa.Column("response_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "value",
            sa.JSON(none_as_null=True).with_variant(
                postgresql.JSONB(none_as_null=True, astext_type=sa.Text()), "postgresql"
            ),
            nullable=False,
        ),
        sa.Column("method", sa.String(length=32), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["decided_by"], ["users.id"], name=op.f("fk_consensus_decided_by_users")),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_consensus_item_id_items"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_consensus_project_id_projects"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consensus")),
    )
    with op.batch_alter_table("consensus", schema=None) as batch_op:
        batch_op.create_index("ix_consensus_project_question", ["project_id", "question"], unique=False)
        batch_op.create_index(
            "uq_consensus_item_question_response", ["item_id", "question", "response_id"], unique=True
        )


def downgrade() -> None:
    with op.batch_alter_table("consensus", schema=None) as batch_op:
        batch_op.drop_index("uq_consensus_item_question_response")
        batch_op.drop_index("ix_consensus_project_question")

    op.drop_table("consensus")
