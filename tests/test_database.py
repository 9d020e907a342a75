"""Storage on both databases: what PostgreSQL is strict about, and several app servers sharing it.

The whole suite runs on SQLite, and again on PostgreSQL when WIKI_TEST_DATABASE_URL is set;
these tests check what differs between the two.
"""

import json
import os
import signal
import subprocess
import time
import urllib.request
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner
from test_e2e import Person, console_script, free_port

from wikiterritoire import config
from wikiterritoire.cli import main
from wikiterritoire.db import MAX_ID
from wikiterritoire.models import Event, Revision
from wikiterritoire.services import accounts, pages


@pytest.fixture
def auth(session, make_user):
    return {"Authorization": f"Bearer {accounts.create_token(session, make_user('Lucie'))}"}


def test_a_nul_character_is_stored_or_replaced_but_never_a_server_error(client, auth):
    response = client.put(
        "/api/v1/pages/Nul",
        json={"markdown": "avant\x00après", "summary": "ré\x00sumé"},
        headers=auth,
    )
    assert response.status_code == 201, response.get_json()
    markdown = client.get("/api/v1/pages/Nul").get_json()["markdown"]
    # SQLite keeps it; PostgreSQL cannot, and stores U+FFFD as CommonMark renders it.
    assert markdown in ("avant\x00après", "avant\ufffdaprès")
    for url in (
        "/wiki/Nul\x00",
        "/user/Lu\x00cie",
        "/search?q=av\x00ant",
        "/api/v1/search?q=a&portal=mer\x00",
        "/portals/mer\x00",
    ):
        assert client.get(url).status_code in (200, 400, 404), url


@pytest.mark.parametrize("big", [MAX_ID + 1, 2**40, 2**63 + 1])
def test_ids_beyond_the_integer_range_are_not_found(client, auth, big):
    client.put("/api/v1/pages/Grand", json={"markdown": "Un texte."}, headers=auth)
    assert client.get(f"/api/v1/revisions/{big}").status_code in (400, 404)
    assert client.get(f"/revision/{big}").status_code in (400, 404)
    assert client.get(f"/wiki/Grand/diff?from=1&to={big}").status_code in (400, 404)
    response = client.post(
        "/api/v1/pages/Grand/revert", json={"revision_id": big, "summary": ""}, headers=auth
    )
    assert response.status_code in (400, 404)


def test_times_come_back_in_utc_and_json_and_booleans_round_trip(session, search, make_user):
    user = make_user()
    when = datetime(2024, 6, 1, 12, 30, 15, 123456, tzinfo=UTC)
    saved = pages.save_edit(session, search, user, "Marée", "Haute.", tags=["a", "b"], when=when)
    session.add(Event(type="test", user_id=user.id, data={"clé": ["é", 1, None, True]}))
    session.commit()
    session.expunge_all()

    revision = session.get(Revision, saved.revision.id)
    assert revision.created_at == when and revision.created_at.tzinfo is not None
    assert revision.tags == ["a", "b"]
    assert revision.patrolled is False
    event = session.query(Event).filter_by(type="test").one()
    assert event.data == {"clé": ["é", 1, None, True]}


def test_a_plain_postgresql_url_means_psycopg_3(tmp_path):
    for url in ("postgresql://wiki:s%40cret@db:5432/wiki", "postgres://wiki:s%40cret@db:5432/wiki"):
        settings = config.load({"DATA_DIR": str(tmp_path), "DATABASE_URL": url, "SECRET_KEY": "x"})
        assert settings["DATABASE_URL"] == "postgresql+psycopg://wiki:s%40cret@db:5432/wiki"


def test_postgres_search_on_sqlite_is_refused_with_a_clear_message(tmp_path, monkeypatch):
    monkeypatch.setenv("WIKI_DATA_DIR", str(tmp_path / "instance"))
    monkeypatch.delenv("WIKI_DATABASE_URL", raising=False)
    monkeypatch.setenv("WIKI_SEARCH", "postgres")

    result = CliRunner().invoke(main, ["init"])

    assert result.exit_code == 1
    assert "WIKI_SEARCH=postgres demande une base PostgreSQL" in result.output
    assert "Traceback" not in result.output


# --- several app servers on one PostgreSQL ------------------------------------------------------


class Server:
    """`wikiterritoire serve` on a free port, with its own data dir; stopped by PID."""

    def __init__(self, data_dir, env: dict):
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = data_dir.parent / "server.log"
        self.log = open(self.log_path, "wb")  # noqa: SIM115 - closed by stop()
        self.process = subprocess.Popen(
            [console_script(), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env={**env, "WIKI_DATA_DIR": str(data_dir)},
            cwd=data_dir.parent,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_until_up(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                pytest.fail(f"server exited early: {self.log_path.read_text()}")
            try:
                with urllib.request.urlopen(self.url + "/", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"server did not answer in {timeout} s")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=15)
        self.log.close()


def test_two_app_servers_share_one_postgresql_database_and_search(postgres, tmp_path):
    """As docs/postgresql.md describes: one database, a shared secret key, WIKI_SEARCH=postgres.

    Both start at once on an empty database: one migrates, the other waits for it.
    """
    database = postgres.create(migrated=False)
    env = {
        **os.environ,
        "WIKI_DATABASE_URL": database,
        "WIKI_SEARCH": "postgres",
        "WIKI_SECRET_KEY": "une-clé-partagée-par-tous-les-serveurs",
    }
    servers = []
    try:
        for name in ("a", "b"):
            (tmp_path / name).mkdir()
            servers.append(Server(tmp_path / name / "instance", env))
        for server in servers:
            server.wait_until_up()
        server_a, server_b = (server.url for server in servers)

        # Anne registers on one server; her session cookie is good on the other.
        anne = Person(server_a)
        anne.register("Anne")
        anne.base = server_b
        status, url, page = anne.save(
            "Chantier_naval_du_Glaz", "Les **chantiers navals** du Glaz.", "", summary="Création"
        )
        assert status == 200 and url.endswith("/wiki/Chantier_naval_du_Glaz"), page[:500]

        # A reader of the first server finds it, through the index the second one wrote.
        reader = Person(server_a)
        status, _, page = reader.get("/wiki/Chantier_naval_du_Glaz")
        assert status == 200 and "<strong>chantiers navals</strong>" in page
        status, _, body = reader.get("/api/v1/search?q=chantier%20naval")
        assert [r["title"] for r in json.loads(body)["results"]] == ["Chantier naval du Glaz"]
        assert not (tmp_path / "a" / "instance" / "search-index").exists()
    finally:
        for server in servers:
            server.stop()
        postgres.drop(database)
