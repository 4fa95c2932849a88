"""Alembic environment: the URL comes from the config ``verify.store.db.upgrade`` builds."""

from alembic import context

from verify.store.db import make_engine
from verify.store.models import Base

config = context.config
engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
engine = engine.execution_options(sqlite_immediate=True)
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()

