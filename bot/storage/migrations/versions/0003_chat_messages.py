"""chat messages: ids and send times (never text) for tidying a chat

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-29 02:30:00.000000

It follows 0002 (outbox and inbox) and touches no other table.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.storage.models

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this migration."""
    op.create_table(
        "chat_messages",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("sent_at", bot.storage.models.UtcDateTime(), nullable=False),
        sa.Column("tidy_due_at", bot.storage.models.UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.user_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "message_id"),
    )
    with op.batch_alter_table("chat_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_chat_messages_sent_at"), ["sent_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_chat_messages_tidy_due_at"), ["tidy_due_at"], unique=False
        )


def downgrade() -> None:
    """Revert this migration."""
    with op.batch_alter_table("chat_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chat_messages_tidy_due_at"))
        batch_op.drop_index(batch_op.f("ix_chat_messages_sent_at"))

    op.drop_table("chat_messages")
