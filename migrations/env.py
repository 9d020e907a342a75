"""Alembic environment: the URL comes from wikiterritoire's config, no Flask app needed."""

import logging

from alembic import context
from sqlalchemy import engine_from_config, pool

from wikiterritoire import models  # noqa: F401 - registers the tables on the metadata
from wikiterritoire.config import load
from wikiterritoire.db import Base

logging.getLogger("alembic").setLevel(logging.WARNING)
config = context.config
target_metadata = Base.metadata
url = config.get_main_option("sqlalchemy.url") or load()["DATABASE_URL"]


def render_item(type_, obj, autogen_context):
    """Autogenerate plain sa.DateTime for our UTC wrapper, so migrations never import models."""
    if type_ == "type" and isinstance(obj, models.UTCDateTime):
        return "sa.DateTime()"
    return False


def run_migrations_offline() -> None:
    context.configure(url=url, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = engine_from_config(
        {"sqlalchemy.url": url}, prefix="sqlalchemy.", poolclass=pool.NullPool
    )
    with connectable.connect() as connection:
        # Batch mode lets later migrations alter SQLite tables.
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            render_item=render_item,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
