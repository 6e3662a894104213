"""Alembic environment: runs against the engine handed over by finder.db.migrate."""

from alembic import context
from sqlalchemy import create_engine

from finder.models import Base

config = context.config
engine = config.attributes.get("connection_engine")
if engine is None:
    from finder.settings import load_settings

    engine = create_engine(load_settings().database_url)

with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
