"""The moderation queue: the first edits of new accounts held until a confirmed contributor
approves them, on a real SQLite + Whoosh, through the services, the web pages and the API."""

from datetime import timedelta
from xml.etree import ElementTree as ET

import pytest
from conftest import Browser
from sqlalchemy import func, select

from wikiterritoire.errors import (
    AuthenticationRequired,
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from wikiterritoire.models import Event, Page, Revision, Setting, utcnow
from wikiterritoire.services import (
    accounts,
    history,
    moderation,
    pages,
    portals,
    queue,
    watchlist,
)
from wikiterritoire.services import search as search_service

API = "/api/v1"
ATOM = "{http://www.w3.org/2005/Atom}"
HELD_WORD = "goélettes"


# --- Helpers -------------------------------------------------------------------------------


@pytest.fixture
def anne(make_user):
    """A confirmed contributor who wrote the pages: never held, may approve."""
    return make_user("Anne", "confirmed")


@pytest.fixture
def newbie(make_user):
    return make_user("Nolwenn")


@pytest.fixture
def claire(make_user):
    return make_user("Claire", "confirmed")


@pytest.fixture
def morgane(make_user):
    return make_user("Morgane", "moderator")


@pytest.fixture
def port(session, search, anne):
    """A published page, indexed."""
    return pages.save_edit(session, search, anne, "Port", "Le port de pêche.").revision


def edit(session, search, user, title, text, **kw):
    page = pages.find_page(session, title)
    base = page.latest_revision_id if page else None
    return pages.save_edit(session, search, user, title, text, base_revision_id=base, **kw)


@pytest.fixture
def held(session, search, morgane, newbie, port):
    """The queue on for every page, and a new account's edit of "Port" held."""
    queue.update_settings(session, morgane, all_pages=True)
    result = edit(session, search, newbie, "Port", f"Le port de pêche et ses {HELD_WORD}.")
    assert result.held
    return result.revision


def token_client(app, session, user):
    token = accounts.create_token(session, user)
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


def logged_in(app, name) -> Browser:
    person = Browser(app.test_client())
    assert person.login(name).status_code == 302
    return person


def feed_ids(response) -> list[str]:
    """The ids of the entries of an Atom feed: the URLs of their revisions."""
    assert response.status_code == 200
    root = ET.fromstring(response.get_data())
    return [e.find(f"{ATOM}id").text for e in root.iter(f"{ATOM}entry")]


# --- Settings and who is held --------------------------------------------------------------


def test_queue_is_off_by_default(session, search, newbie, port):
    settings = queue.get_settings(session)
    assert (settings.all_pages, settings.portals, settings.first_edits) == (False, [], 5)
    assert not settings.enabled

    result = edit(session, search, newbie, "Port", "Le port de pêche, vu du quai.")

    assert not result.held and result.revision.status == "published"
    assert pages.get_page(session, "Port").latest_revision_id == result.revision.id


def test_queue_for_all_pages_holds_the_first_edits_of_a_new_account_then_lets_them_through(
    session, search, morgane, claire, newbie, port
):
    queue.update_settings(session, morgane, all_pages=True, first_edits=2)
    outcomes = []
    for n in range(3):
        result = edit(session, search, newbie, "Port", f"Le port de pêche, version {n}.")
        outcomes.append(result.held)
        if result.held:
            queue.approve(session, search, claire, result.revision.id)

    assert outcomes == [True, True, False]
    assert pages.get_page(session, "Port").latest.text == "Le port de pêche, version 2."


def test_pending_edits_do_not_count_towards_the_first_edits(session, search, morgane, newbie, port):
    queue.update_settings(session, morgane, all_pages=True, first_edits=1)
    first = edit(session, search, newbie, "Port", "Le port de pêche, premier essai.")
    second = edit(session, search, newbie, "Port", "Le port de pêche, second essai.")
    assert first.held and second.held


def test_confirmed_contributors_are_never_held(session, search, morgane, claire, port):
    queue.update_settings(session, morgane, all_pages=True)
    assert not edit(session, search, claire, "Port", "Le port de pêche, relu.").held
    assert not edit(session, search, claire, "Criée", "La criée.").held


def test_queue_for_one_portal_holds_only_its_pages_and_creations_chosen_in_it(
    session, search, morgane, anne, newbie
):
    portals.create_portal(session, "histoire", "Histoire")
    portals.create_portal(session, "mer", "Mer et port")
    queue.update_settings(session, morgane, portals=["histoire"])
    edit(session, search, anne, "Vieux bourg", "Le vieux bourg.", portals=["histoire"])
    edit(session, search, anne, "Quai", "Le quai.", portals=["mer"])

    assert queue.get_settings(session).portals == ["histoire"]
    assert edit(session, search, newbie, "Vieux bourg", "Le vieux bourg, rue haute.").held
    assert not edit(session, search, newbie, "Quai", "Le quai, côté nord.").held
    assert edit(session, search, newbie, "Église", "L'église.", portals=["histoire"]).held
    assert not edit(session, search, newbie, "Lavoir", "Le lavoir.", portals=["mer"]).held
    assert not edit(session, search, newbie, "Halle", "La halle.").held


def test_moving_a_page_out_of_a_moderated_portal_is_held_too(
    session, search, morgane, anne, newbie
):
    portals.create_portal(session, "histoire", "Histoire")
    portals.create_portal(session, "mer", "Mer et port")
    queue.update_settings(session, morgane, portals=["histoire"])
    edit(session, search, anne, "Vieux bourg", "Le vieux bourg.", portals=["histoire"])

    result = edit(
        session, search, newbie, "Vieux bourg", "Le vieux bourg.\n\nAjout.", portals=["mer"]
    )

    assert result.held
    assert [p.slug for p in pages.get_page(session, "Vieux bourg").portals] == ["histoire"]


def test_settings_are_validated_and_logged(session, morgane):
    portals.create_portal(session, "histoire", "Histoire")
    with pytest.raises(InvalidInput):
        queue.update_settings(session, morgane, first_edits=0)
    with pytest.raises(InvalidInput):
        queue.update_settings(session, morgane, portals=["inconnu"])
    assert session.scalar(select(func.count()).select_from(Setting)) == 0

    queue.update_settings(session, morgane, all_pages=True, first_edits=3, portals=["histoire"])
    queue.update_settings(session, morgane, all_pages=True)  # no change: not logged again

    logged = session.scalars(select(Event).where(Event.type == "queue_settings")).all()
    assert [e.data for e in logged] == [
        {"all_pages": True, "first_edits": 3, "portals": ["histoire"]}
    ]
    assert logged[0].user_id == morgane.id


def test_only_moderators_change_the_settings(session, claire, newbie):
    with pytest.raises(PermissionDenied):
        queue.update_settings(session, claire, all_pages=True)
    with pytest.raises(PermissionDenied):
        queue.update_settings(session, newbie, all_pages=True)
    with pytest.raises(AuthenticationRequired):
        queue.update_settings(session, None, all_pages=True)
    assert not queue.get_settings(session).all_pages


# --- A held edit stays out of sight --------------------------------------------------------


def test_held_edit_leaves_the_page_search_and_history_unchanged(
    app, client, session, search, anne, newbie, port, held
):
    page = pages.get_page(session, "Port")
    assert page.latest_revision_id == port.id
    assert held.status == "pending" and held.parent_id == port.id
    assert [r.id for r in history.page_history(session, page)] == [port.id]
    assert history.revision_count(session, page) == 1
    assert held.id not in [r.id for r in history.recent_changes(session)]
    assert history.contributions(session, newbie) == []
    assert newbie.name not in [u.name for u in history.contributors(session, page)]
    assert held.id not in [r.id for r in watchlist.changes(session, anne)]
    assert search_service.search(session, search, HELD_WORD).total == 0
    assert moderation.unpatrolled_count(session) == 0

    for url in ("/wiki/Port", "/wiki/Port/history", "/recent-changes", "/user/Nolwenn"):
        body = client.get(url).get_data(as_text=True)
        assert HELD_WORD not in body and f"/revision/{held.id}" not in body, url
    feed = feed_ids(client.get("/recent-changes/atom"))
    assert feed and not any(i.endswith(f"/revision/{held.id}") for i in feed)
    api_page = client.get(f"{API}/pages/Port").get_json()
    assert api_page["revision_id"] == port.id and HELD_WORD not in api_page["markdown"]
    listed = client.get(f"{API}/pages/Port/revisions").get_json()
    assert [r["id"] for r in listed["revisions"]] == [port.id] and listed["total"] == 1
    changes = client.get(f"{API}/recent-changes").get_json()["changes"]
    assert held.id not in [r["id"] for r in changes]
    assert held.id not in [r["id"] for r in token_client(app, session, anne).get(
        f"{API}/watchlist").get_json()["changes"]]  # fmt: skip


def test_held_creation_is_invisible_until_approved(
    client, session, search, morgane, anne, claire, newbie
):
    portals.create_portal(session, "histoire", "Histoire")
    edit(session, search, anne, "Bourg", "Voir [[Chapelle]].")
    queue.update_settings(session, morgane, all_pages=True)

    result = edit(session, search, newbie, "Chapelle", f"La chapelle et ses {HELD_WORD}.",
                  portals=["histoire"])  # fmt: skip

    assert result.held and result.created
    assert client.get("/wiki/Chapelle").status_code == 404
    assert client.get(f"{API}/pages/Chapelle").status_code == 404
    assert pages.existing_titles(session, ["Chapelle"]) == set()
    assert 'class="wikilink new"' in client.get("/wiki/Bourg").get_data(as_text=True)
    assert pages.count_pages(session) == 1
    assert [n for p, n in portals.list_portals(session)] == [0]
    assert portals.portal_view(session, "histoire").alphabetical == []
    assert search_service.search(session, search, HELD_WORD).total == 0
    assert "Chapelle" not in client.get("/").get_data(as_text=True)

    queue.approve(session, search, claire, result.revision.id)

    assert client.get("/wiki/Chapelle").status_code == 200
    assert HELD_WORD in client.get(f"{API}/pages/Chapelle").get_json()["markdown"]
    assert 'class="wikilink new"' not in client.get("/wiki/Bourg").get_data(as_text=True)
    assert [n for p, n in portals.list_portals(session)] == [1]
    assert search_service.search(session, search, HELD_WORD).total == 1


def test_pending_revision_is_shown_to_its_author_and_confirmed_contributors_only(
    app, client, session, anne, newbie, make_user, held
):
    other = make_user("Yann")
    assert client.get(f"/revision/{held.id}").status_code == 404
    assert client.get(f"{API}/revisions/{held.id}").status_code == 404
    assert logged_in(app, "Yann").get(f"/revision/{held.id}").status_code == 404
    assert token_client(app, session, other).get(f"{API}/revisions/{held.id}").status_code == 404
    assert client.get(f"/wiki/Port/diff?from={held.parent_id}&to={held.id}").status_code == 404

    for name, user in (("Nolwenn", newbie), ("Anne", anne)):
        page = logged_in(app, name).get(f"/revision/{held.id}").get_data(as_text=True)
        assert HELD_WORD in page and "attend la relecture" in page
        data = token_client(app, session, user).get(f"{API}/revisions/{held.id}").get_json()
        assert data["status"] == "pending" and HELD_WORD in data["markdown"]


def test_the_author_is_told_their_edit_awaits_review(app, client, session, search, morgane, held):
    mine = logged_in(app, "Nolwenn").get("/wiki/Port").get_data(as_text=True)
    assert "attend la relecture" in mine and f"/revision/{held.id}" in mine
    assert "attend la relecture" not in client.get("/wiki/Port").get_data(as_text=True)
    assert "attend la relecture" not in logged_in(app, "Anne").get("/wiki/Port").get_data(
        as_text=True
    )


def test_the_author_of_a_held_creation_is_told_where_it_is(app, session, search, morgane, newbie):
    queue.update_settings(session, morgane, all_pages=True)
    result = edit(session, search, newbie, "Lavoir", "Le lavoir du bas.")
    response = logged_in(app, "Nolwenn").get("/wiki/Lavoir")
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "attend la relecture" in body and f"/revision/{result.revision.id}" in body


# --- Approve, reject ----------------------------------------------------------------------


def test_approval_publishes_the_edit(client, session, search, claire, newbie, port, held):
    queue.approve(session, search, claire, held.id)

    session.refresh(held)
    assert held.status == "published" and held.patrolled
    page = pages.get_page(session, "Port")
    assert page.latest_revision_id == held.id
    assert HELD_WORD in client.get("/wiki/Port").get_data(as_text=True)
    assert search_service.search(session, search, HELD_WORD).total == 1
    assert held.id in [r.id for r in history.recent_changes(session)]
    assert feed_ids(client.get("/recent-changes/atom"))[0].endswith(f"/revision/{held.id}")
    assert [r.id for r in history.page_history(session, page)] == [held.id, port.id]
    assert queue.pending(session, claire) == []
    event = session.scalar(select(Event).where(Event.type == "queue_approve"))
    assert event.user_id == claire.id and event.data["revision_id"] == held.id
    assert "a accepté la modification" in client.get("/log").get_data(as_text=True)


def test_approval_updates_links_and_the_authors_watchlist(
    session, search, morgane, claire, newbie, port
):
    criee = pages.save_edit(session, search, claire, "Criée", "La criée.").page
    queue.update_settings(session, morgane, all_pages=True)
    result = edit(session, search, newbie, "Port", "Le port, près de [[Criée]].")
    assert history.backlinks(session, criee) == []
    assert watchlist.watched_titles(session, newbie) == []

    queue.approve(session, search, claire, result.revision.id)

    assert history.backlinks(session, pages.get_page(session, "Criée")) == ["Port"]
    assert watchlist.watched_titles(session, newbie) == ["Port"]


def test_rejection_keeps_the_edit_out_and_in_the_database(
    client, session, search, claire, port, held
):
    queue.reject(session, claire, held.id, "Hors sujet")

    session.refresh(held)
    assert held.status == "rejected"
    assert pages.get_page(session, "Port").latest_revision_id == port.id
    assert queue.pending(session, claire) == [] and queue.pending_count(session) == 0
    assert session.get(Revision, held.id).text.endswith(f"{HELD_WORD}.")
    assert held.id not in [r.id for r in history.recent_changes(session)]
    assert client.get(f"/revision/{held.id}").status_code == 404
    event = session.scalar(select(Event).where(Event.type == "queue_reject"))
    assert event.data["reason"] == "Hors sujet" and event.data["revision_id"] == held.id
    with pytest.raises(InvalidInput):
        queue.approve(session, search, claire, held.id)


def test_approval_conflicts_when_the_page_moved_on(session, search, anne, claire, held):
    current = edit(session, search, anne, "Port", "Le port de pêche, agrandi en 1950.").revision

    assert [item.outdated for item in queue.pending(session, claire)] == [True]
    with pytest.raises(Conflict) as caught:
        queue.approve(session, search, claire, held.id)

    assert "modifiée depuis" in caught.value.message
    session.refresh(held)
    assert held.status == "pending"
    assert pages.get_page(session, "Port").latest_revision_id == current.id
    queue.reject(session, claire, held.id, "Dépassée")
    assert session.get(Revision, held.id).status == "rejected"


def test_a_held_creation_conflicts_once_someone_else_created_the_page(
    session, search, morgane, anne, claire, newbie
):
    queue.update_settings(session, morgane, all_pages=True)
    held = edit(session, search, newbie, "Lavoir", "Le lavoir du bas.").revision
    created = edit(session, search, anne, "Lavoir", "Le lavoir, rue du moulin.")

    assert created.created and not created.held
    with pytest.raises(Conflict):
        queue.approve(session, search, claire, held.id)
    assert pages.get_page(session, "Lavoir").latest.text == "Le lavoir, rue du moulin."


def test_approving_on_a_page_protected_since_needs_the_right_to_edit_it(
    session, search, morgane, claire, held
):
    moderation.protect(session, morgane, "Port", "moderator", reason="Guerre d'édition")
    with pytest.raises(PermissionDenied):
        queue.approve(session, search, claire, held.id)
    assert session.get(Revision, held.id).status == "pending"
    queue.approve(session, search, morgane, held.id)
    assert pages.get_page(session, "Port").latest_revision_id == held.id


def test_review_needs_a_confirmed_contributor(session, search, newbie, make_user, held):
    other = make_user("Yann")
    for user, error in ((None, AuthenticationRequired), (other, PermissionDenied),
                        (newbie, PermissionDenied)):  # fmt: skip
        with pytest.raises(error):
            queue.pending(session, user)
        with pytest.raises(error):
            queue.approve(session, search, user, held.id)
        with pytest.raises(error):
            queue.reject(session, user, held.id)
    assert session.get(Revision, held.id).status == "pending"


def test_unknown_revision_is_not_found(session, search, claire):
    with pytest.raises(NotFound):
        queue.approve(session, search, claire, 999_999)
    with pytest.raises(InvalidInput):
        queue.reject(session, claire, "abc")


def test_pending_list_is_oldest_first_with_a_diff(session, search, claire, newbie, make_user, held):
    other = make_user("Yann")
    later = edit(session, search, other, "Criée", "La criée du port.").revision

    items = queue.pending(session, claire)

    assert [i.revision.id for i in items] == [held.id, later.id]
    assert any(f"<ins> et ses {HELD_WORD}</ins>" in (row.new_html or "") for row in items[0].rows)
    assert items[1].parent is None and "+La criée du port." in items[1].unified


# --- The web pages -------------------------------------------------------------------------


def test_queue_page_shows_each_edit_with_diff_and_buttons(app, session, search, held):
    page = logged_in(app, "Anne").get("/moderation/queue")

    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert f"<ins> et ses {HELD_WORD}</ins>" in body and "Nolwenn" in body
    assert f'action="/revision/{held.id}/approve"' in body
    assert f'action="/revision/{held.id}/reject"' in body
    assert 'name="csrf_token"' in body
    assert "Réglages de la file" not in body  # moderators only


def test_hub_links_to_the_queue_with_its_count(app, held):
    body = logged_in(app, "Anne").get("/moderation").get_data(as_text=True)
    assert '/moderation/queue">' in body and "(1)" in body


@pytest.mark.parametrize(
    ("name", "expected"), [(None, 401), ("Yann", 403), ("Anne", 200), ("Morgane", 200)]
)
def test_queue_page_by_role(app, make_user, held, name, expected):
    make_user("Yann")
    person = logged_in(app, name) if name else Browser(app.test_client())
    response = person.get("/moderation/queue")
    assert response.status_code == expected
    if name == "Morgane":
        assert "Réglages de la file" in response.get_data(as_text=True)


@pytest.mark.parametrize(("name", "allowed"), [("Yann", False), ("Claire", True)])
def test_web_approve_by_role(app, session, make_user, claire, held, name, allowed):
    make_user("Yann")
    response = logged_in(app, name).post(f"/revision/{held.id}/approve", {}, form_url="/login")
    assert response.status_code == (302 if allowed else 403)
    session.expire_all()
    assert (session.get(Revision, held.id).status == "published") is allowed


@pytest.mark.parametrize(("name", "allowed"), [("Yann", False), ("Claire", True)])
def test_web_reject_by_role(app, session, make_user, claire, held, name, allowed):
    make_user("Yann")
    response = logged_in(app, name).post(
        f"/revision/{held.id}/reject", {"reason": "Hors sujet"}, form_url="/login"
    )
    assert response.status_code == (302 if allowed else 403)
    session.expire_all()
    assert (session.get(Revision, held.id).status == "rejected") is allowed


def test_web_approve_needs_the_csrf_token(app, held):
    person = logged_in(app, "Anne")
    assert person.client.post(f"/revision/{held.id}/approve").status_code == 400


def test_web_approve_of_an_outdated_edit_says_why(app, session, search, anne, held):
    edit(session, search, anne, "Port", "Le port de pêche, agrandi.")
    person = logged_in(app, "Anne")
    response = person.post(f"/revision/{held.id}/approve", {}, form_url="/login")
    assert response.status_code == 302
    body = person.get("/moderation/queue").get_data(as_text=True)
    assert "modifiée depuis" in body


@pytest.mark.parametrize(("name", "allowed"), [("Anne", False), ("Morgane", True)])
def test_web_settings_form_by_role(app, session, morgane, port, name, allowed):
    portals.create_portal(session, "histoire", "Histoire")
    response = logged_in(app, name).post(
        "/moderation/queue/settings",
        {"all_pages": "yes", "first_edits": "3", "portals": "histoire"},
        form_url="/login",
    )
    assert response.status_code == (302 if allowed else 403)
    session.expire_all()
    settings = queue.get_settings(session)
    assert (settings.all_pages, settings.first_edits, settings.portals) == (
        (True, 3, ["histoire"]) if allowed else (False, 5, [])
    )


def test_web_editor_tells_a_held_author_and_keeps_the_page(app, session, morgane, port):
    queue.update_settings(session, morgane, all_pages=True)
    person = Browser(app.test_client())
    person.register("Nolwenn")
    response = person.save("Port", f"Le port de pêche et ses {HELD_WORD}.", base=port.id)
    assert response.status_code == 302
    follow = person.get(response.location).get_data(as_text=True)
    assert "relue" in follow and "attend la relecture" in follow
    assert HELD_WORD not in Browser(app.test_client()).get("/wiki/Port").get_data(as_text=True)


# --- The API -------------------------------------------------------------------------------


def test_api_put_of_a_held_edit_answers_202(app, session, morgane, newbie, port):
    queue.update_settings(session, morgane, all_pages=True)
    response = token_client(app, session, newbie).put(
        f"{API}/pages/Port", json={"markdown": "Le port et ses quais.", "base_revision": port.id}
    )
    assert response.status_code == 202
    assert response.get_json()["held"] is True
    assert response.get_json()["revision"]["status"] == "pending"


def test_api_queue_lists_pending_edits(app, session, claire, held):
    data = token_client(app, session, claire).get(f"{API}/moderation-queue").get_json()
    assert data["total"] == 1
    (item,) = data["pending"]
    assert item["id"] == held.id and item["status"] == "pending" and item["page_exists"]
    assert not item["outdated"] and HELD_WORD in item["markdown"]
    assert f"+Le port de pêche et ses {HELD_WORD}." in item["diff"]


@pytest.mark.parametrize(
    ("role", "expected"), [(None, 401), ("contributor", 403), ("confirmed", 200)]
)
def test_api_review_by_role(app, session, make_user, held, role, expected):
    client = token_client(app, session, make_user("Yann", role)) if role else app.test_client()
    assert client.get(f"{API}/moderation-queue").status_code == expected
    assert client.post(f"{API}/revisions/{held.id}/approve").status_code == expected
    session.expire_all()
    assert (session.get(Revision, held.id).status == "published") is (expected == 200)


def test_api_reject_with_a_reason(app, session, claire, held):
    response = token_client(app, session, claire).post(
        f"{API}/revisions/{held.id}/reject", json={"reason": "Doublon"}
    )
    assert response.status_code == 200 and response.get_json()["status"] == "rejected"
    assert session.scalar(select(Event).where(Event.type == "queue_reject")).data["reason"] == (
        "Doublon"
    )


def test_api_approve_conflict_is_409(app, session, search, anne, claire, held):
    edit(session, search, anne, "Port", "Le port de pêche, agrandi.")
    response = token_client(app, session, claire).post(f"{API}/revisions/{held.id}/approve")
    assert response.status_code == 409
    assert response.get_json()["error"] == "conflict"


@pytest.mark.parametrize(
    ("role", "expected"),
    [(None, 401), ("contributor", 403), ("confirmed", 403), ("moderator", 200)],
)
def test_api_settings_by_role(app, session, make_user, role, expected):
    portals.create_portal(session, "histoire", "Histoire")
    client = token_client(app, session, make_user("Yann", role)) if role else app.test_client()
    body = {"all_pages": False, "first_edits": 2, "portals": ["histoire"]}

    response = client.put(f"{API}/moderation-queue/settings", json=body)

    assert response.status_code == expected
    public = app.test_client().get(f"{API}/moderation-queue/settings").get_json()
    if expected == 200:
        assert response.get_json() == {**body, "enabled": True}
    assert public == (
        {**body, "enabled": True}
        if expected == 200
        else {"all_pages": False, "first_edits": 5, "portals": [], "enabled": False}
    )


def test_api_settings_reject_bad_input(app, session, morgane):
    client = token_client(app, session, morgane)
    for body in ({"first_edits": "5"}, {"first_edits": 0}, {"portals": "histoire"},
                 {"portals": ["inconnu"]}, {"all_pages": "oui"}):  # fmt: skip
        response = client.put(f"{API}/moderation-queue/settings", json=body)
        assert response.status_code == 400, body
        assert response.get_json()["error"] == "invalid_input"


def test_mass_rollback_leaves_held_edits_to_the_queue(session, search, morgane, newbie, held):
    since = utcnow() - timedelta(hours=1)
    report = moderation.rollback_all(session, search, morgane, "Nolwenn", since)
    assert (report.reverted, report.deleted, report.skipped) == ([], [], [])
    assert session.get(Revision, held.id).status == "pending"


def test_held_rows_of_deleted_pages_stay_out_of_the_queue(session, search, morgane, claire, held):
    moderation.delete_page(session, search, morgane, "Port", "Doublon")
    assert queue.pending(session, claire) == [] and queue.pending_count(session) == 0
    assert session.scalar(select(Page).where(Page.title == "Port")) is not None
