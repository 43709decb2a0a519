"""Red-flag screenings with their date and outcome.

Adds one row per screening the runner answers, so a referral stays on record after the answers change.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

import hipcoach.store.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "screenings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("referral", sa.Boolean(), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("cleared_after_referral", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("created_at", hipcoach.store.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint("source IN ('web', 'api')", name=op.f("ck_screenings_source")),
        sa.CheckConstraint(
            "urgent = false OR referral = true", name=op.f("ck_screenings_urgent_is_a_referral")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_screenings_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screenings")),
    )
    with op.batch_alter_table("screenings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_screenings_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_table("screenings")
