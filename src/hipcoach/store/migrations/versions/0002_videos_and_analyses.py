"""Videos, analysis jobs and screen results.

Adds the background video analysis: one analyses row is both the job and its single result.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

import hipcoach.store.types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "videos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("stored_path", sa.String(length=1000), nullable=True),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("keep_video", sa.Boolean(), nullable=False),
        sa.Column("uploaded_at", hipcoach.store.types.UTCDateTime(), nullable=False),
        sa.Column("deleted_at", hipcoach.store.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_videos_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_videos")),
    )
    with op.batch_alter_table("videos", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_videos_user_id"), ["user_id"], unique=False)

    op.create_table(
        "analyses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("video_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("target", sa.String(length=60), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("stage", sa.String(length=120), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_until", hipcoach.store.types.UTCDateTime(), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("report", sa.JSON(), nullable=True),
        sa.Column("output_dir", sa.String(length=1000), nullable=True),
        sa.Column("created_at", hipcoach.store.types.UTCDateTime(), nullable=False),
        sa.Column("started_at", hipcoach.store.types.UTCDateTime(), nullable=True),
        sa.Column("finished_at", hipcoach.store.types.UTCDateTime(), nullable=True),
        sa.CheckConstraint("kind IN ('exercise', 'screen')", name=op.f("ck_analyses_kind")),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed')", name=op.f("ck_analyses_status")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_analyses_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["video_id"], ["videos.id"], name=op.f("fk_analyses_video_id_videos"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analyses")),
    )
    with op.batch_alter_table("analyses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_analyses_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_analyses_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_analyses_video_id"), ["video_id"], unique=False)

    op.create_table(
        "screens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("analysis_id", sa.Integer(), nullable=False),
        sa.Column("test", sa.String(length=40), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("created_at", hipcoach.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["analysis_id"], ["analyses.id"], name=op.f("fk_screens_analysis_id_analyses"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_screens_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screens")),
        sa.UniqueConstraint("analysis_id", name=op.f("uq_screens_analysis_id")),
    )
    with op.batch_alter_table("screens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_screens_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_table("screens")
    op.drop_table("analyses")
    op.drop_table("videos")
