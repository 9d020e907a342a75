"""Blocks of addresses and networks for registration: moderators add and lift them (web and
API), the person refused sees the reason and the end, the public log never shows the address."""

import html
from datetime import timedelta

import pytest
from conftest import Browser
from sqlalchemy import func, select

from wikiterritoire.models import IpBlock, utcnow
from wikiterritoire.services import accounts, ipblocks

API = "/api/v1"
REASON = "Création de comptes publicitaires en série"


def person_at(app, ip: str) -> Browser:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = ip
    return Browser(client)


def bearer(session, user) -> dict:
    return {"Authorization": f"Bearer {accounts.create_token(session, user)}"}


@pytest.fixture
def moderator(make_user):
    return make_user("Morgane", "moderator")


@pytest.fixture
def mod_headers(session, moderator):
    return bearer(session, moderator)


def test_a_blocked_address_may_not_register_and_sees_why_and_until_when(
    app, client, session, mod_headers
):
    until = (utcnow() + timedelta(days=7)).replace(microsecond=0)
    created = client.post(
        f"{API}/ip-blocks",
        json={"network": "192.0.2.15", "until": until.isoformat(), "reason": REASON},
        headers=mod_headers,
    )
    assert created.status_code == 201
    assert created.get_json()["network"] == "192.0.2.15" and created.get_json()["active"]

    refused = person_at(app, "192.0.2.15").register("Spammeur")

    assert refused.status_code == 403
    page = html.unescape(refused.get_data(as_text=True))
    assert REASON in page
    assert f"{until:%d/%m/%Y à %H:%M}" in page
    assert 'value="Spammeur"' in page
    assert accounts.find_user(session, "Spammeur") is None
    assert person_at(app, "192.0.2.16").register("Voisine").status_code == 302


def test_a_cidr_network_blocks_every_address_in_it(app, client, session, mod_headers):
    for network in ("203.0.113.0/24", "2001:db8:aa::/48"):
        body = {"network": network, "reason": REASON}
        assert client.post(f"{API}/ip-blocks", json=body, headers=mod_headers).status_code == 201

    for inside in ("203.0.113.1", "203.0.113.254", "2001:db8:aa:5::9", "::ffff:203.0.113.7"):
        assert person_at(app, inside).register("Spammeur").status_code == 403, inside
    for n, outside in enumerate(("203.0.114.1", "2001:db8:ab::1")):
        assert person_at(app, outside).register(f"Voisin {n}").status_code == 302, outside


def test_a_block_ends_on_its_own(app, session, moderator):
    block = ipblocks.block(
        session, moderator, "192.0.2.0/28", utcnow() + timedelta(hours=1), REASON
    )
    assert person_at(app, "192.0.2.3").register("Lucie").status_code == 403

    block.until = utcnow() - timedelta(seconds=1)
    session.commit()

    assert person_at(app, "192.0.2.3").register("Lucie").status_code == 302


def test_a_block_without_end_lasts_until_lifted(app, client, session, mod_headers):
    created = client.post(f"{API}/ip-blocks", json={"network": "192.0.2.99"}, headers=mod_headers)
    assert created.get_json()["until"] is None
    refused = person_at(app, "192.0.2.99").register("Lucie")
    assert "jusqu'à nouvel ordre" in html.unescape(refused.get_data(as_text=True))

    block_id = created.get_json()["id"]
    lifted = client.delete(f"{API}/ip-blocks/{block_id}", headers=mod_headers)
    assert lifted.status_code == 200 and lifted.get_json()["deleted"] is True
    assert person_at(app, "192.0.2.99").register("Lucie").status_code == 302
    assert client.delete(f"{API}/ip-blocks/{block_id}", headers=mod_headers).status_code == 404


def test_blocking_again_replaces_the_end_and_the_reason(client, session, mod_headers):
    first = {"network": "192.0.2.7", "reason": "Spam"}
    client.post(f"{API}/ip-blocks", json=first, headers=mod_headers)
    again = {"network": "192.0.2.7/32", "reason": REASON}
    assert client.post(f"{API}/ip-blocks", json=again, headers=mod_headers).status_code == 201

    blocks = client.get(f"{API}/ip-blocks", headers=mod_headers).get_json()["blocks"]
    assert [(b["network"], b["reason"]) for b in blocks] == [("192.0.2.7", REASON)]


@pytest.mark.parametrize(
    "body",
    [
        {"network": "pas une adresse"},
        {"network": "192.0.2.300"},
        {"network": "10.0.0.0/8"},
        {"network": "2001:db8::/16"},
        {"network": "192.0.2.1", "until": "2001-01-01T00:00:00Z"},
        {"network": "192.0.2.1", "until": "demain"},
        {"network": 42},
        {},
    ],
)
def test_bad_blocks_are_refused_with_400(client, mod_headers, body):
    response = client.post(f"{API}/ip-blocks", json=body, headers=mod_headers)
    assert response.status_code == 400
    assert response.get_json()["message"]


def test_existing_accounts_still_log_in_from_a_blocked_address(app, session, moderator, make_user):
    make_user("Lucie")
    ipblocks.block(session, moderator, "192.0.2.0/24", None, REASON)
    assert person_at(app, "192.0.2.8").login("Lucie").status_code == 302


def test_moderators_block_and_lift_on_the_web_without_javascript(app, session, moderator):
    person = Browser(app.test_client())
    person.login("Morgane")
    page = person.get("/moderation/ip-blocks")
    assert page.status_code == 200
    assert '<select id="hours" name="hours">' in page.get_data(as_text=True)

    added = person.post(
        "/moderation/ip-blocks", {"network": "198.51.100.0/24", "hours": "24", "reason": REASON}
    )
    assert added.status_code == 302
    block = session.scalar(select(IpBlock))
    assert block.network == "198.51.100.0/24"
    assert timedelta(hours=23) < block.until - utcnow() <= timedelta(hours=24)
    listing = html.unescape(person.get("/moderation/ip-blocks").get_data(as_text=True))
    assert "198.51.100.0/24" in listing and REASON in listing

    wrong = person.post("/moderation/ip-blocks", {"network": "n'importe quoi", "hours": ""})
    assert wrong.status_code == 400
    assert "n'importe quoi" in html.unescape(wrong.get_data(as_text=True))

    lifted = person.post(
        f"/moderation/ip-blocks/{block.id}/delete", {}, form_url="/moderation/ip-blocks"
    )
    assert lifted.status_code == 302
    assert session.scalar(select(func.count()).select_from(IpBlock)) == 0


def test_the_public_log_tells_of_blocks_but_never_shows_the_address(
    app, client, session, moderator
):
    block = ipblocks.block(session, moderator, "192.0.2.123", None, REASON)
    ipblocks.unblock(session, moderator, block.id)

    log = html.unescape(client.get("/log").get_data(as_text=True))

    assert "a bloqué les inscriptions depuis une adresse" in log
    assert f"a levé le blocage d'adresse n° {block.id}" in log
    assert REASON in log
    assert "192.0.2.123" not in log


def test_the_moderation_desk_links_to_the_guard_pages(browser, moderator):
    browser.login("Morgane")
    page = browser.get("/moderation").get_data(as_text=True)
    assert 'href="/moderation/ip-blocks"' in page
    assert 'href="/moderation/questions"' in page


@pytest.mark.parametrize("role", ["contributor", "confirmed", "mediator"])
def test_only_moderators_may_see_add_or_lift_blocks(app, session, make_user, moderator, role):
    block = ipblocks.block(session, moderator, "192.0.2.200", None, REASON)
    make_user("Personne", role)
    headers = bearer(session, accounts.get_user(session, "Personne"))
    client = app.test_client()

    assert client.get(f"{API}/ip-blocks", headers=headers).status_code == 403
    body = {"network": "192.0.2.201"}
    assert client.post(f"{API}/ip-blocks", json=body, headers=headers).status_code == 403
    assert client.delete(f"{API}/ip-blocks/{block.id}", headers=headers).status_code == 403

    person = Browser(app.test_client())
    person.login("Personne")
    assert person.get("/moderation/ip-blocks").status_code == 403
    form = {"network": "192.0.2.201", "hours": ""}
    assert person.post("/moderation/ip-blocks", form, form_url="/login").status_code == 403
    delete = person.post(f"/moderation/ip-blocks/{block.id}/delete", {}, form_url="/login")
    assert delete.status_code == 403

    session.expire_all()
    assert [b.network for b in session.scalars(select(IpBlock))] == ["192.0.2.200"]


def test_anonymous_visitors_may_not_see_the_blocks(client):
    assert client.get(f"{API}/ip-blocks").status_code == 401
    assert client.get("/moderation/ip-blocks").status_code == 401
    assert client.post(f"{API}/ip-blocks", json={"network": "192.0.2.1"}).status_code == 401


@pytest.mark.parametrize("role", ["moderator", "admin"])
def test_moderators_and_admins_may_manage_blocks(app, session, make_user, role):
    headers = bearer(session, make_user("Chef", role))
    client = app.test_client()
    created = client.post(f"{API}/ip-blocks", json={"network": "192.0.2.5"}, headers=headers)
    assert created.status_code == 201
    assert client.get(f"{API}/ip-blocks", headers=headers).status_code == 200
    block_id = created.get_json()["id"]
    assert client.delete(f"{API}/ip-blocks/{block_id}", headers=headers).status_code == 200
