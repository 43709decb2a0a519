"""Sets counted by the camera, and analyses made from live landmarks rather than an uploaded video.

A set log may name the analysis its reps and hold came from (a live camera set or an uploaded clip), so a
coach can see that a set was camera-counted and open its report. A live set's analysis has no video: its
landmarks come from the browser, so ``analyses.video_id`` becomes optional.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("analyses", schema=None) as batch_op:
        batch_op.alter_column("video_id", existing_type=sa.Integer(), nullable=True)
    with op.batch_alter_table("set_logs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("analysis_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_set_logs_analysis_id"), ["analysis_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_set_logs_analysis_id_analyses"),
            "analyses",
            ["analysis_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("set_logs", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_set_logs_analysis_id_analyses"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_set_logs_analysis_id"))
        batch_op.drop_column("analysis_id")
    with op.batch_alter_table("analyses", schema=None) as batch_op:
        batch_op.alter_column("video_id", existing_type=sa.Integer(), nullable=False)
