"""Rate limits: edits, page creations, registrations and failed logins, per account and per
address, kept in the database so that they hold across processes and restarts."""

import re
from datetime import timedelta

import pytest
from conftest import PASSWORD, Browser, build_app
from sqlalchemy import func, select

from wikiterritoire.errors import RateLimited
from wikiterritoire.models import RateEvent, Revision
from wikiterritoire.services import accounts, pages, ratelimit

API = "/api/v1"


def client_from(app, ip: str):
    """A test client whose requests come from `ip` (Flask's REMOTE_ADDR)."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = ip
    return client


def bearer(session, user) -> dict:
    return {"Authorization": f"Bearer {accounts.create_token(session, user)}"}


@pytest.fixture
def twenty_pages(session, search, make_user):
    """Twenty pages written last month by a confirmed contributor."""
    anne = make_user("Anne", "confirmed")
    titles = [f"Rue numéro {i}" for i in range(20)]
    for title in titles:
        pages.save_edit(session, search, anne, title, f"# {title}\n\nUne rue de Brest.")
    return titles


def vandalize(client, headers, title: str, text: str = "BANDE DE NULS"):
    base = client.get(f"{API}/pages/{title}").get_json()["revision_id"]
    return client.put(
        f"{API}/pages/{title}", json={"markdown": text, "base_revision": base}, headers=headers
    )


def create(client, headers, title: str):
    return client.put(
        f"{API}/pages/{title}", json={"markdown": "Texte.", "base_revision": None}, headers=headers
    )


def count_revisions(session, user) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).where(Revision.author_id == user.id))


def age_events(session, seconds: int) -> None:
    """Move every counted action `seconds` into the past, as if the time had gone by."""
    for event in session.scalars(select(RateEvent)):
        event.created_at -= timedelta(seconds=seconds)
    session.commit()


# --- Edits -------------------------------------------------------------------------------------


def test_a_new_account_saving_twenty_pages_in_a_minute_is_stopped_part_way(
    client, session, make_user, twenty_pages
):
    vandal = make_user("Vandale")
    headers = bearer(session, vandal)

    statuses = [vandalize(client, headers, title).status_code for title in twenty_pages]

    assert statuses[:10] == [200] * 10
    assert set(statuses[10:]) == {429}
    assert count_revisions(session, vandal) == 10
    refused = vandalize(client, headers, twenty_pages[-1])
    body = refused.get_json()
    assert body["error"] == "rate_limited"
    assert "attendez" in body["message"] and "modifications" in body["message"]
    assert 0 < body["retry_after"] <= 60
    assert refused.headers["Retry-After"] == str(body["retry_after"])


def test_refused_attempts_do_not_count_so_waiting_retry_after_is_enough(
    client, session, make_user, twenty_pages
):
    vandal = make_user("Vandale")
    headers = bearer(session, vandal)
    for title in twenty_pages[:10]:
        assert vandalize(client, headers, title).status_code == 200
    for _ in range(5):
        retry_after = vandalize(client, headers, twenty_pages[10]).get_json()["retry_after"]

    age_events(session, retry_after)

    assert vandalize(client, headers, twenty_pages[10]).status_code == 200


def test_bad_input_and_conflicts_do_not_count(client, session, make_user, twenty_pages):
    lucie = make_user("Lucie")
    headers = bearer(session, lucie)
    title = twenty_pages[0]
    for _ in range(12):
        bad = client.put(f"{API}/pages/{title}", json={"markdown": 3}, headers=headers)
        assert bad.status_code == 400
        stale = client.put(
            f"{API}/pages/{title}", json={"markdown": "x", "base_revision": 10**6}, headers=headers
        )
        assert stale.status_code == 409

    assert vandalize(client, headers, title, "Une rue, enfin corrigée.").status_code == 200


def test_limits_hold_across_two_app_instances_and_a_restart(
    app, data_dir, session, make_user, twenty_pages
):
    vandal = make_user("Vandale")
    headers = bearer(session, vandal)
    other = build_app(data_dir)
    try:
        clients = [app.test_client(), other.test_client()]
        statuses = [
            vandalize(clients[i % 2], headers, title).status_code
            for i, title in enumerate(twenty_pages[:12])
        ]
        assert statuses == [200] * 10 + [429, 429]
    finally:
        other.extensions["wiki"].db.dispose()

    restarted = build_app(data_dir)
    try:
        assert vandalize(restarted.test_client(), headers, twenty_pages[15]).status_code == 429
    finally:
        restarted.extensions["wiki"].db.dispose()
    assert count_revisions(session, vandal) == 10


def test_page_creations_have_their_own_tighter_limit(client, session, make_user, twenty_pages):
    lucie = make_user("Lucie")
    headers = bearer(session, lucie)

    created = [create(client, headers, f"Nouvelle page {i}") for i in range(6)]

    assert [r.status_code for r in created] == [201] * 5 + [429]
    assert "pages" in created[-1].get_json()["message"]
    assert created[-1].get_json()["retry_after"] > 60
    # Editing existing pages is still allowed: five edits so far, the limit is ten.
    assert vandalize(client, headers, twenty_pages[0], "Complété.").status_code == 200


def test_per_address_limit_counts_new_accounts_together(app, session, make_user, twenty_pages):
    app.config["RATE_LIMITS"] = {"edit": {"ip": [(3, 60)]}}
    first, second = make_user("Lucie"), make_user("Malo")
    library = client_from(app, "192.0.2.10")

    assert vandalize(library, bearer(session, first), twenty_pages[0]).status_code == 200
    assert vandalize(library, bearer(session, first), twenty_pages[1]).status_code == 200
    assert vandalize(library, bearer(session, second), twenty_pages[2]).status_code == 200
    assert vandalize(library, bearer(session, second), twenty_pages[3]).status_code == 429
    at_home = client_from(app, "198.51.100.7")
    assert vandalize(at_home, bearer(session, second), twenty_pages[3]).status_code == 200


def test_per_account_limit_follows_the_account_across_addresses(
    app, session, make_user, twenty_pages
):
    app.config["RATE_LIMITS"] = {"edit": {"contributor": [(2, 60)], "ip": None}}
    headers = bearer(session, make_user("Lucie"))

    assert vandalize(client_from(app, "192.0.2.1"), headers, twenty_pages[0]).status_code == 200
    assert vandalize(client_from(app, "192.0.2.2"), headers, twenty_pages[1]).status_code == 200
    assert vandalize(client_from(app, "192.0.2.3"), headers, twenty_pages[2]).status_code == 429
    other = bearer(session, make_user("Malo"))
    assert vandalize(client_from(app, "192.0.2.3"), other, twenty_pages[2]).status_code == 200


def test_ipv6_addresses_count_per_64_network(app, session, make_user, twenty_pages):
    app.config["RATE_LIMITS"] = {"edit": {"ip": [(2, 60)], "contributor": None}}
    headers = bearer(session, make_user("Lucie"))
    addresses = ["2001:db8:1:1::1", "2001:db8:1:1::2", "2001:db8:1:1::3", "2001:db8:1:2::1"]

    statuses = [
        vandalize(client_from(app, address), headers, title).status_code
        for address, title in zip(addresses, twenty_pages, strict=False)
    ]

    assert statuses == [200, 200, 429, 200]


def test_confirmed_contributors_have_generous_limits(app, client, session, make_user, twenty_pages):
    headers = bearer(session, make_user("Claire", "confirmed"))
    for title in twenty_pages[:15]:
        assert vandalize(client, headers, title, f"{title}, relu par Claire.").status_code == 200

    app.config["RATE_LIMITS"] = {"edit": {"confirmed": [(16, 60)]}}
    assert vandalize(client, headers, twenty_pages[15], "Relu.").status_code == 200
    assert vandalize(client, headers, twenty_pages[16], "Relu.").status_code == 429


@pytest.mark.parametrize("role", ["moderator", "admin"])
def test_moderators_and_admins_are_never_limited(app, client, session, make_user, role):
    app.config["RATE_LIMITS"] = {
        "edit": {"contributor": [(1, 60)], "confirmed": [(1, 60)], "ip": [(1, 60)]},
        "create": {"contributor": [(1, 60)], "confirmed": [(1, 60)], "ip": [(1, 60)]},
    }
    headers = bearer(session, make_user("Morgane", role))
    for i in range(4):
        assert create(client, headers, f"Page {i}").status_code == 201
    assert session.scalar(select(func.count()).select_from(RateEvent)) == 0


def test_reverts_count_as_edits_in_the_api_and_the_web(app, client, session, make_user, search):
    app.config["RATE_LIMITS"] = {"edit": {"contributor": [(2, 60)]}}
    lucie = make_user("Lucie")
    first = pages.save_edit(session, search, lucie, "Quai", "Première version.").revision
    pages.save_edit(session, search, lucie, "Quai", "Deuxième.", base_revision_id=first.id)
    headers = bearer(session, lucie)
    revert = {"revision_id": first.id}

    assert client.post(f"{API}/pages/Quai/revert", json=revert, headers=headers).status_code == 200
    person = Browser(app.test_client())
    person.login("Lucie")
    assert person.post("/wiki/Quai/revert", {"revision_id": str(first.id)}).status_code == 302
    refused = person.post("/wiki/Quai/revert", {"revision_id": str(first.id)})
    assert refused.status_code == 429
    assert "Retry-After" in refused.headers
    assert "attendez" in refused.get_data(as_text=True)
    api_refused = client.post(f"{API}/pages/Quai/revert", json=revert, headers=headers)
    assert api_refused.status_code == 429


def test_the_web_editor_keeps_the_text_when_rate_limited(app, browser, make_user):
    app.config["RATE_LIMITS"] = {"edit": {"contributor": [(1, 60)]}}
    make_user("Lucie")
    browser.login("Lucie")
    assert browser.save("Quai", "Première version.").status_code == 302
    text = "Mon souvenir du quai, écrit avec soin & sans rien perdre."

    response = browser.save("Quai", text, summary="Souvenir", base=_latest_id(app, "Quai"))

    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 60
    page = response.get_data(as_text=True)
    assert "Mon souvenir du quai, écrit avec soin &amp; sans rien perdre.</textarea>" in page
    assert 'value="Souvenir"' in page
    assert "attendez" in page and 'role="alert"' in page


def _latest_id(app, title: str) -> int:
    with app.extensions["wiki"].db.fresh_session() as s:
        return pages.get_page(s, title).latest_revision_id


def test_limits_are_read_from_the_table_and_can_be_lifted_per_action(
    app, client, session, make_user
):
    app.config["RATE_LIMITS"] = {"create": None}
    headers = bearer(session, make_user("Lucie"))
    for i in range(7):
        assert create(client, headers, f"Page {i}").status_code == 201
    assert ratelimit.effective_limits({"create": None})["create"] == {}
    assert ratelimit.effective_limits(None)["edit"]["contributor"] == [(10, 60), (100, 3600)]


# --- Registrations -----------------------------------------------------------------------------


def test_registrations_are_limited_per_address(app):
    def person():
        return Browser(client_from(app, "192.0.2.50"))

    statuses = [person().register(f"Participant {i}").status_code for i in range(11)]

    assert statuses == [302] * 10 + [429]
    refused = person().register("Participant 99")
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert "depuis votre adresse" in page
    assert 'value="Participant 99"' in page
    assert Browser(client_from(app, "198.51.100.1")).register("Voisine").status_code == 302


def test_bad_registration_forms_do_not_count(app):
    app.config["RATE_LIMITS"] = {"register": {"ip": [(1, 3600)]}}
    person = Browser(client_from(app, "192.0.2.60"))
    for _ in range(3):
        wrong = person.post(
            "/register",
            {
                "name": "Lucie",
                "password": PASSWORD,
                "password_confirm": "autre-chose",
                "accept_charter": "yes",
            },
        )
        assert wrong.status_code == 400
    assert person.register("Lucie").status_code == 302


# --- Failed logins -----------------------------------------------------------------------------


def _login_page_text(response) -> str:
    """The page without what differs by nature: the CSRF token, the name typed, the seconds."""
    page = response.get_data(as_text=True)
    page = re.sub(r'name="csrf_token" value="[^"]+"', "", page).replace("Personne", "Lucie")
    return re.sub(r"\d+ (secondes?|minutes?)", "N", page)


def test_failed_logins_are_throttled_without_revealing_whether_the_account_exists(app, make_user):
    make_user("Lucie")
    attacker = Browser(client_from(app, "192.0.2.66"))
    for _ in range(10):
        assert attacker.login("Lucie", "mauvais-mot-de-passe").status_code == 401
        assert attacker.login("Personne", "mauvais-mot-de-passe").status_code == 401

    existing = attacker.login("Lucie", "mauvais-mot-de-passe")
    missing = attacker.login("Personne", "mauvais-mot-de-passe")

    assert existing.status_code == missing.status_code == 429
    waits = int(existing.headers["Retry-After"]), int(missing.headers["Retry-After"])
    assert abs(waits[0] - waits[1]) <= 1
    assert _login_page_text(existing) == _login_page_text(missing)
    assert "tentatives de connexion" in existing.get_data(as_text=True)
    # Even the right password waits: the limit is on the name, not on the guess.
    assert attacker.login("Lucie", PASSWORD).status_code == 429


def test_failed_logins_are_limited_per_address_across_names(app, make_user):
    app.config["RATE_LIMITS"] = {"failed-login": {"ip": [(3, 900)], "name": None}}
    make_user("Lucie")
    attacker = Browser(client_from(app, "192.0.2.77"))
    for name in ("Anne", "Bernard", "Corentin"):
        assert attacker.login(name, "123456789").status_code == 401

    assert attacker.login("Lucie", PASSWORD).status_code == 429
    assert Browser(client_from(app, "198.51.100.2")).login("Lucie").status_code == 302


def test_successful_logins_do_not_count(app, session, make_user):
    app.config["RATE_LIMITS"] = {"failed-login": {"name": [(2, 900)], "ip": [(2, 900)]}}
    make_user("Lucie")
    for _ in range(5):
        assert Browser(client_from(app, "192.0.2.88")).login("Lucie").status_code == 302
    assert session.scalar(select(func.count()).select_from(RateEvent)) == 0
    person = Browser(client_from(app, "192.0.2.88"))
    assert person.login("Lucie", "faute-de-frappe").status_code == 401
    assert person.login("Lucie").status_code == 302


# --- The service -------------------------------------------------------------------------------


def test_check_counts_per_key_and_prune_forgets_old_events(session, make_user):
    lucie = make_user("Lucie")
    limits = {"upload": {"contributor": [(2, 600)], "ip": [(5, 600)]}}
    ratelimit.check(session, "upload", lucie, "192.0.2.1", limits=limits)
    ratelimit.check(session, "upload", lucie, "192.0.2.1", limits=limits)
    with pytest.raises(RateLimited) as refused:
        ratelimit.check(session, "upload", lucie, "192.0.2.1", limits=limits)
    assert "fichiers" in refused.value.message
    keys = set(session.scalars(select(RateEvent.key)))
    assert keys == {f"user:{lucie.id}", "ip:192.0.2.1"}

    age_events(session, 2 * 86400)
    assert ratelimit.prune(session) == 4
    ratelimit.check(session, "upload", lucie, "192.0.2.1", limits=limits)


def test_waits_are_told_in_french():
    assert ratelimit.in_words(1) == "1 seconde"
    assert ratelimit.in_words(45) == "45 secondes"
    assert ratelimit.in_words(61) == "2 minutes"
    assert ratelimit.in_words(3600) == "1 heure"
    assert ratelimit.in_words(3900) == "1 heure et 5 minutes"


def test_events_older_than_the_window_no_longer_count(session, make_user):
    lucie = make_user("Lucie")
    limits = {"edit": {"contributor": [(1, 60)]}}
    ratelimit.check(session, "edit", lucie, None, limits=limits)
    with pytest.raises(RateLimited):
        ratelimit.ensure_allowed(session, "edit", lucie, None, limits=limits)
    age_events(session, 61)
    ratelimit.ensure_allowed(session, "edit", lucie, None, limits=limits)
