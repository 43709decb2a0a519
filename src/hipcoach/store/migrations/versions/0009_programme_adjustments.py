"""A coach's changes to a runner's programme: one row per change (swap, dose, pause, resume, note,
sessions per week) with its start date, reason, the runner's note and who made it.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

import hipcoach.store.types

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "programme_adjustments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("coach_id", sa.Integer(), nullable=True),
        sa.Column("coach_name", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("exercise_id", sa.String(length=60), nullable=True),
        sa.Column("side", sa.String(length=5), nullable=True),
        sa.Column("new_exercise_id", sa.String(length=60), nullable=True),
        sa.Column("sets", sa.Integer(), nullable=True),
        sa.Column("reps", sa.Integer(), nullable=True),
        sa.Column("hold_s", sa.Float(), nullable=True),
        sa.Column("band", sa.String(length=20), nullable=True),
        sa.Column("sessions_per_week", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("created_at", hipcoach.store.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('swap', 'dose', 'pause', 'resume', 'note', 'sessions')",
            name=op.f("ck_programme_adjustments_kind"),
        ),
        sa.CheckConstraint(
            "side IS NULL OR side IN ('left', 'right', 'both')", name=op.f("ck_programme_adjustments_side")
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_programme_adjustments_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_programme_adjustments_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["coach_id"],
            ["users.id"],
            name=op.f("fk_programme_adjustments_coach_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_adjustments")),
    )
    with op.batch_alter_table("programme_adjustments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_programme_adjustments_programme_id"), ["programme_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_programme_adjustments_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_table("programme_adjustments")
