"""Alembic environment: the URL comes from wikiterritoire's config, no Flask app needed."""

import logging

from alembic import context
from sqlalchemy import engine_from_config, pool, text

from wikiterritoire import models  # noqa: F401 - registers the tables on the metadata
from wikiterritoire.config import load
from wikiterritoire.db import Base
from wikiterritoire.migrate import include_name

logging.getLogger("alembic").setLevel(logging.WARNING)
config = context.config
target_metadata = Base.metadata
url = config.get_main_option("sqlalchemy.url") or load()["DATABASE_URL"]
#: Key of the PostgreSQL advisory lock held while migrating.
MIGRATION_LOCK = 0x57494B4900000001


def render_item(type_, obj, autogen_context):
    """Autogenerate plain sa.DateTime for our UTC wrapper, so migrations never import models."""
    if type_ == "type" and isinstance(obj, models.UTCDateTime):
        return "sa.DateTime()"
    return False


def run_migrations_offline() -> None:
    context.configure(
        url=url, target_metadata=target_metadata, render_as_batch=True, include_name=include_name
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = engine_from_config(
        {"sqlalchemy.url": url}, prefix="sqlalchemy.", poolclass=pool.NullPool
    )
    with connectable.connect() as connection:
        if connection.dialect.name == "postgresql":
            # Several app servers may start at once: one migrates, the others wait, then find
            # nothing left to do. The lock lasts as long as this connection.
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
            connection.commit()
        # Batch mode lets later migrations alter SQLite tables.
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            render_item=render_item,
            include_name=include_name,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
