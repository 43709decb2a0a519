"""The triage items a coach marked seen, and an index for the dashboard's read of recent sets.

Adds one row per coach, athlete and item, so a seen item leaves the dashboard and stays in the
athlete's history with when it was seen; and an index on set_logs (user_id, date), so reading every
athlete's last weeks does not walk each whole history.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

import hipcoach.store.types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "triage_seen",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coach_id", sa.Integer(), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("item_key", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("item_date", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("link", sa.String(length=200), nullable=False),
        sa.Column("seen_at", hipcoach.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["coach_id"], ["users.id"], name=op.f("fk_triage_seen_coach_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["athlete_id"], ["users.id"], name=op.f("fk_triage_seen_athlete_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_triage_seen")),
        sa.UniqueConstraint(
            "coach_id", "athlete_id", "item_key", name=op.f("uq_triage_seen_coach_id_athlete_id_item_key")
        ),
    )
    with op.batch_alter_table("triage_seen", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_triage_seen_coach_id"), ["coach_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_triage_seen_athlete_id"), ["athlete_id"], unique=False)
    with op.batch_alter_table("set_logs", schema=None) as batch_op:
        batch_op.create_index("ix_set_logs_user_id_date", ["user_id", "date"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("set_logs", schema=None) as batch_op:
        batch_op.drop_index("ix_set_logs_user_id_date")
    op.drop_table("triage_seen")
