"""Hiding a revision's text for privacy: moderators only, logged, reversible; everyone else sees
that the version exists but not what it said, in every place a text or a diff can be read."""

import pytest
from conftest import Browser
from sqlalchemy import select

from wikiterritoire.errors import AuthenticationRequired, InvalidInput, PermissionDenied
from wikiterritoire.models import Event, Revision
from wikiterritoire.services import accounts, events, moderation, pages, queue, suppression

API = "/api/v1"
#: The private detail a contributor should never have published.
SECRET = "0698765432"
MASKED = "Le texte de cette version a été masqué par un modérateur"


@pytest.fixture
def anne(make_user):
    return make_user("Anne", "confirmed")


@pytest.fixture
def bob(make_user):
    return make_user("Bob")


@pytest.fixture
def claire(make_user):
    return make_user("Claire", "confirmed")


@pytest.fixture
def morgane(make_user):
    return make_user("Morgane", "moderator")


def edit(session, search, user, title, text, **kw):
    page = pages.find_page(session, title)
    base = page.latest_revision_id if page else None
    return pages.save_edit(session, search, user, title, text, base_revision_id=base, **kw)


@pytest.fixture
def revisions(session, search, anne, bob):
    """Three versions of "Port": the original, one leaking a phone number, the original again."""
    first = edit(session, search, anne, "Port", "Le port de pêche.\n\nSa criée.").revision
    leak = edit(
        session, search, bob, "Port", f"Le port de pêche.\n\nSa criée. Appelez Mimi au {SECRET}."
    ).revision
    restored = pages.revert(session, search, anne, "Port", first.id).revision
    return first, leak, restored


@pytest.fixture
def hidden(session, morgane, revisions):
    _, leak, _ = revisions
    suppression.hide_text(session, morgane, leak.id, "Numéro de téléphone personnel")
    return leak


def token_client(app, session, user):
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {accounts.create_token(session, user)}"
    return client


def logged_in(app, name) -> Browser:
    person = Browser(app.test_client())
    assert person.login(name).status_code == 302
    return person


def readers(app, session, bob, claire):
    """Anonymous, contributor and confirmed: none of them may read a hidden text."""
    return {
        "anonymous": (Browser(app.test_client()), app.test_client()),
        "contributor": (logged_in(app, "Bob"), token_client(app, session, bob)),
        "confirmed": (logged_in(app, "Claire"), token_client(app, session, claire)),
    }


# --- The service ---------------------------------------------------------------------------


def test_hiding_marks_the_revision_and_logs_the_reason(session, morgane, revisions, hidden):
    assert session.get(Revision, hidden.id).text_hidden
    event = session.scalar(select(Event).where(Event.type == "hide_text"))
    assert event.user_id == morgane.id and event.page_id == hidden.page_id
    assert event.data == {"revision_id": hidden.id, "reason": "Numéro de téléphone personnel"}
    (entry,) = [e for e in events.recent(session) if "masqué" in e.text]
    assert f"version {hidden.id}" in entry.text and "Numéro de téléphone" in entry.text


def test_the_text_itself_is_kept(session, hidden):
    assert SECRET in session.get(Revision, hidden.id).text


def test_unhiding_restores_and_is_logged(client, session, morgane, hidden):
    suppression.unhide_text(session, morgane, hidden.id, "Masqué par erreur")

    assert not session.get(Revision, hidden.id).text_hidden
    assert SECRET in client.get(f"/revision/{hidden.id}").get_data(as_text=True)
    assert client.get(f"{API}/revisions/{hidden.id}").get_json()["markdown"].endswith(f"{SECRET}.")
    event = session.scalar(select(Event).where(Event.type == "unhide_text"))
    assert event.data == {"revision_id": hidden.id, "reason": "Masqué par erreur"}


def test_the_current_revision_cannot_be_hidden(session, morgane, revisions):
    *_, current = revisions
    with pytest.raises(InvalidInput) as caught:
        suppression.hide_text(session, morgane, current.id, "Vie privée")
    assert "rétablissez d'abord une autre version" in caught.value.message
    assert not session.get(Revision, current.id).text_hidden


def test_hiding_needs_a_reason_and_a_moderator(session, anne, bob, claire, morgane, revisions):
    _, leak, _ = revisions
    with pytest.raises(InvalidInput):
        suppression.hide_text(session, morgane, leak.id, "  ")
    for user, error in ((None, AuthenticationRequired), (bob, PermissionDenied),
                        (claire, PermissionDenied), (anne, PermissionDenied)):  # fmt: skip
        with pytest.raises(error):
            suppression.hide_text(session, user, leak.id, "Vie privée")
    assert not session.get(Revision, leak.id).text_hidden
    assert session.scalar(select(Event).where(Event.type == "hide_text")) is None


def test_unhiding_needs_a_moderator(session, claire, hidden):
    with pytest.raises(PermissionDenied):
        suppression.unhide_text(session, claire, hidden.id)
    assert session.get(Revision, hidden.id).text_hidden


def test_hiding_twice_or_unhiding_a_visible_text_is_refused(session, morgane, revisions, hidden):
    first, *_ = revisions
    with pytest.raises(InvalidInput):
        suppression.hide_text(session, morgane, hidden.id, "Encore")
    with pytest.raises(InvalidInput):
        suppression.unhide_text(session, morgane, first.id)


def test_reverting_to_a_hidden_revision_is_refused_except_to_moderators(
    session, search, claire, morgane, hidden
):
    with pytest.raises(PermissionDenied):
        pages.revert(session, search, claire, "Port", hidden.id)
    assert SECRET not in pages.get_page(session, "Port").latest.text

    pages.revert(session, search, morgane, "Port", hidden.id)
    assert SECRET in pages.get_page(session, "Port").latest.text


def test_rolling_back_to_a_hidden_revision_is_refused_to_confirmed(
    session, search, anne, bob, claire, morgane, revisions
):
    _, leak, _ = revisions
    # Bob's leak is now the version before Anne's latest edit.
    edit(session, search, bob, "Port", f"Le port de pêche.\n\nSa criée. Appelez Mimi au {SECRET}.")
    edit(session, search, anne, "Port", "Le port de pêche.\n\nSa criée, le matin.")
    bobs = pages.get_page(session, "Port").latest.parent_id
    suppression.hide_text(session, morgane, bobs, "Numéro de téléphone personnel")

    with pytest.raises(PermissionDenied):
        moderation.rollback(session, search, claire, "Port")
    assert pages.get_page(session, "Port").latest.text.endswith("le matin.")


# --- Every place a text can be read --------------------------------------------------------


def test_hidden_text_is_withheld_from_everyone_but_moderators_on_the_web(
    app, session, bob, claire, revisions, hidden
):
    first, _, restored = revisions
    urls = [
        f"/revision/{hidden.id}",
        f"/wiki/Port/diff?from={first.id}&to={hidden.id}",
        f"/wiki/Port/diff?from={hidden.id}&to={restored.id}",
        f"/wiki/Port/diff?to={hidden.id}",
    ]
    for role, (browser, _) in readers(app, session, bob, claire).items():
        for url in urls:
            response = browser.get(url)
            body = response.get_data(as_text=True)
            assert response.status_code == 200, (role, url)
            assert SECRET not in body and "Appelez" not in body, (role, url)
            assert MASKED in body, (role, url)

    moderator = logged_in(app, "Morgane")
    for url in urls:
        body = moderator.get(url).get_data(as_text=True)
        assert SECRET in body and MASKED not in body, url


def test_history_still_lists_a_hidden_revision_marked(app, client, session, claire, hidden):
    body = client.get("/wiki/Port/history").get_data(as_text=True)
    assert f"/revision/{hidden.id}" in body and "texte masqué" in body
    assert f'<option value="{hidden.id}"' not in logged_in(app, "Claire").get(
        "/wiki/Port/history"
    ).get_data(as_text=True)
    assert f'<option value="{hidden.id}"' in logged_in(app, "Morgane").get(
        "/wiki/Port/history"
    ).get_data(as_text=True)


def test_hidden_text_is_withheld_from_everyone_but_moderators_in_the_api(
    app, session, bob, claire, morgane, hidden
):
    for role, (_, api) in readers(app, session, bob, claire).items():
        data = api.get(f"{API}/revisions/{hidden.id}").get_json()
        assert data["text_hidden"] is True and data["markdown"] is None, role
        listed = api.get(f"{API}/pages/Port/revisions").get_json()["revisions"]
        assert [r["text_hidden"] for r in listed] == [False, True, False], role
        assert SECRET not in api.get(f"{API}/recent-changes").get_data(as_text=True), role

    data = token_client(app, session, morgane).get(f"{API}/revisions/{hidden.id}").get_json()
    assert data["text_hidden"] is True and SECRET in data["markdown"]


def test_feeds_and_search_never_show_a_hidden_text(client, session, search, anne, hidden):
    assert SECRET not in client.get("/recent-changes/atom").get_data(as_text=True)
    assert SECRET not in client.get("/recent-changes").get_data(as_text=True)
    assert client.get(f"{API}/search?q={SECRET}").get_json()["total"] == 0


def test_reverting_to_a_hidden_revision_is_refused_on_the_web_and_the_api(
    app, session, claire, hidden
):
    response = logged_in(app, "Claire").post(
        "/wiki/Port/revert", {"revision_id": str(hidden.id)}, form_url="/wiki/Port/history"
    )
    assert response.status_code == 403
    response = token_client(app, session, claire).post(
        f"{API}/pages/Port/revert", json={"revision_id": hidden.id}
    )
    assert response.status_code == 403
    assert response.get_json()["error"] == "permission_denied"
    assert SECRET not in pages.get_page(session, "Port").latest.text


# --- The web buttons and the API twins -----------------------------------------------------


def test_moderators_get_the_hide_form_on_an_old_revision_only(app, claire, morgane, revisions):
    first, _, current = revisions
    moderator = logged_in(app, "Morgane")
    assert f'action="/revision/{first.id}/hide"' in moderator.get(f"/revision/{first.id}").get_data(
        as_text=True
    )
    assert "/hide" not in moderator.get(f"/revision/{current.id}").get_data(as_text=True)
    assert "/hide" not in logged_in(app, "Claire").get(f"/revision/{first.id}").get_data(
        as_text=True
    )


@pytest.mark.parametrize(("name", "expected"), [("Claire", 403), ("Morgane", 302)])
def test_web_hide_and_unhide_by_role(app, session, morgane, claire, revisions, name, expected):
    _, leak, _ = revisions
    person = logged_in(app, name)

    response = person.post(f"/revision/{leak.id}/hide", {"reason": "Vie privée"}, form_url="/login")

    assert response.status_code == expected
    session.expire_all()
    assert session.get(Revision, leak.id).text_hidden is (expected == 302)
    if expected == 302:
        page = person.get(response.location).get_data(as_text=True)
        assert f'action="/revision/{leak.id}/unhide"' in page
        person.post(f"/revision/{leak.id}/unhide", {}, form_url="/login")
        session.expire_all()
        assert not session.get(Revision, leak.id).text_hidden


def test_web_hide_needs_the_csrf_token(app, session, morgane, revisions):
    _, leak, _ = revisions
    response = logged_in(app, "Morgane").client.post(
        f"/revision/{leak.id}/hide", data={"reason": "Vie privée"}
    )
    assert response.status_code == 400
    assert not session.get(Revision, leak.id).text_hidden


@pytest.mark.parametrize(
    ("role", "expected"),
    [(None, 401), ("contributor", 403), ("confirmed", 403), ("moderator", 200)],
)
def test_api_hide_and_unhide_by_role(app, session, make_user, revisions, role, expected):
    _, leak, current = revisions
    client = token_client(app, session, make_user("Yann", role)) if role else app.test_client()

    response = client.post(f"{API}/revisions/{leak.id}/hide", json={"reason": "Vie privée"})

    assert response.status_code == expected
    session.expire_all()
    assert session.get(Revision, leak.id).text_hidden is (expected == 200)
    if expected == 200:
        assert response.get_json()["text_hidden"] is True
        response = client.delete(f"{API}/revisions/{leak.id}/hide")
        assert response.status_code == 200 and response.get_json()["text_hidden"] is False
        refused = client.post(f"{API}/revisions/{current.id}/hide", json={"reason": "Vie privée"})
        assert refused.status_code == 400
        missing = client.post(f"{API}/revisions/{leak.id}/hide", json={})
        assert missing.status_code == 400


def test_a_held_edit_with_a_hidden_text_is_masked_in_the_queue_and_cannot_be_approved(
    app, session, search, anne, bob, claire, morgane, revisions
):
    queue.update_settings(session, morgane, all_pages=True)
    held = edit(session, search, bob, "Port", f"Le port de pêche.\n\nMimi : {SECRET}.").revision
    assert held.status == "pending"
    suppression.hide_text(session, morgane, held.id, "Numéro de téléphone personnel")

    (item,) = queue.pending(session, claire)
    assert item.masked and item.rows is None and item.unified is None
    body = logged_in(app, "Claire").get("/moderation/queue").get_data(as_text=True)
    assert SECRET not in body and MASKED in body
    with pytest.raises(InvalidInput):
        queue.approve(session, search, claire, held.id)
    queue.reject(session, claire, held.id, "Vie privée")
    assert session.get(Revision, held.id).status == "rejected"
