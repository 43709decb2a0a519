"""Invitations a coach can copy again and revoke.

Adds the nonce the short code is derived from (store/invitations.py) and when the coach revoked it.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

import hipcoach.store.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("nonce", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("revoked_at", hipcoach.store.types.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.drop_column("revoked_at")
        batch_op.drop_column("nonce")
