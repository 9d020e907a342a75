"""Who may do what: every moderation action, through the API and the web, for every role.

One wiki for the whole module keeps the matrix cheap; each case builds its own page, account or
report with a unique name, so no case sees another's state. Each case checks the status code and
that the action took effect exactly when it was allowed.
"""

import html
import itertools
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from conftest import FAST_HASH, PASSWORD, Browser, build_app, new_data_dir
from sqlalchemy import func, select

from wikiterritoire.models import Page, Report, Revision, User, utcnow
from wikiterritoire.services import accounts, moderation, pages

API = "/api/v1"
ROLES = ("anonymous", "contributor", "confirmed", "mediator", "moderator", "admin", "blocked")
#: The account acting in each role ("blocked" is a contributor blocked by an admin).
ACTORS = {
    "contributor": ("Corentin", "contributor"),
    "confirmed": ("Claire", "confirmed"),
    "mediator": ("Maël", "mediator"),
    "moderator": ("Morgane", "moderator"),
    "admin": ("Adèle", "admin"),
    "blocked": ("Bastien", "contributor"),
}
BLOCK_REASON = "Insultes répétées envers les autres contributeurs"


@pytest.fixture(scope="module")
def world(tmp_path_factory, migrated_db):
    app = build_app(new_data_dir(tmp_path_factory.mktemp("permissions"), migrated_db))
    wiki = app.extensions["wiki"]
    tokens = {}
    with wiki.db.fresh_session() as session:
        charter = wiki.charter.version
        for role, (name, stored) in ACTORS.items():
            user = accounts.create_user(
                session, name, PASSWORD, stored, charter_version=charter, hash_method=FAST_HASH
            )
            tokens[role] = accounts.create_token(session, user)
        for name, role in (("Auteur", "contributor"), ("Relecteur", "confirmed")):
            accounts.create_user(session, name, PASSWORD, role, charter, hash_method=FAST_HASH)
        admin = accounts.get_user(session, "Adèle")
        moderation.block(session, admin, "Bastien", utcnow() + timedelta(days=30), BLOCK_REASON)
    yield SimpleNamespace(
        app=app,
        wiki=wiki,
        tokens=tokens,
        numbers=itertools.count(1),
        browsers={},
    )
    wiki.db.dispose()


def api_call(world, role: str, method: str, url: str, body=None):
    headers = {} if role == "anonymous" else {"Authorization": f"Bearer {world.tokens[role]}"}
    return world.app.test_client().open(url, method=method, json=body, headers=headers)


def browser(world, role: str) -> Browser:
    """A browser logged in as the role's account (anonymous: not logged in), kept per module."""
    if role not in world.browsers:
        person = Browser(world.app.test_client())
        if role != "anonymous":
            assert person.login(ACTORS[role][0]).status_code == 302
        world.browsers[role] = person
    return world.browsers[role]


def web_call(world, role: str, method: str, url: str, form=None):
    person = browser(world, role)
    if method == "GET":
        return person.get(url)
    return person.post(url, form or {}, form_url="/login")


# --- Fresh state for each case ---------------------------------------------------------------


def _user(session, name: str) -> User:
    return accounts.get_user(session, name)


def _page(session, title: str, *texts_by: tuple[str, str]) -> Page:
    result = None
    for author, text in texts_by:
        page = pages.find_page(session, title)
        result = pages.save_edit(
            session,
            None,
            _user(session, author),
            title,
            text,
            base_revision_id=page.latest_revision_id if page else None,
        )
    return result


def _target(session, name: str) -> User:
    return accounts.create_user(session, name, PASSWORD, hash_method=FAST_HASH)


def setup(world, action: str) -> dict:
    """Build what `action` acts on; returns names and ids for the request and the check."""
    n = next(world.numbers)
    title = f"Page {action} {n}"
    ctx = {"title": title, "path": quote(title.replace(" ", "_")), "n": n}
    with world.wiki.db.fresh_session() as s:
        if action == "patrol":
            ctx["rev"] = _page(s, title, ("Auteur", "Texte à vérifier.")).revision.id
        elif action == "rollback":
            _page(s, title, ("Relecteur", "Texte d'origine."), ("Auteur", "VANDALISME"))
        elif action == "rollback_all":
            ctx["user"] = f"Cible{n}"
            _target(s, ctx["user"])
            _page(s, title, ("Relecteur", "Texte d'origine."), (ctx["user"], "VANDALISME"))
        elif action == "block":
            ctx["user"] = f"Cible{n}"
            _target(s, ctx["user"])
        elif action == "unblock":
            ctx["user"] = f"Cible{n}"
            _target(s, ctx["user"])
            until = utcnow() + timedelta(days=1)
            moderation.block(s, _user(s, "Adèle"), ctx["user"], until, "Vandalisme")
        elif action in ("protect", "delete"):
            _page(s, title, ("Relecteur", "Texte d'origine."))
        elif action == "restore":
            _page(s, title, ("Relecteur", "Texte d'origine."))
            moderation.delete_page(s, None, _user(s, "Adèle"), title, "Doublon")
        elif action == "report":
            _page(s, title, ("Relecteur", "Texte d'origine."))
            ctx["reason"] = f"Propos injurieux {n}"
        elif action in ("list_reports", "close_report"):
            _page(s, title, ("Relecteur", "Texte d'origine."))
            ctx["reason"] = f"Propos injurieux {n}"
            ctx["report"] = moderation.report(s, None, title, ctx["reason"]).id
        else:
            raise AssertionError(action)
    return ctx


def _latest_text(s, title: str) -> str:
    return pages.get_page(s, title).latest.text


def _page_row(s, title: str) -> Page:
    return s.scalar(select(Page).where(Page.title == title))


#: Whether the action took effect, read from the database after the request.
EFFECTS = {
    "patrol": lambda s, c: s.get(Revision, c["rev"]).patrolled,
    "rollback": lambda s, c: _latest_text(s, c["title"]) == "Texte d'origine.",
    "rollback_all": lambda s, c: _latest_text(s, c["title"]) == "Texte d'origine.",
    "block": lambda s, c: _user(s, c["user"]).is_blocked(),
    "unblock": lambda s, c: not _user(s, c["user"]).is_blocked(),
    "protect": lambda s, c: _page_row(s, c["title"]).protection_level() == "moderator",
    "delete": lambda s, c: _page_row(s, c["title"]).deleted_at is not None,
    "restore": lambda s, c: _page_row(s, c["title"]).deleted_at is None,
    "report": lambda s, c: (
        s.scalar(select(func.count()).select_from(Report).where(Report.reason == c["reason"])) == 1
    ),
    "close_report": lambda s, c: s.get(Report, c["report"]).status == "resolved",
}


def took_effect(world, action: str, ctx: dict) -> bool:
    with world.wiki.db.fresh_session() as s:
        return bool(EFFECTS[action](s, ctx))


# --- The API -------------------------------------------------------------------------------

API_REQUESTS = {
    "patrol": lambda c: ("POST", f"{API}/revisions/{c['rev']}/patrol", {}),
    "rollback": lambda c: ("POST", f"{API}/pages/{c['path']}/rollback", {}),
    "rollback_all": lambda c: (
        "POST",
        f"{API}/users/{c['user']}/rollback-all",
        {"since": (utcnow() - timedelta(hours=1)).isoformat(), "reason": "Vandalisme"},
    ),
    "block": lambda c: (
        "POST",
        f"{API}/users/{c['user']}/block",
        {"until": (utcnow() + timedelta(days=1)).isoformat(), "reason": "Vandalisme"},
    ),
    "unblock": lambda c: ("DELETE", f"{API}/users/{c['user']}/block", {"reason": "Excuses"}),
    "protect": lambda c: (
        "PUT",
        f"{API}/pages/{c['path']}/protection",
        {"level": "moderator", "until": None, "reason": "Guerre d'édition"},
    ),
    "delete": lambda c: ("DELETE", f"{API}/pages/{c['path']}", {"reason": "Doublon"}),
    "restore": lambda c: ("POST", f"{API}/pages/{c['path']}/restore", {"reason": "Erreur"}),
    "report": lambda c: ("POST", f"{API}/reports", {"title": c["title"], "reason": c["reason"]}),
    "list_reports": lambda c: ("GET", f"{API}/reports", None),
    "close_report": lambda c: (
        "POST",
        f"{API}/reports/{c['report']}/close",
        {"status": "resolved"},
    ),
}

# fmt: off
#: Expected status per role: 401 = must log in, 403 = refused, 2xx = done.
API_EXPECTED = {
    #               anonymous contributor confirmed mediator moderator admin blocked
    "patrol":       (401,     403,        200,      200,     200,      200,  403),
    "rollback":     (401,     403,        200,      200,     200,      200,  403),
    "rollback_all": (401,     403,        403,      403,     200,      200,  403),
    "block":        (401,     403,        403,      403,     200,      200,  403),
    "unblock":      (401,     403,        403,      403,     200,      200,  403),
    "protect":      (401,     403,        403,      403,     200,      200,  403),
    "delete":       (401,     403,        403,      403,     200,      200,  403),
    "restore":      (401,     403,        403,      403,     200,      200,  403),
    # Any reader may report, even anonymous or blocked: reporting writes no content.
    "report":       (201,     201,        201,      201,     201,      201,  201),
    "list_reports": (401,     403,        403,      403,     200,      200,  403),
    "close_report": (401,     403,        403,      403,     200,      200,  403),
}
# fmt: on
API_CASES = [
    pytest.param(action, role, expected[i], id=f"{action}-{role}")
    for action, expected in API_EXPECTED.items()
    for i, role in enumerate(ROLES)
]


@pytest.mark.parametrize(("action", "role", "expected"), API_CASES)
def test_api_moderation_action_is_allowed_or_refused_by_role(world, action, role, expected):
    ctx = setup(world, action)
    method, url, body = API_REQUESTS[action](ctx)

    response = api_call(world, role, method, url, body)

    assert response.status_code == expected, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/json"
    allowed = expected < 300
    if not allowed:
        error = response.get_json()
        assert error["error"] in ("authentication_required", "permission_denied")
        assert error["message"]
    if role == "blocked" and not allowed:
        assert BLOCK_REASON in response.get_json()["message"]
    if action == "list_reports":
        listed = response.get_json().get("reports", [])
        assert any(r["id"] == ctx["report"] for r in listed) is allowed
    else:
        assert took_effect(world, action, ctx) is allowed


# --- The web twins -------------------------------------------------------------------------

#: action → (setup, method, url, form)
WEB_REQUESTS = {
    "rollback": ("rollback", lambda c: ("POST", f"/wiki/{c['path']}/rollback", {})),
    "patrol": ("patrol", lambda c: ("POST", f"/revision/{c['rev']}/patrol", {})),
    "protect_form": ("protect", lambda c: ("GET", f"/wiki/{c['path']}/protect", None)),
    "protect": (
        "protect",
        lambda c: (
            "POST",
            f"/wiki/{c['path']}/protect",
            {"level": "moderator", "hours": "24", "reason": "Guerre d'édition"},
        ),
    ),
    "delete": ("delete", lambda c: ("POST", f"/wiki/{c['path']}/delete", {"reason": "Doublon"})),
    "restore": ("restore", lambda c: ("POST", f"/wiki/{c['path']}/restore", {"reason": ""})),
    "block": (
        "block",
        lambda c: ("POST", f"/user/{c['user']}/block", {"hours": "24", "reason": "Vandalisme"}),
    ),
    "unblock": ("unblock", lambda c: ("POST", f"/user/{c['user']}/unblock", {})),
    "rollback_all": (
        "rollback_all",
        lambda c: ("POST", f"/user/{c['user']}/rollback-all", {"hours": "1", "reason": "Spam"}),
    ),
    "reports_queue": ("list_reports", lambda c: ("GET", "/moderation/reports", None)),
    "close_report": (
        "close_report",
        lambda c: (
            "POST",
            "/moderation/reports",
            {"report_id": str(c["report"]), "status": "resolved"},
        ),
    ),
    "report": ("report", lambda c: ("POST", f"/wiki/{c['path']}/report", {"reason": c["reason"]})),
}

# fmt: off
#: Expected status per role. The web refuses an anonymous visitor with a 401 page (it does not
#: redirect to the login form) and an insufficient role or a blocked account with a 403 page.
WEB_EXPECTED = {
    #                anonymous contributor confirmed mediator moderator admin blocked
    "rollback":      (401,     403,        302,      302,     302,      302,  403),
    "patrol":        (401,     403,        302,      302,     302,      302,  403),
    "protect_form":  (401,     403,        403,      403,     200,      200,  403),
    "protect":       (401,     403,        403,      403,     302,      302,  403),
    "delete":        (401,     403,        403,      403,     302,      302,  403),
    "restore":       (401,     403,        403,      403,     302,      302,  403),
    "block":         (401,     403,        403,      403,     302,      302,  403),
    "unblock":       (401,     403,        403,      403,     302,      302,  403),
    "rollback_all":  (401,     403,        403,      403,     200,      200,  403),
    "reports_queue": (401,     403,        403,      403,     200,      200,  403),
    "close_report":  (401,     403,        403,      403,     302,      302,  403),
    "report":        (302,     302,        302,      302,     302,      302,  302),
}
# fmt: on
WEB_CASES = [
    pytest.param(action, role, expected[i], id=f"{action}-{role}")
    for action, expected in WEB_EXPECTED.items()
    for i, role in enumerate(ROLES)
]
#: Read-only pages: what they must show when allowed (and must not show when refused).
WEB_SHOWS = {
    "protect_form": lambda c: f"Modération de « {c['title']} »",
    "reports_queue": lambda c: c["reason"],
}
REFUSAL_TITLES = {401: "Connexion nécessaire", 403: "Action non permise"}


@pytest.mark.parametrize(("action", "role", "expected"), WEB_CASES)
def test_web_moderation_action_is_allowed_or_refused_by_role(world, action, role, expected):
    setup_name, request = WEB_REQUESTS[action]
    ctx = setup(world, setup_name)
    method, url, form = request(ctx)

    response = web_call(world, role, method, url, form)

    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == expected, page[:500]
    allowed = expected < 400
    if not allowed:
        assert REFUSAL_TITLES[expected] in page
    if role == "blocked" and not allowed:
        assert BLOCK_REASON in page
    if action in WEB_SHOWS:
        assert (WEB_SHOWS[action](ctx) in page) is allowed
    else:
        assert took_effect(world, setup_name, ctx) is allowed


# --- Protected pages and blocked accounts, through both fronts --------------------------------


@pytest.fixture(scope="module")
def protected(world):
    """A page that only moderators may edit."""
    title = "Hôtel de ville"
    with world.wiki.db.fresh_session() as s:
        revision = _page(s, title, ("Relecteur", "L'hôtel de ville de Brest.")).revision
        moderation.protect(s, _user(s, "Morgane"), title, "moderator", reason="Guerre d'édition")
    return SimpleNamespace(title=title, path=quote("Hôtel_de_ville"), revision=revision.id)


def current_text(world, title: str) -> str:
    with world.wiki.db.fresh_session() as s:
        return _latest_text(s, title)


@pytest.mark.parametrize("role", ["contributor", "confirmed"])
def test_page_protected_at_moderator_refuses_edits_through_the_api(world, protected, role):
    response = api_call(
        world,
        role,
        "PUT",
        f"{API}/pages/{protected.path}",
        {"markdown": "Autre texte.", "summary": "", "base_revision": protected.revision},
    )

    assert response.status_code == 403
    assert "seuls les modérateurs" in response.get_json()["message"]
    assert current_text(world, protected.title) == "L'hôtel de ville de Brest."


@pytest.mark.parametrize("role", ["contributor", "confirmed"])
def test_page_protected_at_moderator_refuses_edits_through_the_web(world, protected, role):
    person = browser(world, role)

    form = person.get(f"/wiki/{protected.path}/edit")
    saved = person.post(
        f"/wiki/{protected.path}/edit",
        {"text": "Autre texte.", "base_revision_id": str(protected.revision), "action": "save"},
        form_url="/login",
    )

    assert form.status_code == 403
    assert "seuls les modérateurs" in html.unescape(form.get_data(as_text=True))
    assert saved.status_code == 403
    page = html.unescape(saved.get_data(as_text=True))
    assert "seuls les modérateurs" in page
    assert "Autre texte." in page, "the refused text must stay in the editor"
    assert current_text(world, protected.title) == "L'hôtel de ville de Brest."


def test_page_protected_at_moderator_accepts_a_moderators_edit(world):
    title = "Préfecture maritime"
    with world.wiki.db.fresh_session() as s:
        base = _page(s, title, ("Relecteur", "La préfecture.")).revision.id
        moderation.protect(s, _user(s, "Adèle"), title, "moderator", reason="Vandalisme")

    response = api_call(
        world,
        "moderator",
        "PUT",
        f"{API}/pages/{quote('Préfecture_maritime')}",
        {"markdown": "La préfecture maritime.", "summary": "", "base_revision": base},
    )

    assert response.status_code == 200, response.get_json()
    assert current_text(world, title) == "La préfecture maritime."


@pytest.fixture(scope="module")
def plain_page(world):
    with world.wiki.db.fresh_session() as s:
        revision = _page(s, "Place de la Liberté", ("Relecteur", "La place.")).revision
    return SimpleNamespace(path=quote("Place_de_la_Liberté"), revision=revision.id)


def test_blocked_user_sees_the_block_reason_when_opening_the_editor(world, plain_page):
    response = browser(world, "blocked").get(f"/wiki/{plain_page.path}/edit")

    assert response.status_code == 403
    page = html.unescape(response.get_data(as_text=True))
    assert "Votre compte est bloqué jusqu'au" in page
    assert BLOCK_REASON in page


def test_blocked_user_sees_the_block_reason_when_saving_from_the_web(world, plain_page):
    response = browser(world, "blocked").post(
        f"/wiki/{plain_page.path}/edit",
        {"text": "N'importe quoi", "base_revision_id": str(plain_page.revision), "action": "save"},
        form_url="/login",
    )

    assert response.status_code == 403
    page = html.unescape(response.get_data(as_text=True))
    assert BLOCK_REASON in page
    assert "N'importe quoi" in page


def test_blocked_user_sees_the_block_reason_when_saving_through_the_api(world, plain_page):
    response = api_call(
        world,
        "blocked",
        "PUT",
        f"{API}/pages/{plain_page.path}",
        {"markdown": "N'importe quoi", "summary": "", "base_revision": plain_page.revision},
    )

    assert response.status_code == 403
    assert response.get_json()["error"] == "permission_denied"
    assert BLOCK_REASON in response.get_json()["message"]


def test_blocked_user_sees_the_block_on_their_own_user_page(world):
    response = browser(world, "blocked").get("/user/Bastien")

    page = html.unescape(response.get_data(as_text=True))
    assert "Ce compte est bloqué" in page
    assert BLOCK_REASON in page


def test_api_block_without_end_blocks_until_lifted(world):
    ctx = setup(world, "block")

    response = api_call(
        world,
        "moderator",
        "POST",
        f"{API}/users/{ctx['user']}/block",
        {"until": None, "reason": "Vandalisme"},
    )

    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.get_json()["blocked"] is True
    assert took_effect(world, "block", ctx)


def test_web_block_without_end_blocks_until_lifted(world):
    ctx = setup(world, "block")

    response = web_call(
        world, "moderator", "POST", f"/user/{ctx['user']}/block", {"hours": "", "reason": "Spam"}
    )

    assert response.status_code == 302
    with world.wiki.db.fresh_session() as s:
        assert _user(s, ctx["user"]).blocked_until.year == 9999


# --- A personal token names who acts, whatever session cookie comes along ----------------------


def test_api_acts_as_the_token_owner_not_as_the_logged_in_session_user(world):
    ctx = setup(world, "rollback")
    person = browser(world, "contributor")  # the browser holds Corentin's session cookie

    response = person.client.post(
        f"{API}/pages/{ctx['path']}/rollback",
        json={},
        headers={"Authorization": f"Bearer {world.tokens['confirmed']}"},
    )

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["revision"]["author"] == "Claire"


def test_api_request_with_a_token_never_borrows_the_rights_of_the_session_user(world):
    ctx = setup(world, "delete")
    person = browser(world, "moderator")  # the browser holds Morgane's session cookie

    response = person.client.delete(
        f"{API}/pages/{ctx['path']}",
        json={"reason": "Doublon"},
        headers={"Authorization": f"Bearer {world.tokens['contributor']}"},
    )

    assert response.status_code == 403, response.get_json()
    assert not took_effect(world, "delete", ctx)
