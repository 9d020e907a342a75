"""Alembic, driven from code: the migrations in `migrations/` are the only source of the schema."""

from alembic import command
from alembic.config import Config

from .config import ROOT
from .search.postgres_index import TABLES as SEARCH_TABLES


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    # Percent signs in passwords would otherwise be read as interpolation by configparser.
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Create the database or bring it up to `revision`."""
    command.upgrade(alembic_config(url), revision)


def include_name(name: str | None, type_: str, _parent_names: dict) -> bool:
    """Leave a search backend's own tables out of the comparison with the models (autogenerate)."""
    return not (type_ == "table" and name in SEARCH_TABLES)
