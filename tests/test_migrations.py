"""The Alembic migrations are the only source of the schema: they must match the models.

Run on the suite's database: SQLite, or PostgreSQL when WIKI_TEST_DATABASE_URL is set.
"""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from wikiterritoire import migrate
from wikiterritoire.db import Base


def test_empty_database_upgraded_to_head_matches_the_models(empty_database_url):
    url = empty_database_url
    migrate.upgrade(url)
    engine = create_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": migrate.include_name}
        )
        assert compare_metadata(context, Base.metadata) == []
    engine.dispose()


def test_migrations_downgrade_to_empty_and_upgrade_again(empty_database_url):
    url = empty_database_url
    migrate.upgrade(url)
    command.downgrade(migrate.alembic_config(url), "base")
    engine = create_engine(url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    migrate.upgrade(url)
    engine = create_engine(url)
    assert {"pages", "revisions", "users", "portals", "links"} <= set(
        inspect(engine).get_table_names()
    )
    engine.dispose()
