"""Notes between a runner and a coach: one short thread per linked pair, each note read by the other;
and the coach dashboard's index on set_logs widened to every column its read uses (an index-only read,
in group order), replacing the (user_id, date) one of 0005.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

import hipcoach.store.types

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None
DASHBOARD_COLUMNS = ["user_id", "date", "exercise_id", "side", "replaced_at", "pain_during", "id"]


def upgrade() -> None:
    op.create_table(
        "notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("coach_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.String(length=1000), nullable=False),
        sa.Column("created_at", hipcoach.store.types.UTCDateTime(), nullable=False),
        sa.Column("read_at", hipcoach.store.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["athlete_id"], ["users.id"], name=op.f("fk_notes_athlete_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["coach_id"], ["users.id"], name=op.f("fk_notes_coach_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_notes_author_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notes")),
    )
    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notes_coach_id"), ["coach_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_notes_author_id"), ["author_id"], unique=False)
        batch_op.create_index("ix_notes_athlete_id_coach_id", ["athlete_id", "coach_id", "id"], unique=False)
    with op.batch_alter_table("set_logs", schema=None) as batch_op:
        batch_op.drop_index("ix_set_logs_user_id_date")
        batch_op.create_index("ix_set_logs_dashboard", DASHBOARD_COLUMNS, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("set_logs", schema=None) as batch_op:
        batch_op.drop_index("ix_set_logs_dashboard")
        batch_op.create_index("ix_set_logs_user_id_date", ["user_id", "date"], unique=False)
    op.drop_table("notes")
