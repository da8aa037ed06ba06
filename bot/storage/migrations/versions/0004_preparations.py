"""preparations: real conversations prepared for, with their card and debrief times

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-29 02:45:00.000000

It follows 0003 (chat message ids for tidying).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.storage.models

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this migration."""
    op.create_table(
        "preparations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("area", sa.String(length=16), nullable=False),
        sa.Column("goal", sa.Text(), nullable=True),
        sa.Column("fear", sa.Text(), nullable=True),
        sa.Column("plan", sa.Text(), nullable=True),
        sa.Column("opening", sa.Text(), nullable=True),
        sa.Column("talk_date", sa.Date(), nullable=False),
        sa.Column("talk_time", sa.String(length=5), nullable=False),
        sa.Column("created_at", bot.storage.models.UtcDateTime(), nullable=False),
        sa.Column("card_due_utc", bot.storage.models.UtcDateTime(), nullable=False),
        sa.Column("debrief_due_utc", bot.storage.models.UtcDateTime(), nullable=False),
        sa.Column("card_sent_at", bot.storage.models.UtcDateTime(), nullable=True),
        sa.Column("debrief_sent_at", bot.storage.models.UtcDateTime(), nullable=True),
        sa.Column("debriefed_at", bot.storage.models.UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.user_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("preparations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_preparations_user_id"), ["user_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_preparations_card_due_utc"), ["card_due_utc"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_preparations_debrief_due_utc"), ["debrief_due_utc"], unique=False
        )


def downgrade() -> None:
    """Revert this migration."""
    with op.batch_alter_table("preparations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_preparations_debrief_due_utc"))
        batch_op.drop_index(batch_op.f("ix_preparations_card_due_utc"))
        batch_op.drop_index(batch_op.f("ix_preparations_user_id"))
    op.drop_table("preparations")
