"""Accounts, coach links, profiles, programmes, set logs and check-ins.

The first schema: everything a runner and a coach need before video analysis.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

import hipcoach.store.types

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("display_name", sa.String(length=80), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("created_at", hipcoach.store.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint("role IN ('runner', 'coach')", name=op.f("ck_users_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", hipcoach.store.types.UTCDateTime(), nullable=False),
        sa.Column("last_used_at", hipcoach.store.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_tokens_user_id"), ["user_id"], unique=False)

    op.create_table(
        "checkins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("pain", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("created_at", hipcoach.store.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint("pain >= 0 AND pain <= 10", name=op.f("ck_checkins_pain")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_checkins_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkins")),
        sa.UniqueConstraint("user_id", "date", name=op.f("uq_checkins_user_id_date")),
    )
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_checkins_user_id"), ["user_id"], unique=False)

    op.create_table(
        "coach_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coach_id", sa.Integer(), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("created_at", hipcoach.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["athlete_id"], ["users.id"], name=op.f("fk_coach_links_athlete_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["coach_id"], ["users.id"], name=op.f("fk_coach_links_coach_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coach_links")),
        sa.UniqueConstraint("coach_id", "athlete_id", name=op.f("uq_coach_links_coach_id_athlete_id")),
    )
    with op.batch_alter_table("coach_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_coach_links_athlete_id"), ["athlete_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_coach_links_coach_id"), ["coach_id"], unique=False)

    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coach_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("note", sa.String(length=120), nullable=False),
        sa.Column("created_at", hipcoach.store.types.UTCDateTime(), nullable=False),
        sa.Column("expires_at", hipcoach.store.types.UTCDateTime(), nullable=False),
        sa.Column("accepted_by", sa.Integer(), nullable=True),
        sa.Column("accepted_at", hipcoach.store.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["accepted_by"], ["users.id"], name=op.f("fk_invitations_accepted_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["coach_id"], ["users.id"], name=op.f("fk_invitations_coach_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_invitations_code_hash")),
    )
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invitations_coach_id"), ["coach_id"], unique=False)

    op.create_table(
        "login_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", hipcoach.store.types.UTCDateTime(), nullable=False),
        sa.Column("expires_at", hipcoach.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_login_sessions_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_login_sessions_token_hash")),
    )
    with op.batch_alter_table("login_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_sessions_user_id"), ["user_id"], unique=False)

    op.create_table(
        "programmes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.String(length=32), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("profile_snapshot", sa.JSON(), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("created_at", hipcoach.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_programmes_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programmes")),
    )
    with op.batch_alter_table("programmes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_programmes_user_id"), ["user_id"], unique=False)

    op.create_table(
        "runner_profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", hipcoach.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_runner_profiles_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_runner_profiles")),
        sa.UniqueConstraint("user_id", name=op.f("uq_runner_profiles_user_id")),
    )
    op.create_table(
        "set_logs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=True),
        sa.Column("session_uid", sa.String(length=120), nullable=True),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("exercise_id", sa.String(length=60), nullable=False),
        sa.Column("side", sa.String(length=5), nullable=False),
        sa.Column("set_number", sa.Integer(), nullable=False),
        sa.Column("reps", sa.Integer(), nullable=False),
        sa.Column("hold_s", sa.Float(), nullable=False),
        sa.Column("band", sa.String(length=20), nullable=True),
        sa.Column("pain_during", sa.Integer(), nullable=False),
        sa.Column("effort", sa.Integer(), nullable=True),
        sa.Column("client_key", sa.String(length=64), nullable=False),
        sa.Column("created_at", hipcoach.store.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint("side IN ('left', 'right', 'both')", name=op.f("ck_set_logs_side")),
        sa.CheckConstraint(
            "effort IS NULL OR (effort >= 0 AND effort <= 10)", name=op.f("ck_set_logs_effort")
        ),
        sa.CheckConstraint("hold_s >= 0", name=op.f("ck_set_logs_hold_s")),
        sa.CheckConstraint("pain_during >= 0 AND pain_during <= 10", name=op.f("ck_set_logs_pain_during")),
        sa.CheckConstraint("reps >= 0 AND reps <= 200", name=op.f("ck_set_logs_reps")),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_set_logs_programme_id_programmes"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_set_logs_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_set_logs")),
        sa.UniqueConstraint("user_id", "client_key", name=op.f("uq_set_logs_user_id_client_key")),
    )
    with op.batch_alter_table("set_logs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_set_logs_date"), ["date"], unique=False)
        batch_op.create_index(batch_op.f("ix_set_logs_programme_id"), ["programme_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_set_logs_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_table("set_logs")
    op.drop_table("runner_profiles")
    op.drop_table("programmes")
    op.drop_table("login_sessions")
    op.drop_table("invitations")
    op.drop_table("coach_links")
    op.drop_table("checkins")
    op.drop_table("api_tokens")
    op.drop_table("users")
