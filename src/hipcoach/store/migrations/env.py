"""Alembic environment: runs against the engine hipcoach hands over (see hipcoach.store.migrate)."""

from alembic import context

from hipcoach.store.models import Base

config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    context.run_migrations()
