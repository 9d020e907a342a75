"""Fixtures: every test gets its own real SQLite file and Whoosh index in a temp dir."""

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from wikiterritoire import create_app, migrate
from wikiterritoire.services import accounts

CORPORA = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora"
#: Cheap hashing keeps the suite fast; production uses scrypt.
FAST_HASH = "pbkdf2:sha256:1000"
PASSWORD = "mot-de-passe-test"


@pytest.fixture(scope="session")
def migrated_db(tmp_path_factory) -> Path:
    """An empty database upgraded to head once, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "wiki.sqlite3"
    migrate.upgrade(f"sqlite:///{path}")
    return path


def new_data_dir(parent: Path, migrated_db: Path) -> Path:
    """A data dir holding a copy of the migrated empty database."""
    data = parent / "instance"
    data.mkdir()
    shutil.copy(migrated_db, data / "wiki.sqlite3")
    return data


def build_app(data_dir: Path):
    """The real application on `data_dir`, with test settings."""
    return create_app(
        {
            "DATA_DIR": str(data_dir),
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "PASSWORD_HASH_METHOD": FAST_HASH,
        }
    )


@pytest.fixture
def data_dir(tmp_path, migrated_db) -> Path:
    return new_data_dir(tmp_path, migrated_db)


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
