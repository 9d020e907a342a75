"""The `wikiterritoire` command line, run as a user's shell would run it."""

import contextlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FAST_HASH, Browser, database_url, fresh_data_dir
from sqlalchemy import create_engine, inspect, text

from wikiterritoire import create_app
from wikiterritoire.cli import main
from wikiterritoire.services import pages

ROLES = ("contributor", "confirmed", "mediator", "moderator", "admin")
#: A French message: an accented letter or a common French word.
_FRENCH = re.compile(r"[àâçéèêëîïôûùüÿœ]|\b(le|la|les|de|des|du|un|une|est|pas|n'|d')\b", re.I)


def output_of(result) -> str:
    """Everything the command printed, on stdout and stderr."""
    err = ""
    with contextlib.suppress(ValueError):  # older Click: stderr mixed into output
        err = result.stderr
    return result.output + ("" if err and err in result.output else err)


def make_app(data_dir: Path):
    """A web application on the same data dir as the command line, as `serve` would build it."""
    return create_app(
        {
            "DATA_DIR": str(data_dir),
            "DATABASE_URL": database_url(data_dir),
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "PASSWORD_HASH_METHOD": FAST_HASH,
        }
    )


def tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def count(url: str, *queries: str) -> list[int]:
    """The single number each SQL query returns."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return [connection.execute(text(query)).scalar_one() for query in queries]
    finally:
        engine.dispose()


def console_script() -> str:
    found = shutil.which("wikiterritoire", path=str(Path(sys.executable).parent))
    return found or str(Path(sys.executable).parent / "wikiterritoire")


# --- init ---------------------------------------------------------------------------------------


def test_init_is_idempotent_and_keeps_the_content(
    runner, data_dir, app, session, search, make_user
):
    first = runner.invoke(main, ["init"])
    assert first.exit_code == 0, output_of(first)
    pages.save_edit(session, search, make_user("Lucie"), "Le Glaz", "Un estuaire.")

    second = runner.invoke(main, ["init"])

    assert second.exit_code == 0, output_of(second)
    assert str(data_dir) in second.output
    assert {"users", "pages", "revisions", "portals"} <= tables(database_url(data_dir))
    response = app.test_client().get("/api/v1/pages/Le_Glaz")
    assert response.status_code == 200


def test_init_honours_wiki_data_dir_in_an_empty_directory(tmp_path):
    data = tmp_path / "données du wiki"
    env = {**os.environ, "WIKI_DATA_DIR": str(data)}
    env.pop("WIKI_DATABASE_URL", None)

    result = subprocess.run(
        [console_script(), "init"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert str(data) in result.stdout

    assert (data / "wiki.sqlite3").is_file()
    assert (data / "secret_key").is_file()
    assert "pages" in tables(f"sqlite:///{data / 'wiki.sqlite3'}")
    assert not (tmp_path / "instance").exists(), "the default ./instance was used instead"


def test_site_name_and_territory_appear_in_the_page_header(monkeypatch, data_dir):
    monkeypatch.setenv("WIKI_SITE_NAME", "Wiki de Brest")
    monkeypatch.setenv("WIKI_TERRITORY", "Pays de Brest")
    app = create_app({"DATA_DIR": str(data_dir), "TESTING": True, "SECRET_KEY": "x"})
    try:
        page = app.test_client().get("/").get_data(as_text=True)
    finally:
        app.extensions["wiki"].db.dispose()

    header = page.split("<header", 1)[1].split("</header>", 1)[0]
    assert "Wiki de Brest" in header
    assert "Pays de Brest" in header
    assert "Wiki de Brest" in page.split("<title>", 1)[1].split("</title>", 1)[0]


def test_wiki_data_dir_is_honoured_by_the_application(monkeypatch, tmp_path):
    data = tmp_path / "ailleurs"
    monkeypatch.setenv("WIKI_DATA_DIR", str(data))
    app = create_app()
    try:
        assert app.config["DATA_DIR"] == str(data.resolve())
        assert str(data.resolve()) in app.config["DATABASE_URL"]
    finally:
        app.extensions["wiki"].db.dispose()
    assert (data / "secret_key").is_file()


# --- create-user --------------------------------------------------------------------------------


def test_create_user_with_password_from_stdin_can_log_in(runner, app):
    result = runner.invoke(
        main,
        ["create-user", "Gaël", "--role", "moderator", "--password-stdin"],
        input="un-mot-de-passe-solide\n",
    )

    assert result.exit_code == 0, output_of(result)
    assert "Gaël" in result.output
    assert "un-mot-de-passe-solide" not in result.output
    browser = Browser(app.test_client())
    assert browser.login("Gaël", "mauvais-mot-de-passe").status_code == 401
    assert browser.login("Gaël", "un-mot-de-passe-solide").status_code == 302
    profile = browser.get("/user/Gaël").get_data(as_text=True)
    assert "Modérateur" in profile


def test_create_user_without_stdin_prints_a_generated_password(runner, app):
    result = runner.invoke(main, ["create-user", "Soizic"])

    assert result.exit_code == 0, output_of(result)
    match = re.search(r"Mot de passe : (\S+)", result.output)
    assert match
    assert Browser(app.test_client()).login("Soizic", match.group(1)).status_code == 302


def test_create_user_refuses_an_unknown_role_in_french(runner, app):
    result = runner.invoke(
        main, ["create-user", "Gaël", "--role", "roi", "--password-stdin"], input="x" * 12 + "\n"
    )

    assert result.exit_code != 0
    message = output_of(result)
    assert "rôle" in message.lower(), f"not a French message: {message!r}"
    assert app.test_client().get("/user/Gaël").status_code == 404


@pytest.mark.parametrize("look_alike", ["anne", "ÂNNE", "Anne_", "Аnne"])
def test_create_user_refuses_a_look_alike_name_in_french(runner, look_alike):
    first = runner.invoke(main, ["create-user", "Anne", "--password-stdin"], input="x" * 12 + "\n")
    assert first.exit_code == 0, output_of(first)

    result = runner.invoke(
        main, ["create-user", look_alike, "--password-stdin"], input="y" * 12 + "\n"
    )

    assert result.exit_code != 0
    message = output_of(result)
    assert "déjà pris" in message
    assert _FRENCH.search(message)


def test_create_user_refuses_a_short_password(runner):
    result = runner.invoke(main, ["create-user", "Anne", "--password-stdin"], input="court\n")
    assert result.exit_code != 0
    assert "8 caractères" in output_of(result)


# --- token --------------------------------------------------------------------------------------


def test_token_prints_a_token_that_authenticates_an_api_put(runner, app, make_user):
    make_user("Lucie")

    result = runner.invoke(main, ["token", "lucie"])

    assert result.exit_code == 0, output_of(result)
    token = result.output.strip()
    assert re.fullmatch(r"\S{20,}", token)
    response = app.test_client().put(
        "/api/v1/pages/Par_jeton",
        json={"markdown": "Écrit avec un jeton de la ligne de commande."},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["revision"]["author"] == "Lucie"


def test_each_token_call_prints_a_new_token(runner, make_user):
    make_user("Lucie")
    first = runner.invoke(main, ["token", "Lucie"]).output.strip()
    second = runner.invoke(main, ["token", "Lucie"]).output.strip()
    assert first and second and first != second


def test_token_for_an_unknown_user_fails_in_french(runner):
    result = runner.invoke(main, ["token", "Personne"])
    assert result.exit_code != 0
    message = output_of(result)
    assert "n'existe pas" in message
    assert not re.search(r"^wt_", result.output, re.M)


# --- reindex ------------------------------------------------------------------------------------


def test_reindex_rebuilds_a_deleted_index_and_reports_the_count(
    runner, data_dir, session, search, make_user
):
    lucie = make_user("Lucie")
    pages.save_edit(session, search, lucie, "Chantier du Glaz", "Les chantiers navals du Glaz.")
    pages.save_edit(session, search, lucie, "Église Saint-Yves", "Une église reconstruite.")
    index_dir = data_dir / "search-index"
    assert index_dir.is_dir()
    shutil.rmtree(index_dir)

    result = runner.invoke(main, ["reindex"])

    assert result.exit_code == 0, output_of(result)
    assert "2 pages indexées" in result.output
    assert index_dir.is_dir()
    fresh = make_app(data_dir)
    try:
        client = fresh.test_client()
        found = client.get("/api/v1/search?q=chantier+naval").get_json()
        assert [r["title"] for r in found["results"]] == ["Chantier du Glaz"]
        found = client.get("/api/v1/search?q=eglise").get_json()
        assert [r["title"] for r in found["results"]] == ["Église Saint-Yves"]
    finally:
        fresh.extensions["wiki"].db.dispose()


def test_reindex_of_an_empty_wiki_reports_zero(runner):
    result = runner.invoke(main, ["reindex"])
    assert result.exit_code == 0, output_of(result)
    assert "0 pages indexées" in result.output


# --- demo ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory, migrated_db):
    """Run `demo` twice on a fresh data dir; returns (data dir, first result, second result)."""
    data = fresh_data_dir(tmp_path_factory.mktemp("demo"), migrated_db)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WIKI_DATA_DIR", str(data))
        mp.setenv("WIKI_DATABASE_URL", database_url(data))
        runner = CliRunner()
        first = runner.invoke(main, ["demo"])
        second = runner.invoke(main, ["demo"])
    return data, first, second


@pytest.fixture(scope="module")
def demo_app(demo):
    app = make_app(demo[0])
    yield app
    app.extensions["wiki"].db.dispose()


def test_demo_loads_portals_articles_and_revisions(demo, demo_app):
    _, first, _ = demo
    assert first.exit_code == 0, output_of(first)
    client = demo_app.test_client()
    portal_list = client.get("/api/v1/portals").get_json()["portals"]
    assert len(portal_list) >= 10
    live, multi = count(
        database_url(demo[0]),
        "SELECT count(*) FROM pages WHERE deleted_at IS NULL",
        "SELECT count(*) FROM (SELECT page_id FROM revisions GROUP BY page_id "
        "HAVING count(*) > 1 AND count(DISTINCT author_id) > 1) AS multi",
    )
    assert live >= 30
    assert multi >= 3, "several articles should have revisions by different users"
    assert sum(p["articles"] for p in portal_list) >= 30


def test_demo_creates_one_user_of_each_role_with_printed_passwords(demo, demo_app):
    _, first, _ = demo
    accounts = re.findall(r"^\s+(\S+)\s+(\w+)\s+(\S+)\s*$", first.output, re.M)
    by_role = {role: (name, password) for name, role, password in accounts}
    assert set(ROLES) <= set(by_role), first.output
    for role in ROLES:
        name, password = by_role[role]
        browser = Browser(demo_app.test_client())
        assert browser.login(name, password).status_code == 302, role


def test_demo_content_is_searchable(demo, demo_app):
    found = demo_app.test_client().get("/api/v1/search?q=chantier+naval").get_json()
    assert found["total"] >= 1


def test_demo_is_idempotent(demo, demo_app):
    data, first, second = demo
    assert second.exit_code == 0, output_of(second)
    counts = count(
        database_url(data),
        *(f"SELECT count(*) FROM {table}" for table in ("portals", "pages", "revisions", "users")),  # noqa: S608
    )
    portals_count = len(demo_app.test_client().get("/api/v1/portals").get_json()["portals"])
    assert counts[0] == portals_count
    reported = re.search(r"(\d+) portails, (\d+) articles, (\d+) versions", first.output)
    assert reported
    assert counts[:3] == [int(n) for n in reported.groups()]
    assert len(re.findall(r"^\s+\S+\s+\w+\s+\S+\s*$", second.output, re.M)) == 0
