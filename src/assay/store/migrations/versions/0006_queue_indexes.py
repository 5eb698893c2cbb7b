"""queue indexes that serve "next task" without sorting or scanning the project

The queue is read as `ORDER BY priority DESC, id`: an index on (priority, id) ascending cannot give
that order, so every lease sorted all open items of the project. Calibration and gold items are few;
partial indexes find them without scanning the project's other items.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_items_queue", table_name="items")
    op.create_index("ix_items_queue", "items", ["project_id", "is_open", sa.text("priority DESC"), "id"])
    op.create_index(
        "ix_items_gold", "items", ["project_id", "id"],
        sqlite_where=sa.text("is_gold IS 1"), postgresql_where=sa.text("is_gold IS true"),
    )
    op.create_index(
        "ix_items_calibration", "items", ["project_id", "calibration_round", "id"],
        sqlite_where=sa.text("calibration_round IS NOT NULL"), postgresql_where=sa.text("calibration_round IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_items_calibration", table_name="items")
    op.drop_index("ix_items_gold", table_name="items")
    op.drop_index("ix_items_queue", table_name="items")
    op.create_index("ix_items_queue", "items", ["project_id", "is_open", "priority", "id"])
