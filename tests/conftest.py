"""Fixtures: every test gets its own real database and Whoosh index in a temp dir.

The database is an SQLite file, or, when WIKI_TEST_DATABASE_URL names a PostgreSQL server
(`postgresql+psycopg://wiki@127.0.0.1:5432/wikitest`, a role allowed to create databases), a
database of its own on that server, copied from a template migrated once per session.
"""

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from postgres_databases import PostgresDatabases

from wikiterritoire import create_app, migrate
from wikiterritoire.services import accounts

CORPORA = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora"
#: Cheap hashing keeps the suite fast; production uses scrypt.
FAST_HASH = "pbkdf2:sha256:1000"
PASSWORD = "mot-de-passe-test"


#: The PostgreSQL server the whole suite runs against instead of SQLite, when set.
TEST_DATABASE_URL = os.environ.get("WIKI_TEST_DATABASE_URL", "")
ON_POSTGRES = TEST_DATABASE_URL.startswith(("postgresql", "postgres:"))
NO_POSTGRES = "no PostgreSQL server: set WIKI_TEST_DATABASE_URL (.ci/with-postgres does)"
#: Data dir → URL of its PostgreSQL database, for `build_app`.
_DATABASE_URLS: dict[Path, str] = {}


@pytest.fixture(scope="session")
def postgres():
    """The databases of the PostgreSQL test server; skips the test when there is none."""
    if not ON_POSTGRES:
        pytest.skip(NO_POSTGRES)
    databases = PostgresDatabases(TEST_DATABASE_URL)
    databases.drop_leftovers()
    databases.migrate_template()
    yield databases
    databases.drop_all()


@pytest.fixture(scope="session")
def migrated_db(request, tmp_path_factory) -> "Path | PostgresDatabases":
    """An empty database upgraded to head once, copied for each test (see `new_data_dir`)."""
    if ON_POSTGRES:
        return request.getfixturevalue("postgres")
    path = tmp_path_factory.mktemp("template") / "wiki.sqlite3"
    migrate.upgrade(f"sqlite:///{path}")
    return path


def new_data_dir(parent: Path, migrated_db: "Path | PostgresDatabases") -> Path:
    """A data dir with its own copy of the migrated empty database.

    On PostgreSQL the database lives on the server (dropped at the end of the session, or by the
    `data_dir` fixture); `build_app` and `database_url` know which one belongs to the data dir.
    """
    data = parent / "instance"
    data.mkdir()
    if isinstance(migrated_db, PostgresDatabases):
        _DATABASE_URLS[data.resolve()] = migrated_db.create()
    else:
        shutil.copy(migrated_db, data / "wiki.sqlite3")
    return data


def fresh_data_dir(parent: Path, migrated_db: "Path | PostgresDatabases") -> Path:
    """The path of a data dir that the code under test creates, with an empty database."""
    data = parent / "instance"
    if isinstance(migrated_db, PostgresDatabases):
        _DATABASE_URLS[data.resolve()] = migrated_db.create(migrated=False)
    return data


def database_url(data_dir: Path) -> str:
    """The URL of the database of a data dir made by `new_data_dir`."""
    data_dir = Path(data_dir).resolve()
    return _DATABASE_URLS.get(data_dir) or f"sqlite:///{data_dir / 'wiki.sqlite3'}"


def build_app(data_dir: Path, **settings):
    """The real application on `data_dir`, with test settings."""
    return create_app(
        {
            "DATA_DIR": str(data_dir),
            "DATABASE_URL": database_url(data_dir),
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "PASSWORD_HASH_METHOD": FAST_HASH,
            **settings,
        }
    )


@pytest.fixture
def data_dir(tmp_path, migrated_db, monkeypatch) -> Iterator[Path]:
    data = new_data_dir(tmp_path, migrated_db)
    if isinstance(migrated_db, PostgresDatabases):
        # Applications the test builds itself, and the command line, use this database too.
        monkeypatch.setenv("WIKI_DATABASE_URL", database_url(data))
        yield data
        migrated_db.drop(_DATABASE_URLS.pop(data.resolve()))
    else:
        yield data


@pytest.fixture
def empty_database_url(tmp_path, request) -> Iterator[str]:
    """The URL of a new, empty database (not migrated): SQLite, or PostgreSQL when available."""
    if not ON_POSTGRES:
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    databases = request.getfixturevalue("postgres")
    url = databases.create(migrated=False)
    yield url
    databases.drop(url)


@pytest.fixture
def app(data_dir):
    app = build_app(data_dir)
    yield app
    app.extensions["wiki"].db.dispose()


@pytest.fixture
def wiki(app):
    return app.extensions["wiki"]


@pytest.fixture
def session(wiki):
    with wiki.db.fresh_session() as s:
        yield s


@pytest.fixture
def search(wiki):
    return wiki.search


@pytest.fixture
def make_user(session, wiki):
    def make(name: str = "Lucie", role: str = "contributor"):
        return accounts.create_user(
            session,
            name,
            PASSWORD,
            role,
            charter_version=wiki.charter.version,
            hash_method=FAST_HASH,
        )

    return make


@pytest.fixture
def client(app):
    return app.test_client()


_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browser:
    """A test client that behaves like a person's browser: reads forms, sends their CSRF token."""

    def __init__(self, client):
        self.client = client

    def csrf(self, url: str = "/login") -> str:
        page = self.client.get(url).get_data(as_text=True)
        match = _CSRF.search(page)
        assert match, f"no CSRF token in {url}"
        return match.group(1)

    def get(self, url: str, **kw):
        return self.client.get(url, **kw)

    def post(self, url: str, data: dict, form_url: str | None = None, **kw):
        data = {"csrf_token": self.csrf(form_url or url), **data}
        return self.client.post(url, data=data, **kw)

    def register(self, name: str = "Lucie", password: str = PASSWORD):
        return self.post(
            "/register",
            {
                "name": name,
                "password": password,
                "password_confirm": password,
                "accept_charter": "yes",
            },
        )

    def login(self, name: str, password: str = PASSWORD):
        return self.post("/login", {"name": name, "password": password})

    def save(self, title: str, text: str, summary: str = "", base: str | int = "", **extra):
        from wikiterritoire.titles import to_url

        url = f"/wiki/{to_url(title)}/edit"
        data = {"text": text, "summary": summary, "base_revision_id": str(base), "action": "save"}
        data.update(extra)
        return self.post(url, data)


@pytest.fixture
def browser(client):
    return Browser(client)


@pytest.fixture
def runner(data_dir, monkeypatch):
    """Runs the console script against this test's data dir, as a user's shell would."""
    monkeypatch.setenv("WIKI_DATA_DIR", str(data_dir))
    return CliRunner()


@pytest.fixture(scope="session")
def corpora() -> Path:
    """The external test material of ../shared/corpora (see its README for provenance)."""
    return CORPORA
