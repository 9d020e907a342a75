"""Roles beyond the automatic "confirmed" are given and taken back by admins, and logged."""

import pytest

from wikiterritoire.errors import InvalidInput, PermissionDenied
from wikiterritoire.services import accounts, events, moderation


@pytest.mark.parametrize("role", ["contributor", "confirmed", "mediator", "moderator"])
def test_only_admins_change_roles(session, make_user, role):
    actor = make_user("Acteur", role)
    target = make_user("Cible")
    with pytest.raises(PermissionDenied):
        moderation.set_role(session, actor, target.name, "moderator")
    assert accounts.get_user(session, "Cible").role == "contributor"


def test_an_admin_promotes_and_demotes_with_a_logged_reason(session, make_user):
    admin = make_user("Admin", "admin")
    make_user("Cible")
    moderation.set_role(session, admin, "Cible", "mediator", "anime les ateliers de la médiathèque")
    assert accounts.get_user(session, "Cible").role == "mediator"
    moderation.set_role(session, admin, "Cible", "contributor")
    assert accounts.get_user(session, "Cible").role == "contributor"
    texts = [entry.text for entry in events.recent(session)]
    assert texts[0] == "a donné à Cible le rôle de contributeur (auparavant médiateur)"
    assert "ateliers de la médiathèque" in texts[1] and "médiateur" in texts[1]


def test_unknown_role_and_own_role_are_refused(session, make_user):
    admin = make_user("Admin", "admin")
    make_user("Cible")
    with pytest.raises(InvalidInput, match="Rôle inconnu"):
        moderation.set_role(session, admin, "Cible", "reader")
    with pytest.raises(InvalidInput, match="propre rôle"):
        moderation.set_role(session, admin, "Admin", "contributor")
    assert accounts.get_user(session, "Admin").role == "admin"


def test_a_blocked_admin_cannot_change_roles(session, make_user):
    admin = make_user("Admin", "admin")
    other = make_user("Autre", "admin")
    make_user("Cible")
    moderation.block(session, other, "Admin", None, "compte compromis")
    with pytest.raises(PermissionDenied):
        moderation.set_role(session, admin, "Cible", "moderator")


def test_the_user_page_offers_the_role_form_to_admins_only(browser, make_user):
    make_user("Admin", "admin")
    make_user("Modo", "moderator")
    make_user("Cible")
    browser.login("Modo")
    assert 'name="role"' not in browser.get("/user/Cible").get_data(as_text=True)
    browser.client.post("/logout", data={"csrf_token": browser.csrf("/")})
    browser.login("Admin")
    assert 'name="role"' in browser.get("/user/Cible").get_data(as_text=True)
    response = browser.post(
        "/user/Cible/role", {"role": "moderator", "reason": "élue par la communauté"}, "/user/Cible"
    )
    assert response.status_code == 302
    page = browser.get("/user/Cible").get_data(as_text=True)
    assert "Modérateur" in page
    assert "élue par la communauté" in browser.get("/log").get_data(as_text=True)


def test_the_role_form_is_refused_to_a_moderator(browser, make_user):
    make_user("Modo", "moderator")
    make_user("Cible")
    browser.login("Modo")
    response = browser.post("/user/Cible/role", {"role": "admin"}, "/user/Cible")
    assert response.status_code == 403


def test_the_api_twin_changes_roles_with_the_same_checks(client, session, make_user):
    admin = make_user("Admin", "admin")
    modo = make_user("Modo", "moderator")
    make_user("Cible")
    admin_token = accounts.create_token(session, admin)
    modo_token = accounts.create_token(session, modo)
    refused = client.put(
        "/api/v1/users/Cible/role",
        json={"role": "admin"},
        headers={"Authorization": f"Bearer {modo_token}"},
    )
    assert refused.status_code == 403
    assert refused.get_json()["error"] == "permission_denied"
    done = client.put(
        "/api/v1/users/Cible/role",
        json={"role": "confirmed", "reason": "fidèle contributrice"},
        headers={"Authorization": f"Bearer {admin_token}"},
    )
    assert done.status_code == 200
    assert done.get_json()["role"] == "confirmed"
    bad = client.put(
        "/api/v1/users/Cible/role",
        json={"role": "roi"},
        headers={"Authorization": f"Bearer {admin_token}"},
    )
    assert bad.status_code == 400
