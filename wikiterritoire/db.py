"""Database engine, sessions and the declarative base."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session, sessionmaker

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


#: The largest INTEGER key (PostgreSQL's int4): a larger id from a URL matches nothing.
MAX_ID = 2**31 - 1


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL and a busy timeout so several workers can share it."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    engine = create_engine(url, pool_pre_ping=True)
    if engine.dialect.name == "postgresql":
        event.listen(engine, "before_cursor_execute", _replace_nul_characters, retval=True)
    return engine


def _replace_nul_characters(_conn, _cursor, statement, parameters, _context, executemany):
    """PostgreSQL text cannot hold U+0000: store U+FFFD instead, as CommonMark and browsers do.

    SQLite keeps the character; either way the page renders the same, and a look-up by a name or
    a title holding it finds nothing instead of failing.
    """
    # "insertmanyvalues" batches many rows into one statement: executemany, yet one mapping.
    if executemany and not isinstance(parameters, dict):
        return statement, [_without_nul(p) for p in parameters]
    return statement, _without_nul(parameters)


def _without_nul(parameters):
    values = parameters.values() if isinstance(parameters, dict) else parameters
    if not any(isinstance(v, str) and "\x00" in v for v in values or ()):
        return parameters
    if isinstance(parameters, dict):
        return {k: _nul_free(v) for k, v in parameters.items()}
    return type(parameters)(_nul_free(v) for v in parameters)


def _nul_free(value):
    return value.replace("\x00", "\ufffd") if isinstance(value, str) else value


class Database:
    """One engine and one scoped session factory per application."""

    def __init__(self, url: str):
        self.engine = make_engine(url)
        self.session: scoped_session[Session] = scoped_session(
            sessionmaker(bind=self.engine, expire_on_commit=False)
        )

    @contextmanager
    def fresh_session(self) -> Iterator[Session]:
        """A session outside the request scope, for CLI commands and scripts."""
        session = self.session.session_factory()
        try:
            yield session
        finally:
            session.close()

    def dispose(self) -> None:
        self.session.remove()
        self.engine.dispose()
