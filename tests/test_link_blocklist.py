"""The external-domain blocklist (issue 4): domains and their subdomains refused in added links,
removals always allowed, kept by moderators through the web and the API, on a real SQLite."""

import html
from datetime import timedelta

import pytest
from conftest import Browser
from sqlalchemy import func, select, update

from wikiterritoire.errors import Conflict, EditRefused, InvalidInput, NotFound, PermissionDenied
from wikiterritoire.models import BlockedDomain, Event, Page, Revision, User, utcnow
from wikiterritoire.services import accounts, linkfilter, moderation, pages
from wikiterritoire.titles import to_url

API = "/api/v1"


@pytest.fixture
def morgane(make_user):
    return make_user("Morgane", "moderator")


@pytest.fixture
def yann(session, make_user):
    """A confirmed contributor with a year of history: no rule or question is about him."""
    user = make_user("Yann", "confirmed")
    year_ago = utcnow() - timedelta(days=365)
    session.execute(update(User).where(User.id == user.id).values(created_at=year_ago))
    session.commit()
    for i in range(12):
        page = pages.find_page(session, "Brouillon de Yann")
        pages.save_edit(
            session,
            None,
            user,
            "Brouillon de Yann",
            f"Version {i}.",
            base_revision_id=page.latest_revision_id if page else None,
            when=year_ago,
        )
    return user


def bearer(session, user) -> dict:
    return {"Authorization": f"Bearer {accounts.create_token(session, user)}"}


def logged_in(app, name: str) -> Browser:
    person = Browser(app.test_client())
    assert person.login(name).status_code == 302
    return person


def save(session, user, title, text, **kw):
    page = pages.find_page(session, title)
    base = page.latest_revision_id if page else None
    return pages.save_edit(session, None, user, title, text, base_revision_id=base, **kw)


def revision_count(session, title: str) -> int:
    session.expire_all()
    page = session.scalar(select(Page).where(Page.title == title))
    if page is None:
        return 0
    return session.scalar(select(func.count()).where(Revision.page_id == page.id))


# --- Domains as moderators type them -------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("exemple.com", "exemple.com"),
        ("  Exemple.COM. ", "exemple.com"),
        ("www.exemple.com", "exemple.com"),
        ("*.exemple.com", "exemple.com"),
        ("promo.casino-brest.example", "promo.casino-brest.example"),
        ("bücher.de", "xn--bcher-kva.de"),
        ("xn--bcher-kva.de", "xn--bcher-kva.de"),
        ("BRÉST-casino.fr", "xn--brst-casino-cbb.fr"),
    ],
)
def test_domains_are_normalized(typed, stored):
    assert linkfilter.normalize_domain(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "https://exemple.com",
        "exemple.com/promo",
        "exemple.com:8080",
        "moi@exemple.com",
        "exemple",
        "exem ple.com",
        "-exemple.com",
        "exemple-.com",
        "exemple..com",
        "192.168.0.1",
        "a" * 64 + ".com",
        ("a" * 60 + ".") * 5 + "com",
        None,
        42,
    ],
)
def test_anything_but_a_bare_domain_is_refused_in_french(typed):
    with pytest.raises(InvalidInput) as caught:
        linkfilter.normalize_domain(typed)
    assert "domaine" in caught.value.message


# --- What the blocklist refuses ------------------------------------------------------------------


@pytest.fixture
def blocked(session, morgane):
    linkfilter.add_domain(session, morgane, "casino-brest.example", "Publicité pour un casino")
    linkfilter.add_domain(session, morgane, "bücher.de")


@pytest.mark.parametrize(
    "url",
    [
        "https://casino-brest.example",
        "http://casino-brest.example/jouer?x=1",
        "https://www.casino-brest.example/",
        "https://promo.jeux.casino-brest.example/a",
        "https://CASINO-BREST.EXAMPLE./",
        "https://user:pass@casino-brest.example:8443/",
        "https://casino-brest%2Eexample/",
        "https://bücher.de/angebote",
        "https://xn--bcher-kva.de/",
    ],
)
def test_links_to_a_blocked_domain_or_its_subdomains_are_refused(session, blocked, url):
    with pytest.raises(EditRefused) as caught:
        linkfilter.check(session, ["https://brest.fr", url])
    assert caught.value.details["domain"] in ("casino-brest.example", "xn--bcher-kva.de")
    assert caught.value.details["domain"] in caught.value.message


@pytest.mark.parametrize(
    "url",
    [
        "https://brest.fr",
        "https://notcasino-brest.example",
        "https://casino-brest.example.org/",
        "https://example/",
        "https://[2001:db8::1]/",
        "http://[invalid",
        "https://",
    ],
)
def test_other_links_pass(session, blocked, url):
    linkfilter.check(session, [url])


def test_the_refusal_names_the_domain_and_its_reason(session, blocked):
    with pytest.raises(EditRefused) as caught:
        linkfilter.check(session, ["https://www.casino-brest.example"])
    message = caught.value.message
    assert "« casino-brest.example »" in message and "Publicité pour un casino" in message
    assert caught.value.status == 403


def test_an_edit_adding_a_blocked_link_saves_nothing(session, blocked, yann):
    save(session, yann, "Rue de Siam", "La rue de Siam.")
    with pytest.raises(EditRefused):
        save(
            session,
            yann,
            "Rue de Siam",
            "La rue de Siam. [Jouez](https://promo.casino-brest.example)",
        )
    with pytest.raises(EditRefused):
        save(session, yann, "Casino", "Voir https://casino-brest.example")
    assert revision_count(session, "Rue de Siam") == 1
    assert revision_count(session, "Casino") == 0


def test_removing_or_keeping_an_existing_blocked_link_is_allowed(session, morgane, yann):
    spam = "La rue de Siam.\n\n[Jouez](https://casino-brest.example)"
    first = save(session, yann, "Rue de Siam", "La rue de Siam.").revision
    save(session, yann, "Rue de Siam", spam)  # before the domain was blocked
    linkfilter.add_domain(session, morgane, "casino-brest.example")

    # editing elsewhere on the page keeps the old link: nothing is added
    kept = save(session, yann, "Rue de Siam", spam + "\n\nUne rue animée.")
    assert kept.changed
    # reverting to the version before the spam removes the link
    reverted = pages.revert(session, None, yann, "Rue de Siam", first.id)
    assert reverted.revision.text == "La rue de Siam."
    # restoring the spam version would add it again
    spam_revision = kept.revision.parent_id
    with pytest.raises(EditRefused):
        pages.revert(session, None, yann, "Rue de Siam", spam_revision)


def test_rollback_of_a_spammer_is_allowed(session, morgane, yann, make_user):
    save(session, yann, "Rue de Siam", "La rue de Siam.")
    spammer = make_user("Spammeur")
    save(session, spammer, "Rue de Siam", "La rue de Siam. https://casino-brest.example")
    linkfilter.add_domain(session, morgane, "casino-brest.example")
    result = moderation.rollback(session, None, morgane, "Rue de Siam")
    assert result.revision.text == "La rue de Siam."


def test_the_editor_shows_the_refusal_and_keeps_the_text(app, session, blocked, yann):
    person = logged_in(app, "Yann")
    text = "Le port.\n\n[Jouez ici](https://www.casino-brest.example/bonus)"
    response = person.save("Port du Château", text)
    assert response.status_code == 403
    page = html.unescape(response.get_data(as_text=True))
    assert "« casino-brest.example »" in page
    assert text in page
    assert revision_count(session, "Port du Château") == 0


def test_the_api_refuses_a_blocked_link(client, session, blocked, yann):
    response = client.put(
        f"{API}/pages/{to_url('Port du Château')}",
        json={"markdown": "Voir https://casino-brest.example", "base_revision": None},
        headers=bearer(session, yann),
    )
    assert response.status_code == 403
    body = response.get_json()
    assert body["error"] == "edit_refused" and body["domain"] == "casino-brest.example"
    assert "casino-brest.example" in body["message"]


# --- Keeping the list: service -------------------------------------------------------------------


def test_add_list_remove_are_logged(session, morgane):
    item = linkfilter.add_domain(session, morgane, "WWW.Exemple.com", "  Spam   répété ")
    assert (item.domain, item.reason, item.created_by_id) == (
        "exemple.com",
        "Spam répété",
        morgane.id,
    )
    with pytest.raises(Conflict):
        linkfilter.add_domain(session, morgane, "exemple.com")
    [entry] = linkfilter.list_domains(session, morgane)
    assert (entry.item.domain, entry.created_by) == ("exemple.com", "Morgane")
    with pytest.raises(InvalidInput, match="500 caractères"):
        linkfilter.add_domain(session, morgane, "autre.com", "x" * 501)

    with pytest.raises(InvalidInput):
        linkfilter.remove_domain(session, morgane, "https://exemple.com")
    assert linkfilter.remove_domain(session, morgane, "www.exemple.com", "Erreur") == "exemple.com"
    assert linkfilter.list_domains(session, morgane) == []
    with pytest.raises(NotFound):
        linkfilter.remove_domain(session, morgane, "exemple.com")
    linkfilter.check(session, ["https://exemple.com"])
    events = list(
        session.scalars(select(Event).where(Event.type.like("domain_%")).order_by(Event.id))
    )
    assert [(e.type, e.data["domain"], e.data["reason"]) for e in events] == [
        ("domain_blocked", "exemple.com", "Spam répété"),
        ("domain_unblocked", "exemple.com", "Erreur"),
    ]
    assert events[1].data["blocked_reason"] == "Spam répété"


@pytest.mark.parametrize("role", ["contributor", "confirmed", "mediator"])
def test_only_moderators_keep_the_list(session, make_user, morgane, role):
    user = make_user("Quelquun", role)
    linkfilter.add_domain(session, morgane, "exemple.com")
    for call in (
        lambda: linkfilter.add_domain(session, user, "autre.com"),
        lambda: linkfilter.remove_domain(session, user, "exemple.com"),
        lambda: linkfilter.list_domains(session, user),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert session.scalar(select(func.count()).select_from(BlockedDomain)) == 1


# --- Keeping the list: web pages -----------------------------------------------------------------


def test_moderator_blocks_and_unblocks_on_the_web(app, session, morgane):
    person = logged_in(app, "Morgane")
    assert person.get("/moderation/blocked-domains").status_code == 200
    response = person.post(
        "/moderation/blocked-domains", {"domain": "www.Exemple.com", "reason": "Spam"}
    )
    assert response.status_code == 302
    page = html.unescape(person.get("/moderation/blocked-domains").get_data(as_text=True))
    assert "exemple.com" in page and "Spam" in page and ">Morgane</a>" in page

    response = person.post(
        "/moderation/blocked-domains/remove",
        {"domain": "exemple.com"},
        form_url="/moderation/blocked-domains",
    )
    assert response.status_code == 302
    assert session.scalar(select(func.count()).select_from(BlockedDomain)) == 0
    log = html.unescape(app.test_client().get("/log").get_data(as_text=True))
    assert "a interdit les liens vers le site exemple.com (motif : Spam)" in log
    assert "a de nouveau autorisé les liens vers le site exemple.com" in log


def test_web_errors_keep_the_input(app, session, morgane):
    person = logged_in(app, "Morgane")
    response = person.post(
        "/moderation/blocked-domains", {"domain": "https://exemple.com/x", "reason": "Mon motif"}
    )
    assert response.status_code == 400
    page = html.unescape(response.get_data(as_text=True))
    assert "sans « http:// »" in page
    assert 'value="https://exemple.com/x"' in page and 'value="Mon motif"' in page
    person.post("/moderation/blocked-domains", {"domain": "exemple.com"})
    response = person.post("/moderation/blocked-domains", {"domain": "exemple.com"})
    assert response.status_code == 409
    assert "déjà bloqué" in html.unescape(response.get_data(as_text=True))


def test_domain_and_reason_are_rendered_inert(app, session, morgane):
    linkfilter.add_domain(session, morgane, "exemple.com", '<script>alert("x")</script>')
    page = logged_in(app, "Morgane").get("/moderation/blocked-domains").get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;" in page


@pytest.mark.parametrize("role", ["contributor", "confirmed"])
def test_web_blocklist_is_for_moderators(app, session, make_user, morgane, role):
    make_user("Quelquun", role)
    linkfilter.add_domain(session, morgane, "exemple.com")
    person = logged_in(app, "Quelquun")
    assert person.get("/moderation/blocked-domains").status_code == 403
    response = person.post(
        "/moderation/blocked-domains", {"domain": "autre.com"}, form_url="/login"
    )
    assert response.status_code == 403
    response = person.post(
        "/moderation/blocked-domains/remove", {"domain": "exemple.com"}, form_url="/login"
    )
    assert response.status_code == 403
    session.expire_all()
    assert [d.domain for d in session.scalars(select(BlockedDomain))] == ["exemple.com"]
    hub = person.get("/moderation").get_data(as_text=True)
    assert "/moderation/blocked-domains" not in hub


def test_web_blocklist_form_needs_the_csrf_token(app, morgane):
    person = logged_in(app, "Morgane")
    response = person.client.post("/moderation/blocked-domains", data={"domain": "exemple.com"})
    assert response.status_code == 400


# --- Keeping the list: API -----------------------------------------------------------------------


def test_api_keeps_the_list(client, session, morgane):
    auth = bearer(session, morgane)
    response = client.post(
        f"{API}/blocked-domains",
        json={"domain": "Promo.Exemple.com", "reason": "Spam"},
        headers=auth,
    )
    assert response.status_code == 201
    created = response.get_json()
    assert created["domain"] == "promo.exemple.com" and created["created_by"] == "Morgane"
    assert created["reason"] == "Spam" and created["created_at"]

    listing = client.get(f"{API}/blocked-domains", headers=auth).get_json()
    assert [d["domain"] for d in listing["domains"]] == ["promo.exemple.com"]

    response = client.post(
        f"{API}/blocked-domains", json={"domain": "promo.exemple.com"}, headers=auth
    )
    assert response.status_code == 409 and response.get_json()["error"] == "conflict"
    response = client.post(
        f"{API}/blocked-domains", json={"domain": "pas un domaine"}, headers=auth
    )
    assert response.status_code == 400 and "domaine" in response.get_json()["message"]
    response = client.post(f"{API}/blocked-domains", json={"reason": "x"}, headers=auth)
    assert response.status_code == 400

    response = client.delete(f"{API}/blocked-domains/promo.exemple.com", headers=auth)
    assert response.status_code == 200
    assert response.get_json() == {"domain": "promo.exemple.com", "blocked": False}
    response = client.delete(f"{API}/blocked-domains/promo.exemple.com", headers=auth)
    assert response.status_code == 404 and response.get_json()["error"] == "not_found"


@pytest.mark.parametrize("role", ["contributor", "confirmed", "mediator"])
def test_api_blocklist_is_for_moderators(client, session, make_user, morgane, role):
    auth = bearer(session, make_user("Quelquun", role))
    linkfilter.add_domain(session, morgane, "exemple.com")
    assert client.get(f"{API}/blocked-domains", headers=auth).status_code == 403
    body = {"domain": "autre.com"}
    assert client.post(f"{API}/blocked-domains", json=body, headers=auth).status_code == 403
    assert client.delete(f"{API}/blocked-domains/exemple.com", headers=auth).status_code == 403
    assert client.get(f"{API}/blocked-domains").status_code == 401
    assert client.post(f"{API}/blocked-domains", json=body).status_code == 401
    assert client.delete(f"{API}/blocked-domains/exemple.com").status_code == 401
    session.expire_all()
    assert [d.domain for d in session.scalars(select(BlockedDomain))] == ["exemple.com"]
