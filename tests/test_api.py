"""The JSON API of DESIGN §3, driven through the Flask test client on a real SQLite + Whoosh."""

import json
import re
from types import SimpleNamespace

import pytest
from conftest import FAST_HASH, PASSWORD, build_app, new_data_dir

from wikiterritoire.services import accounts, pages, portals

API = "/api/v1"
#: A French message: an accented letter or a common French word, and no common English one.
_FRENCH = re.compile(
    r"[àâçéèêëîïôûùüÿœ]|\b(le|la|les|de|des|du|un|une|doit|est|pas|ce|cette|inconnue?|n'|d'|l')\b",
    re.I,
)
_ENGLISH = re.compile(r"\b(the|is|not|invalid|unknown|must|found|request|error)\b", re.I)


def assert_json_error(response, status: int) -> dict:
    """A JSON `{error, message}` body with the given status and a French message."""
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert isinstance(body, dict)
    assert isinstance(body.get("error"), str) and body["error"]
    assert isinstance(body.get("message"), str) and body["message"]
    message = body["message"]
    assert _FRENCH.search(message) and not _ENGLISH.search(message), f"not French: {message!r}"
    return body


@pytest.fixture
def lucie(make_user):
    return make_user("Lucie")


@pytest.fixture
def token(session, lucie):
    return accounts.create_token(session, lucie)


@pytest.fixture
def auth(token):
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def some_portals(session):
    return [
        portals.create_portal(session, "histoire", "Histoire", "Le passé du territoire."),
        portals.create_portal(session, "mer-et-port", "Mer et port", "La vie maritime."),
    ]


@pytest.fixture(scope="module")
def shared(tmp_path_factory, migrated_db):
    """One wiki for the many bad-input checks, which must leave it unchanged anyway."""
    app = build_app(new_data_dir(tmp_path_factory.mktemp("shared"), migrated_db))
    wiki = app.extensions["wiki"]
    with wiki.db.fresh_session() as session:
        user = accounts.create_user(session, "Lucie", PASSWORD, hash_method=FAST_HASH)
        portals.create_portal(session, "histoire", "Histoire")
        pages.save_edit(session, wiki.search, user, "Port de Penhoat", "Le port.")
        token = accounts.create_token(session, user)
    yield SimpleNamespace(
        client=app.test_client(), auth={"Authorization": f"Bearer {token}"}, app=app
    )
    wiki.db.dispose()


@pytest.fixture
def put(client, auth):
    """PUT a page with the personal token; returns the response."""

    def do(title: str, markdown: str, base=None, headers=None, **extra):
        body = {"markdown": markdown, "summary": extra.pop("summary", ""), "base_revision": base}
        body.update(extra)
        return client.put(f"{API}/pages/{title}", json=body, headers=headers or auth)

    return do


@pytest.fixture
def page_with_history(put):
    """A page with three revisions; returns their ids, oldest first."""
    ids = []
    texts = [
        "Le port de Penhoat.",
        "Le port de Penhoat est ancien.",
        "Le port de Penhoat est vieux.",
    ]
    base = None
    for text in texts:
        response = put("Port_de_Penhoat", text, base=base)
        assert response.status_code in (200, 201), response.get_json()
        base = response.get_json()["revision"]["id"]
        ids.append(base)
    return ids


# --- Reading and writing pages -------------------------------------------------------------


def test_get_page_returns_title_portals_kind_revision_markdown_and_html(put, client, some_portals):
    created = put(
        "Rue_de_Siam",
        "La **rue de Siam** mène au [[Pont]].",
        portals=["histoire"],
        kind="testimony",
    )
    assert created.status_code == 201

    response = client.get(f"{API}/pages/Rue_de_Siam")

    assert response.status_code == 200
    page = response.get_json()
    assert page["title"] == "Rue de Siam"
    assert page["portals"] == ["histoire"]
    assert page["kind"] == "testimony"
    assert page["revision_id"] == created.get_json()["revision"]["id"]
    assert page["markdown"] == "La **rue de Siam** mène au [[Pont]]."
    assert "<strong>rue de Siam</strong>" in page["html"]
    assert 'href="/wiki/Pont/edit"' in page["html"]


def test_get_page_normalizes_the_title_in_the_url(put, client):
    put("Rue_de_la_marine", "Texte.")
    response = client.get(f"{API}/pages/rue de la marine")
    assert response.status_code == 200
    assert response.get_json()["title"] == "Rue de la marine"


def test_get_missing_page_is_404_json(client):
    body = assert_json_error(client.get(f"{API}/pages/Nulle_part"), 404)
    assert body["error"] == "not_found"


def test_put_new_page_creates_it_with_201(put, client, some_portals):
    response = put(
        "Le_Glaz", "Un estuaire.", summary="Création", portals=["histoire", "mer-et-port"]
    )

    assert response.status_code == 201
    body = response.get_json()
    assert body["created"] is True and body["changed"] is True
    assert body["page"] == "Le Glaz"
    assert body["revision"]["parent_id"] is None
    assert body["revision"]["author"] == "Lucie"
    assert body["revision"]["summary"] == "Création"
    page = client.get(f"{API}/pages/Le_Glaz").get_json()
    assert sorted(page["portals"]) == ["histoire", "mer-et-port"]


def test_put_with_current_base_edits_the_page_with_200(put, client):
    first = put("Le_Glaz", "Un estuaire.").get_json()["revision"]["id"]

    response = put("Le_Glaz", "Un estuaire sauvage.", base=first, summary="précision")

    assert response.status_code == 200
    body = response.get_json()
    assert body["created"] is False and body["changed"] is True
    assert body["revision"]["parent_id"] == first
    assert body["revision"]["size_delta"] == len(" sauvage")
    page = client.get(f"{API}/pages/Le_Glaz").get_json()
    assert page["markdown"] == "Un estuaire sauvage."
    assert page["revision_id"] == body["revision"]["id"]


def test_put_identical_text_is_a_noop_with_changed_false(put, client):
    first = put("Le_Glaz", "Un estuaire.").get_json()["revision"]["id"]

    response = put("Le_Glaz", "Un estuaire.", base=first)

    assert response.status_code == 200
    body = response.get_json()
    assert body["changed"] is False
    assert body["revision"]["id"] == first
    assert client.get(f"{API}/pages/Le_Glaz/revisions").get_json()["total"] == 1


def test_put_with_stale_base_is_409_with_both_versions(put, client):
    first = put("Le_Glaz", "Version de départ.").get_json()["revision"]["id"]
    second = put("Le_Glaz", "Version d'Alice.", base=first).get_json()["revision"]["id"]

    response = put("Le_Glaz", "Version de Bob, qui ne doit pas se perdre.", base=first)

    body = assert_json_error(response, 409)
    assert body["error"] == "edit_conflict"
    assert body["current"]["revision_id"] == second
    assert body["current"]["markdown"] == "Version d'Alice."
    assert body["yours"]["markdown"] == "Version de Bob, qui ne doit pas se perdre."
    assert body["yours"]["base_revision"] == first
    # Nothing was written: the current version is still Alice's.
    assert client.get(f"{API}/pages/Le_Glaz").get_json()["revision_id"] == second


def test_put_without_base_on_existing_page_is_409(put, client):
    first = put("Le_Glaz", "Déjà là.").get_json()["revision"]["id"]

    response = put("Le_Glaz", "Je croyais créer la page.")

    body = assert_json_error(response, 409)
    assert body["current"]["revision_id"] == first
    assert body["current"]["markdown"] == "Déjà là."
    assert body["yours"]["markdown"] == "Je croyais créer la page."


def test_put_with_base_on_missing_page_is_409(put):
    response = put("Page_absente", "Texte.", base=12345)
    body = assert_json_error(response, 409)
    assert body["yours"]["markdown"] == "Texte."


# --- History ---------------------------------------------------------------------------------


def test_revisions_are_listed_newest_first_with_authors_and_sizes(client, page_with_history):
    response = client.get(f"{API}/pages/Port_de_Penhoat/revisions")

    assert response.status_code == 200
    body = response.get_json()
    assert body["title"] == "Port de Penhoat"
    assert body["total"] == 3
    assert [r["id"] for r in body["revisions"]] == list(reversed(page_with_history))
    assert all(r["author"] == "Lucie" for r in body["revisions"])
    assert body["revisions"][-1]["size_delta"] == len("Le port de Penhoat.")


def test_revisions_list_honours_limit_and_rejects_non_numeric_limit(client, page_with_history):
    limited = client.get(f"{API}/pages/Port_de_Penhoat/revisions?limit=1").get_json()
    assert [r["id"] for r in limited["revisions"]] == [page_with_history[-1]]
    assert_json_error(client.get(f"{API}/pages/Port_de_Penhoat/revisions?limit=abc"), 400)


def test_revision_by_id_returns_its_markdown(client, page_with_history):
    response = client.get(f"{API}/revisions/{page_with_history[0]}")

    assert response.status_code == 200
    body = response.get_json()
    assert body["id"] == page_with_history[0]
    assert body["page"] == "Port de Penhoat"
    assert body["markdown"] == "Le port de Penhoat."


def test_unknown_revision_id_is_404_json(client):
    assert_json_error(client.get(f"{API}/revisions/999999"), 404)
    assert_json_error(client.get(f"{API}/revisions/99999999999999999999999"), 404)


def test_non_numeric_revision_id_is_400_json(client):
    assert_json_error(client.get(f"{API}/revisions/abc"), 400)


def test_revert_adds_a_new_revision_tagged_revert_and_keeps_history(
    client, auth, page_with_history
):
    response = client.post(
        f"{API}/pages/Port_de_Penhoat/revert",
        json={"revision_id": page_with_history[0], "summary": "vandalisme"},
        headers=auth,
    )

    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["changed"] is True
    new = body["revision"]
    assert new["id"] not in page_with_history
    assert new["parent_id"] == page_with_history[-1]
    assert "revert" in new["tags"]
    assert new["summary"] == "vandalisme"
    assert client.get(f"{API}/pages/Port_de_Penhoat").get_json()["markdown"] == (
        "Le port de Penhoat."
    )
    history = client.get(f"{API}/pages/Port_de_Penhoat/revisions").get_json()
    assert history["total"] == 4
    assert [r["id"] for r in history["revisions"]] == [new["id"], *reversed(page_with_history)]


def test_revert_to_a_revision_of_another_page_is_400(client, auth, put, page_with_history):
    other = put("Autre_page", "Autre texte.").get_json()["revision"]["id"]

    response = client.post(
        f"{API}/pages/Port_de_Penhoat/revert", json={"revision_id": other}, headers=auth
    )

    assert_json_error(response, 400)
    assert client.get(f"{API}/pages/Port_de_Penhoat/revisions").get_json()["total"] == 3


@pytest.mark.parametrize(
    "body",
    [{}, {"revision_id": "1"}, {"revision_id": True}, {"revision_id": None}, [1]],
    ids=["missing", "string", "bool", "null", "array"],
)
def test_revert_with_bad_revision_id_is_400(shared, body):
    url = f"{API}/pages/Port_de_Penhoat/revert"
    assert_json_error(shared.client.post(url, json=body, headers=shared.auth), 400)
    assert shared.client.get(f"{API}/pages/Port_de_Penhoat/revisions").get_json()["total"] == 1


def test_revert_to_unknown_revision_is_404(client, auth, page_with_history):
    response = client.post(
        f"{API}/pages/Port_de_Penhoat/revert", json={"revision_id": 987654}, headers=auth
    )
    assert_json_error(response, 404)


# --- Search, recent changes, portals ---------------------------------------------------------


@pytest.fixture
def searchable(put, some_portals):
    put(
        "Chantier du Glaz",
        "Les chantiers navals du Glaz ont construit des thoniers jusqu'en 1970.",
        portals=["mer-et-port"],
    )
    put(
        "Église Saint-Yves",
        "L'église de Recouvrance fut reconstruite après la guerre.",
        portals=["histoire"],
    )
    put(
        "Halle aux poissons",
        "La criée et les chantiers de réparation des bateaux.",
        portals=["histoire"],
    )


def _titles(response) -> list[str]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return [r["title"] for r in response.get_json()["results"]]


def test_search_finds_plural_forms_from_singular_query(client, searchable):
    response = client.get(f"{API}/search", query_string={"q": "chantier naval"})
    assert _titles(response)[0] == "Chantier du Glaz"
    body = response.get_json()
    assert body["total"] >= 1
    assert "<mark>" in body["results"][0]["snippet"]


def test_search_ignores_accents_and_case(client, searchable):
    assert "Église Saint-Yves" in _titles(client.get(f"{API}/search?q=eglise"))
    assert "Église Saint-Yves" in _titles(client.get(f"{API}/search?q=RECOUVRANCE"))
    assert "Église Saint-Yves" in _titles(client.get(f"{API}/search?q=%C3%89GLISE"))


def test_search_portal_filter_restricts_results(client, searchable):
    everywhere = _titles(client.get(f"{API}/search?q=chantiers"))
    assert {"Chantier du Glaz", "Halle aux poissons"} <= set(everywhere)

    in_history = _titles(client.get(f"{API}/search?q=chantiers&portal=histoire"))
    assert in_history == ["Halle aux poissons"]


def test_search_with_unknown_portal_is_a_json_error(client, searchable):
    response = client.get(f"{API}/search?q=chantiers&portal=inconnu")
    assert_json_error(response, 404)


def test_search_suggests_a_correction_for_a_typo(client, searchable):
    response = client.get(f"{API}/search", query_string={"q": "recouvrence"})
    body = response.get_json()
    assert body["total"] == 0
    assert body["suggestion"] == "recouvrance"


def test_search_with_an_overlong_query_is_400(client, searchable):
    assert_json_error(client.get(f"{API}/search", query_string={"q": "mot " * 200}), 400)


def test_search_ranks_title_matches_above_text_matches(client, put):
    put("Le pont tournant", "Le pont reliait la ville à Recouvrance, que l'on traversait à pied.")
    put("Recouvrance", "Un quartier de la rive droite, face à la ville.")
    put("Le port", "Le port est proche de Recouvrance et de ses ruelles.")

    assert _titles(client.get(f"{API}/search?q=recouvrance"))[0] == "Recouvrance"


def test_search_index_follows_edits_and_reverts(client, put, auth):
    first = put("Le Glaz", "Un estuaire peuplé de hérons.").get_json()["revision"]["id"]
    put("Le Glaz", "Un estuaire peuplé de cormorans.", base=first)
    assert _titles(client.get(f"{API}/search?q=cormoran")) == ["Le Glaz"]
    assert _titles(client.get(f"{API}/search?q=heron")) == []

    client.post(f"{API}/pages/Le_Glaz/revert", json={"revision_id": first}, headers=auth)

    assert _titles(client.get(f"{API}/search?q=heron")) == ["Le Glaz"]
    assert _titles(client.get(f"{API}/search?q=cormoran")) == []


def test_search_pages_beyond_the_last_are_empty(client, put):
    put("Le pont tournant", "Le pont reliait la ville.")
    put("Recouvrance", "Un quartier relié par le pont.")

    first = client.get(f"{API}/search?q=pont&per_page=1&page=1").get_json()
    second = client.get(f"{API}/search?q=pont&per_page=1&page=2").get_json()
    beyond = client.get(f"{API}/search?q=pont&per_page=1&page=5").get_json()

    assert first["total"] == second["total"] == 2
    assert len(first["results"]) == len(second["results"]) == 1
    assert first["results"][0]["title"] != second["results"][0]["title"]
    # A client paging until it gets no results must stop: past the end there is nothing.
    assert beyond["results"] == []


def test_recent_changes_lists_latest_revisions_first(client, put):
    put("Premier", "Un.")
    put("Second", "Deux.")

    response = client.get(f"{API}/recent-changes")

    assert response.status_code == 200
    changes = response.get_json()["changes"]
    assert [c["page"] for c in changes[:2]] == ["Second", "Premier"]
    assert changes[0]["author"] == "Lucie"
    assert len(client.get(f"{API}/recent-changes?limit=1").get_json()["changes"]) == 1


def test_portals_are_listed_with_their_article_counts(client, put, some_portals):
    put("Le Glaz", "Un estuaire.", portals=["mer-et-port"])

    response = client.get(f"{API}/portals")

    assert response.status_code == 200
    listed = {p["slug"]: p for p in response.get_json()["portals"]}
    assert set(listed) == {"histoire", "mer-et-port"}
    assert listed["mer-et-port"]["name"] == "Mer et port"
    assert listed["mer-et-port"]["articles"] == 1
    assert listed["histoire"]["articles"] == 0
    assert listed["histoire"]["description"] == "Le passé du territoire."


def test_moderator_can_update_a_portal_description(client, session, make_user, some_portals):
    moderator = make_user("Maël", role="moderator")
    token = accounts.create_token(session, moderator)

    response = client.put(
        f"{API}/portals/histoire",
        json={"description": "Nouvelle introduction."},
        headers={"Authorization": f"Bearer {token}"},
    )

    assert response.status_code == 200
    assert response.get_json()["description"] == "Nouvelle introduction."
    listed = {p["slug"]: p for p in client.get(f"{API}/portals").get_json()["portals"]}
    assert listed["histoire"]["description"] == "Nouvelle introduction."


def test_contributor_cannot_update_a_portal_description(client, auth, some_portals):
    response = client.put(f"{API}/portals/histoire", json={"description": "Pirate."}, headers=auth)
    assert_json_error(response, 403)
    listed = {p["slug"]: p for p in client.get(f"{API}/portals").get_json()["portals"]}
    assert listed["histoire"]["description"] == "Le passé du territoire."


def test_updating_an_unknown_portal_is_404(client, session, make_user):
    token = accounts.create_token(session, make_user("Maël", role="moderator"))
    response = client.put(
        f"{API}/portals/inconnu",
        json={"description": "x"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert_json_error(response, 404)


# --- Authentication ------------------------------------------------------------------------


def test_bearer_token_writes_without_csrf_token(client, token):
    response = client.put(
        f"{API}/pages/Avec_jeton",
        json={"markdown": "Écrit avec un jeton."},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201
    assert response.get_json()["revision"]["author"] == "Lucie"


@pytest.mark.parametrize(
    "header", ["Bearer wt_pas-un-vrai-jeton", "Bearer ", "Basic dXNlcjpwYXNz", "wt_sans-schema"]
)
def test_invalid_token_is_401_json(shared, header):
    response = shared.client.put(
        f"{API}/pages/Avec_jeton", json={"markdown": "x"}, headers={"Authorization": header}
    )
    assert_json_error(response, 401)
    assert shared.client.get(f"{API}/pages/Avec_jeton").status_code == 404


def test_invalid_token_is_refused_on_reads_too(client):
    response = client.get(f"{API}/portals", headers={"Authorization": "Bearer faux"})
    assert_json_error(response, 401)


def test_session_write_without_csrf_header_is_400_json(browser, client):
    browser.register("Lucie")

    response = client.put(f"{API}/pages/Sans_jeton", json={"markdown": "x"})

    body = assert_json_error(response, 400)
    assert set(body) >= {"error", "message"}
    assert client.get(f"{API}/pages/Sans_jeton").status_code == 404


def test_session_write_with_csrf_header_is_accepted(browser, client):
    browser.register("Lucie")
    csrf_token = browser.csrf("/")

    response = client.put(
        f"{API}/pages/Avec_session",
        json={"markdown": "Écrit depuis le navigateur."},
        headers={"X-CSRFToken": csrf_token},
    )

    assert response.status_code == 201, response.get_json()
    assert response.get_json()["revision"]["author"] == "Lucie"


def test_session_write_with_a_wrong_csrf_header_is_400(browser, client):
    browser.register("Lucie")
    response = client.put(
        f"{API}/pages/Avec_session", json={"markdown": "x"}, headers={"X-CSRFToken": "faux"}
    )
    assert_json_error(response, 400)


def test_anonymous_write_is_401(client):
    response = client.put(f"{API}/pages/Anonyme", json={"markdown": "Texte anonyme."})
    assert_json_error(response, 401)
    assert client.get(f"{API}/pages/Anonyme").status_code == 404


def test_anonymous_revert_is_401(client, page_with_history):
    response = client.post(
        f"{API}/pages/Port_de_Penhoat/revert", json={"revision_id": page_with_history[0]}
    )
    assert_json_error(response, 401)


# --- Bad input never yields a 500 ------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "content_type"),
    [
        ("{not json", "application/json"),
        ('{"markdown": "x"', "application/json"),
        ("[1, 2, 3]", "application/json"),
        ('"juste une chaîne"', "application/json"),
        ("null", "application/json"),
        ("", "application/json"),
        ('{"markdown": "x"}', "text/plain"),
        ("\xff\xfe", "application/json"),
    ],
    ids=["malformed", "truncated", "array", "string", "null", "empty", "not-json-type", "bad-utf8"],
)
def test_body_that_is_not_a_json_object_is_400(shared, raw, content_type):
    response = shared.client.put(
        f"{API}/pages/Mauvais_corps",
        data=raw.encode("latin-1") if raw.startswith("\xff") else raw,
        content_type=content_type,
        headers=shared.auth,
    )
    assert_json_error(response, 400)


@pytest.mark.parametrize(
    "body",
    [
        {"markdown": 42},
        {"markdown": None},
        {"markdown": ["a"]},
        {"summary": "sans texte"},
        {"markdown": "x", "base_revision": "1"},
        {"markdown": "x", "base_revision": True},
        {"markdown": "x", "base_revision": 1.5},
        {"markdown": "x", "base_revision": -1},
        {"markdown": "x", "portals": "histoire"},
        {"markdown": "x", "portals": [1, 2]},
        {"markdown": "x", "portals": {"histoire": True}},
        {"markdown": "x", "summary": 12},
        {"markdown": "x", "kind": "roman"},
        {"markdown": "x", "kind": 3},
    ],
    ids=[
        "markdown-number",
        "markdown-null",
        "markdown-list",
        "markdown-missing",
        "base-string",
        "base-bool",
        "base-float",
        "base-negative",
        "portals-string",
        "portals-numbers",
        "portals-object",
        "summary-number",
        "kind-unknown",
        "kind-number",
    ],
)
def test_wrong_field_types_are_400(shared, body):
    response = shared.client.put(f"{API}/pages/Mauvais_types", json=body, headers=shared.auth)
    assert_json_error(response, 400)
    assert shared.client.get(f"{API}/pages/Mauvais_types").status_code == 404


def test_unknown_portal_slug_is_400(put, client, some_portals):
    response = put("Portail_inconnu", "Texte.", portals=["histoire", "atlantide"])
    body = assert_json_error(response, 400)
    assert "atlantide" in body["message"]
    assert client.get(f"{API}/pages/Portail_inconnu").status_code == 404


@pytest.mark.parametrize(
    "title",
    [
        "Rue%3Cb%3E",
        "A%7CB",
        "Cent%25",
        "Avec%23ancre",
        "Crochets%5B%5D",
        "Ctrl%01ici",
        "%20%20",
        "T" * 201,
    ],
    ids=["lt-gt", "pipe", "percent", "hash", "brackets", "control", "blank", "too-long"],
)
def test_invalid_titles_are_400_with_a_french_message(shared, title):
    url = f"{API}/pages/{title}"
    response = shared.client.put(url, json={"markdown": "Texte."}, headers=shared.auth)
    body = assert_json_error(response, 400)
    assert body["error"] == "invalid_title"
    assert_json_error(shared.client.get(url), 400)


def test_text_over_one_megabyte_is_413(put, client):
    response = put("Trop_long", "é" * (512 * 1024 + 1))
    body = assert_json_error(response, 413)
    assert body["error"] == "too_large"
    assert client.get(f"{API}/pages/Trop_long").status_code == 404


def test_text_of_exactly_one_megabyte_is_accepted(put):
    assert put("Juste_assez", "a" * (1024 * 1024)).status_code == 201


def test_request_body_over_the_upload_limit_is_413_json(client, auth):
    body = json.dumps({"markdown": "a" * (5 * 1024 * 1024)})
    response = client.put(
        f"{API}/pages/Enorme", data=body, content_type="application/json", headers=auth
    )
    assert_json_error(response, 413)


def test_summary_over_500_characters_is_400(put, client):
    response = put("Resume_long", "Texte.", summary="r" * 501)
    assert_json_error(response, 400)
    assert client.get(f"{API}/pages/Resume_long").status_code == 404
    assert put("Resume_long", "Texte.", summary="r" * 500).status_code == 201


def test_unknown_api_route_and_wrong_method_are_json_errors(client):
    assert_json_error(client.get(f"{API}/nulle-part"), 404)
    assert_json_error(client.delete(f"{API}/portals"), 405)


# --- OpenAPI -------------------------------------------------------------------------------


def test_openapi_document_is_openapi_3(client):
    response = client.get(f"{API}/openapi.json")

    assert response.status_code == 200
    doc = response.get_json()
    assert re.fullmatch(r"3\.\d+\.\d+", doc["openapi"])
    assert doc["info"]["title"] and doc["info"]["version"]
    assert isinstance(doc["paths"], dict) and doc["paths"]
    for path, item in doc["paths"].items():
        assert path.startswith("/")
        declared = {p["name"] for p in item.get("parameters", []) if p["in"] == "path"}
        for operation in (v for k, v in item.items() if k in {"get", "put", "post", "delete"}):
            assert operation["responses"], f"{path} has no responses"
            declared |= {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
        assert set(re.findall(r"\{(\w+)\}", path)) == declared, path


def test_openapi_document_covers_every_api_route(app, client):
    doc = client.get(f"{API}/openapi.json").get_json()
    prefix = doc.get("servers", [{"url": ""}])[0]["url"].rstrip("/")

    def shape(path: str) -> str:
        return re.sub(r"\{\w+\}", "{}", path)

    documented = {shape(prefix + path): item for path, item in doc["paths"].items()}
    missing = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(API + "/") or rule.rule == f"{API}/openapi.json":
            continue
        path = shape(re.sub(r"<(?:[^:<>]+:)?(\w+)>", r"{\1}", rule.rule))
        methods = {m.lower() for m in rule.methods - {"HEAD", "OPTIONS"}}
        item = documented.get(path)
        if item is None:
            missing.append(rule.rule)
            continue
        missing.extend(f"{m.upper()} {rule.rule}" for m in methods if m not in item)
    assert not missing, f"routes absent from the OpenAPI document: {missing}"


# --- Services and API agree ------------------------------------------------------------------


def test_page_written_by_a_service_is_read_by_the_api(client, session, search, lucie):
    pages.save_edit(session, search, lucie, "Écrit par le service", "Par le *service*.")
    page = client.get(f"{API}/pages/Écrit_par_le_service").get_json()
    assert page["markdown"] == "Par le *service*."
    assert "<em>service</em>" in page["html"]
