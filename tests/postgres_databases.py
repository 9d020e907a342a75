"""Throwaway PostgreSQL databases for the test suite (see conftest.py and WIKI_TEST_DATABASE_URL).

Each test gets a database copied from a template migrated once per session. The copy for the next
test is made in a background thread while the current test runs, and dropping happens there too:
PostgreSQL does that work on its own core instead of the test's.
"""

import itertools
import os
import re
import time
from concurrent.futures import Future, ThreadPoolExecutor

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from wikiterritoire import migrate

PREFIX = "wikitest_"


class PostgresDatabases:
    """Databases of one test session on the server of `url`, named wikitest_<pid>_<n>."""

    def __init__(self, url: str):
        self.url = make_url(url).set(drivername="postgresql+psycopg")
        # The process id keeps two suites sharing one server apart, and finds leftovers.
        self.prefix = f"{PREFIX}{os.getpid()}_"
        self.template = self.prefix + "template"
        self._numbers = itertools.count(1)
        self._created: set[str] = set()
        self._admin = create_engine(self.url, isolation_level="AUTOCOMMIT", pool_size=2)
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="test-databases")
        self._next: Future | None = None
        self._drops: list[Future] = []
        with self._admin.connect() as connection:
            fsync = connection.execute(text("SHOW fsync")).scalar()
            version = connection.dialect.server_version_info
        # Copying files beats the default WAL_LOG strategy (PostgreSQL 15+) unless every copy
        # must also be flushed to disk.
        self._strategy = " STRATEGY FILE_COPY" if version >= (15,) and fsync == "off" else ""

    def url_of(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def _execute(self, statement: str) -> None:
        with self._admin.connect() as connection:
            connection.execute(text(statement))

    def drop_leftovers(self) -> None:
        """Drop the databases of earlier sessions whose process is gone (killed runs)."""
        with self._admin.connect() as connection:
            names = connection.execute(
                text("SELECT datname FROM pg_database WHERE datname LIKE :pattern"),
                {"pattern": PREFIX + "%"},
            ).scalars()
            stale = [n for n in names if not _process_alive(n)]
        for name in stale:
            self._drop_now(name)

    def migrate_template(self) -> None:
        self._execute(f'CREATE DATABASE "{self.template}"')
        self._created.add(self.template)
        migrate.upgrade(self.url_of(self.template))

    def _create_now(self, source: str) -> str:
        name = f"{self.prefix}{next(self._numbers)}"
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"{self._strategy}')
        self._created.add(name)
        return name

    def create(self, migrated: bool = True) -> str:
        """A new database, migrated to head (a copy of the template) or empty; returns its URL."""
        if not migrated:
            return self.url_of(self._create_now("template0"))
        ready, self._next = self._next, self._worker.submit(self._create_now, self.template)
        return self.url_of(ready.result() if ready else self._create_now(self.template))

    def drop(self, url: str) -> None:
        """Drop a database in the background; `drop_all` reports any failure."""
        self._drops.append(self._worker.submit(self._drop_now, make_url(url).database))

    def _drop_now(self, name: str) -> None:
        # FORCE: engines a test forgot to dispose of must not keep the database alive. It cannot
        # end an autovacuum worker, though (the throwaway cluster of .ci runs without): retry.
        for attempt in range(20):
            try:
                self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                break
            except DBAPIError:
                if attempt == 19:
                    raise
                time.sleep(0.25)
        self._created.discard(name)

    def drop_all(self) -> None:
        self._worker.shutdown(wait=True)
        try:
            for future in self._drops:
                future.result()
        finally:
            for name in sorted(self._created):
                self._drop_now(name)
            self._admin.dispose()


def _process_alive(name: str) -> bool:
    match = re.fullmatch(PREFIX + r"(\d+)_\w+", name)
    if not match:
        return True
    try:
        os.kill(int(match.group(1)), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
