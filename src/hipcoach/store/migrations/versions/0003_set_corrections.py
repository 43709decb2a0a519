"""Corrected and removed sets are kept.

A correction saves a new row that names the one it replaces, and marks the old one replaced; a removal
only marks it. Listings show rows that are not replaced, so nothing logged is ever overwritten.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

import hipcoach.store.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("set_logs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("replaced_at", hipcoach.store.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("replaces_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_set_logs_replaces_id_set_logs"),
            "set_logs",
            ["replaces_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("set_logs", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_set_logs_replaces_id_set_logs"), type_="foreignkey")
        batch_op.drop_column("replaces_id")
        batch_op.drop_column("replaced_at")
