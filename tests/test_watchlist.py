"""Watchlists and Atom feeds: following pages, automatically or by hand, and reading changes."""

from xml.etree import ElementTree as ET

import pytest

from wikiterritoire.services import accounts, pages, watchlist

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def lucie(make_user):
    return make_user("Lucie")


def test_pages_one_creates_or_edits_are_followed_automatically(session, search, lucie):
    pages.save_edit(session, search, lucie, "Port", "Le port.")
    assert watchlist.watched_titles(session, lucie) == ["Port"]


def test_auto_watch_can_be_turned_off(session, search, lucie):
    watchlist.set_auto_watch(session, lucie, False)
    pages.save_edit(session, search, lucie, "Port", "Le port.")
    assert watchlist.watched_titles(session, lucie) == []


def test_watchlist_shows_others_changes_to_followed_pages_only(session, search, lucie, make_user):
    yann = make_user("Yann")
    first = pages.save_edit(session, search, lucie, "Port", "Le port.").revision
    pages.save_edit(session, search, yann, "Criée", "La criée.")
    edit = pages.save_edit(
        session, search, yann, "Port", "Le port, agrandi.", base_revision_id=first.id
    )
    assert [r.id for r in watchlist.changes(session, lucie)] == [edit.revision.id, first.id]


def test_unwatch_stops_following(session, search, lucie):
    pages.save_edit(session, search, lucie, "Port", "Le port.")
    watchlist.unwatch(session, lucie, "Port")
    assert watchlist.watched_titles(session, lucie) == []


def test_follow_button_on_the_article_page(browser, session, search, make_user):
    author = make_user("Yann")
    pages.save_edit(session, search, author, "Port", "Le port.")
    browser.register("Lucie")
    page = browser.get("/wiki/Port").get_data(as_text=True)
    assert ">Suivre</button>" in page
    browser.post("/wiki/Port/watch", {}, form_url="/wiki/Port")
    assert ">Ne plus suivre</button>" in browser.get("/wiki/Port").get_data(as_text=True)
    assert "Port" in browser.get("/watchlist").get_data(as_text=True)


def test_watchlist_page_needs_login(client):
    response = client.get("/watchlist")
    assert response.status_code == 302 and "/login" in response.location


def test_api_watch_and_unwatch(client, session, search, lucie, make_user):
    pages.save_edit(session, search, make_user("Yann"), "Criée", "La criée.")
    auth = {"Authorization": f"Bearer {accounts.create_token(session, lucie)}"}
    assert client.put("/api/v1/pages/Criée/watch", headers=auth).get_json()["watching"] is True
    assert client.get("/api/v1/watchlist", headers=auth).get_json()["pages"] == ["Criée"]
    client.delete("/api/v1/pages/Criée/watch", headers=auth)
    assert client.get("/api/v1/watchlist", headers=auth).get_json()["pages"] == []
    assert client.put("/api/v1/pages/Criée/watch").status_code == 401


def _entries(response):
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.get_data())
    return [
        (e.find(f"{ATOM}title").text, e.find(f"{ATOM}summary").text)
        for e in feed.iter(f"{ATOM}entry")
    ]


def test_recent_changes_atom_feed_lists_edits_with_summaries(client, session, search, lucie):
    pages.save_edit(session, search, lucie, "Port", "Le port.", summary="création <b>")
    assert _entries(client.get("/recent-changes/atom")) == [("Port", "création <b> (+8 octets)")]


def test_private_watchlist_feed_works_with_its_secret_and_can_be_renewed(
    client, session, search, lucie
):
    pages.save_edit(session, search, lucie, "Port", "Le port.")
    token = watchlist.feed_token(session, lucie)
    response = client.get(f"/watchlist/atom/{token}")
    assert [title for title, _ in _entries(response)] == ["Port"]
    assert "no-store" in response.headers["Cache-Control"]
    watchlist.feed_token(session, lucie, renew=True)
    assert client.get(f"/watchlist/atom/{token}").status_code == 404


def test_recent_changes_are_grouped_by_day_under_french_headings(client, session, search, lucie):
    from datetime import timedelta

    from wikiterritoire.models import utcnow

    yesterday = utcnow() - timedelta(days=1)
    pages.save_edit(session, search, lucie, "Port", "Le port.", when=yesterday)
    pages.save_edit(session, search, lucie, "Criée", "La criée.")
    page = client.get("/recent-changes").get_data(as_text=True)
    headings = page.split('<h2 class="day">')[1:]
    assert len(headings) == 2
    assert headings[0].index("Criée") < headings[0].index("</ul>")
    assert "Port" in headings[1]
