"""What anonymous readers get is cacheable and revalidates; what logged-in people get never is."""

import pytest

from wikiterritoire import freshness
from wikiterritoire.services import moderation, pages, portals


@pytest.fixture
def port(session, search, make_user):
    author = make_user("Anne")
    return pages.save_edit(session, search, author, "Port", "Le port et la [[Criée]].").page


def test_an_anonymous_article_is_public_with_validators_and_no_cookie(client, port):
    response = client.get("/wiki/Port")
    assert response.status_code == 200
    assert "public" in response.headers["Cache-Control"]
    assert "s-maxage" in response.headers["Cache-Control"]
    assert response.headers["ETag"]
    assert response.headers["Last-Modified"]
    assert "Cookie" in response.headers["Vary"]
    assert "Set-Cookie" not in response.headers


def test_a_revalidation_gets_304_until_the_page_changes(client, session, search, port):
    first = client.get("/wiki/Port")
    etag = first.headers["ETag"]
    again = client.get("/wiki/Port", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    pages.save_edit(
        session, search, port.latest.author, "Port", "Le port agrandi.",
        base_revision_id=port.latest_revision_id,
    )  # fmt: skip
    changed = client.get("/wiki/Port", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert "Le port agrandi." in changed.get_data(as_text=True)
    assert changed.headers["ETag"] != etag


def test_if_modified_since_is_honoured(client, port):
    first = client.get("/wiki/Port")
    since = first.headers["Last-Modified"]
    assert client.get("/wiki/Port", headers={"If-Modified-Since": since}).status_code == 304


def test_a_cached_page_never_outlives_a_change_elsewhere(client, session, search, port):
    """Creating the linked page turns its red link blue on a page that itself did not change."""
    before = client.get("/wiki/Port").get_data(as_text=True)
    assert 'class="wikilink new"' in before
    pages.save_edit(session, search, port.latest.author, "Criée", "La criée.")
    after = client.get("/wiki/Port").get_data(as_text=True)
    assert 'class="wikilink new"' not in after


@pytest.mark.parametrize(
    "change",
    [
        lambda s, search, mod: moderation.protect(s, mod, "Port", "confirmed", reason="guerre"),
        lambda s, search, mod: moderation.delete_page(s, search, mod, "Port", "doublon"),
        lambda s, search, mod: portals.create_portal(s, "mer", "La mer"),
    ],
    ids=["protection", "deletion", "portal"],
)
def test_every_kind_of_change_moves_the_generation(session, search, make_user, port, change):
    moderator = make_user("Modo", "admin")
    before, _ = freshness.current(session)
    change(session, search, moderator)
    after, _ = freshness.current(session)
    assert after > before


def test_reading_pages_does_not_move_the_generation(client, session, port):
    before, _ = freshness.current(session)
    for url in ("/", "/wiki/Port", "/wiki/Port/history", "/portals", "/recent-changes"):
        client.get(url)
    assert freshness.current(session)[0] == before


def test_a_logged_in_reader_gets_a_private_page(browser, make_user, port):
    make_user("Lucie")
    browser.login("Lucie")
    response = browser.get("/wiki/Port")
    assert response.status_code == 200
    assert response.headers["Cache-Control"].startswith("private")
    assert "public" not in response.headers["Cache-Control"]
    # And the logged-in page is not what the next anonymous reader gets.
    assert "Se déconnecter" in response.get_data(as_text=True)


def test_the_anonymous_copy_never_shows_a_logged_in_header(client, app, make_user, port):
    from conftest import Browser

    make_user("Lucie")
    logged_in = Browser(app.test_client())
    logged_in.login("Lucie")
    logged_in.get("/wiki/Port")
    anonymous = client.get("/wiki/Port").get_data(as_text=True)
    assert "Se déconnecter" not in anonymous
    assert "Lucie" not in anonymous


def test_home_and_portals_are_cached_for_anonymous_readers(client, session, make_user):
    portals.create_portal(session, "mer", "La mer")
    for url in ("/", "/portals/mer"):
        response = client.get(url)
        assert response.status_code == 200
        assert "public" in response.headers["Cache-Control"]
        assert (
            client.get(url, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
        )
