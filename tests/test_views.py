"""The web pages, as a person's browser sees them: Flask test client, real SQLite and Whoosh."""

import html
import re
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import FAST_HASH, PASSWORD, Browser, build_app, new_data_dir

from wikiterritoire.services import accounts, pages, portals

_BASE = re.compile(r'name="base_revision_id" value="(\d*)"')
_TEXTAREA = re.compile(r'<textarea id="text" name="text"[^>]*>(.*?)</textarea>', re.S)
_CURRENT = re.compile(r'<textarea id="current-text"[^>]*>(.*?)</textarea>', re.S)
_ERROR_BOX = re.compile(r'<div class="error-box"[^>]*>\s*<p>(.*?)</p>', re.S)


def text_of(response) -> str:
    return response.get_data(as_text=True)


def location(response) -> str:
    return response.headers.get("Location", "")


def base_revision(page_html: str) -> str:
    match = _BASE.search(page_html)
    assert match, "no base_revision_id in the editor"
    return match.group(1)


def textarea(page_html: str, pattern=_TEXTAREA) -> str:
    match = pattern.search(page_html)
    assert match, "textarea not found"
    return html.unescape(match.group(1)).lstrip("\n")


@pytest.fixture
def lucie(make_user):
    return make_user("Lucie")


@pytest.fixture
def some_portals(session):
    return [
        portals.create_portal(session, "histoire", "Histoire", "Le **passé** de [[Penhoat]]."),
        portals.create_portal(session, "mer-et-port", "Mer et port", "La vie maritime."),
    ]


@pytest.fixture
def write(session, search, lucie):
    """Save a page through the service layer, as another user of the wiki would have."""

    def do(title, text, user=None, base=None, **kw):
        page = pages.find_page(session, title)
        if base is None and page is not None:
            base = page.latest_revision_id
        return pages.save_edit(
            session, search, user or lucie, title, text, base_revision_id=base, **kw
        )

    return do


@pytest.fixture
def logged_in(browser):
    browser.register("Nolwenn")
    return browser


@pytest.fixture
def second_browser(app):
    return Browser(app.test_client())


@pytest.fixture(scope="module")
def site(tmp_path_factory, migrated_db):
    """A small wiki shared by the checks that change nothing, to keep the suite fast."""
    app = build_app(new_data_dir(tmp_path_factory.mktemp("site"), migrated_db))
    wiki = app.extensions["wiki"]
    with wiki.db.fresh_session() as session:
        lucie = accounts.create_user(session, "Lucie", PASSWORD, hash_method=FAST_HASH)
        erwan = accounts.create_user(session, "Erwan", PASSWORD, hash_method=FAST_HASH)
        accounts.create_user(session, "Maël", PASSWORD, "moderator", hash_method=FAST_HASH)
        portals.create_portal(session, "histoire", "Histoire", "Le **passé**.")
        versions, base = [], None
        for user, text in [
            (lucie, "Le Glaz est un estuaire calme."),
            (erwan, "Le Glaz est un estuaire sauvage et calme."),
            (lucie, "Le Glaz est un estuaire sauvage."),
        ]:
            saved = pages.save_edit(
                session,
                wiki.search,
                user,
                "Le Glaz",
                text,
                base_revision_id=base,
                portals=["histoire"],
            )
            base = saved.revision.id
            versions.append(base)
        long_text = "## Un\n\nA [[Le Glaz]].\n\n## Deux\n\nB [[Rouge]].\n\n## Trois\n\n"
        pages.save_edit(
            session, wiki.search, lucie, "Long", long_text + "![x](https://e.org/i.png)"
        )
    assert Browser(app.test_client()).register("Anne").status_code == 302
    yield SimpleNamespace(app=app, versions=versions, browser=lambda: Browser(app.test_client()))
    wiki.db.dispose()


# --- Reading ----------------------------------------------------------------------------------


def test_home_lists_the_portals(client, some_portals, write):
    write("Le Glaz", "Un estuaire.", portals=["mer-et-port"])

    response = client.get("/")

    assert response.status_code == 200
    page = text_of(response)
    assert 'href="/portals/histoire"' in page and ">Histoire</a>" in page
    assert 'href="/portals/mer-et-port"' in page and ">Mer et port</a>" in page
    assert "1 article" in page


def test_article_shows_rendered_markdown_portals_editor_date_and_licence(
    client, some_portals, write
):
    write(
        "Rue de Siam",
        "La **rue de Siam** descend vers le port.\n\n| Année | Fait |\n|---|---|\n| 1944 | Tram |\n",
        portals=["histoire"],
    )

    response = client.get("/wiki/Rue_de_Siam")

    assert response.status_code == 200
    page = text_of(response)
    assert "<h1>Rue de Siam</h1>" in page
    assert "<strong>rue de Siam</strong>" in page
    assert "<table>" in page and "<td>1944</td>" in page
    assert 'href="/portals/histoire"' in page
    footer = page.split('class="article-footer"', 1)[1]
    assert "Dernière modification le" in footer
    assert re.search(r"\d{1,2}(er)? \w+ 20\d\d à \d\d:\d\d", footer)
    assert 'href="/user/Lucie"' in footer
    assert "CC BY-SA 4.0" in footer
    assert 'href="https://creativecommons.org/licenses/by-sa/4.0/deed.fr"' in footer


def test_long_article_has_a_table_of_contents_and_short_one_has_none(client, write):
    write("Long", "## Origines\n\nTexte.\n\n## Le port\n\nTexte.\n\n## Aujourd'hui\n\nTexte.\n")
    write("Court", "## Seule partie\n\nTexte.\n")

    long_page = text_of(client.get("/wiki/Long"))
    assert 'class="toc"' in long_page and "Sommaire" in long_page
    assert 'href="#origines"' in long_page and 'id="origines"' in long_page
    assert 'href="#le-port"' in long_page and 'id="le-port"' in long_page
    assert 'class="toc"' not in text_of(client.get("/wiki/Court"))


def test_backlinks_are_shown_under_pages_qui_pointent_ici(client, write):
    write("Kerhuel", "Un quartier.")
    write("Le Port", "Voir aussi [[Kerhuel|le quartier de Kerhuel]].")
    write("Sans lien", "Rien.")

    page = text_of(client.get("/wiki/Kerhuel"))

    assert "Pages qui pointent ici" in page
    backlinks = page.split("Pages qui pointent ici", 1)[1]
    assert 'href="/wiki/Le_Port"' in backlinks
    assert "Sans_lien" not in backlinks


def test_backlink_disappears_when_the_link_is_removed(client, write):
    write("Kerhuel", "Un quartier.")
    write("Le Port", "Voir [[Kerhuel]].")
    write("Le Port", "Plus de lien.")

    assert "Pages qui pointent ici" not in text_of(client.get("/wiki/Kerhuel"))


def test_link_to_an_existing_page_is_blue_and_to_a_missing_one_is_red(client, write):
    write("Kerhuel", "Un quartier.")
    write("Le Port", "Près de [[Kerhuel]] et de [[Pors-Moguer]].")

    page = text_of(client.get("/wiki/Le_Port"))

    assert '<a class="wikilink" href="/wiki/Kerhuel">Kerhuel</a>' in page
    red = re.search(r'<a class="wikilink new" href="([^"]+)"[^>]*>Pors-Moguer</a>', page)
    assert red and red.group(1) == "/wiki/Pors-Moguer/edit"


def test_red_link_opens_the_editor_and_turns_blue_once_the_page_exists(logged_in, write):
    write("Le Port", "Près de [[Pors-Moguer]].")

    editor = logged_in.get("/wiki/Pors-Moguer/edit")
    assert editor.status_code == 200
    assert "Créer « Pors-Moguer »" in text_of(editor)

    saved = logged_in.save("Pors-Moguer", "Une plage.")
    assert saved.status_code == 302
    page = text_of(logged_in.get("/wiki/Le_Port"))
    assert '<a class="wikilink" href="/wiki/Pors-Moguer">Pors-Moguer</a>' in page


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("/wiki/rue de la marine", "/wiki/Rue_de_la_marine"),
        ("/wiki/rue_de_la_marine", "/wiki/Rue_de_la_marine"),
        ("/wiki/Rue  de__la marine ", "/wiki/Rue_de_la_marine"),
        ("/wiki/rue de la marine/history", "/wiki/Rue_de_la_marine/history"),
    ],
)
def test_non_canonical_title_urls_redirect_permanently(site, url, target):
    response = site.app.test_client().get(url)
    assert response.status_code == 301
    assert urlsplit(location(response)).path == target


def test_redirect_keeps_the_query_string(client, write):
    first = write("Rue de la marine", "Un.").revision.id
    second = write("Rue de la marine", "Deux.").revision.id
    response = client.get(f"/wiki/rue de la marine/diff?from={first}&to={second}")
    assert response.status_code == 301
    parts = urlsplit(location(response))
    assert parts.path == "/wiki/Rue_de_la_marine/diff"
    assert parse_qs(parts.query) == {"from": [str(first)], "to": [str(second)]}


def test_missing_page_is_404_with_a_link_to_create_it(client):
    response = client.get("/wiki/Phare_de_Beg-ar-Vran")

    assert response.status_code == 404
    page = text_of(response)
    assert "Créer cette page" in page
    assert 'href="/wiki/Phare_de_Beg-ar-Vran/edit"' in page


def test_invalid_title_in_url_is_400_with_a_french_message(client):
    response = client.get("/wiki/A%7CB")
    assert response.status_code == 400
    assert "caractères interdits" in text_of(response)


def test_unknown_url_is_a_french_404_page(client):
    response = client.get("/nulle/part")
    assert response.status_code == 404
    assert "Page introuvable" in text_of(response)


# --- Writing ----------------------------------------------------------------------------------


def test_anonymous_editor_redirects_to_login_with_next(client, write):
    write("Le Glaz", "Un estuaire.")
    for url in ("/wiki/Le_Glaz/edit", "/wiki/Page_nouvelle/edit"):
        response = client.get(url)
        assert response.status_code == 302
        parts = urlsplit(location(response))
        assert parts.path == "/login"
        assert parse_qs(parts.query)["next"] == [url]


def test_anonymous_save_is_refused(browser, client):
    response = browser.post(
        "/wiki/Page_anonyme/edit", {"text": "Texte.", "action": "save"}, form_url="/login"
    )
    assert response.status_code in (302, 401, 403)
    assert client.get("/wiki/Page_anonyme").status_code == 404


def test_login_then_next_leads_back_to_the_editor(browser, lucie):
    response = browser.post(
        "/login", {"name": "Lucie", "password": PASSWORD, "next": "/wiki/Le_Glaz/edit"}
    )
    assert response.status_code == 302
    assert urlsplit(location(response)).path == "/wiki/Le_Glaz/edit"
    assert browser.get("/wiki/Le_Glaz/edit").status_code == 200


def test_new_article_form_leads_to_the_editor_of_the_normalized_title(logged_in):
    form = logged_in.get("/new")
    assert form.status_code == 200
    assert 'name="title"' in text_of(form)

    response = logged_in.get("/new", query_string={"title": "fontaine  de kerhuel"})

    assert response.status_code == 302
    assert urlsplit(location(response)).path == "/wiki/Fontaine_de_kerhuel/edit"
    editor = logged_in.get(location(response))
    assert editor.status_code == 200
    assert "Créer « Fontaine de kerhuel »" in text_of(editor)


def test_creating_from_the_editor_form_saves_the_page(logged_in, client, some_portals):
    response = logged_in.save(
        "Fontaine de Kerhuel",
        "La fontaine **miraculeuse**.",
        summary="Première version",
        portals="histoire",
        kind="testimony",
    )

    assert response.status_code == 302
    assert urlsplit(location(response)).path == "/wiki/Fontaine_de_Kerhuel"
    page = text_of(client.get("/wiki/Fontaine_de_Kerhuel"))
    assert "<strong>miraculeuse</strong>" in page
    assert "Témoignage" in page
    assert 'href="/portals/histoire"' in page


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("A|B", "caractères interdits"),
        ("<script>", "caractères interdits"),
        ("x" * 201, "trop long"),
    ],
)
def test_new_article_with_invalid_title_is_400_with_a_french_message(site, raw, expected):
    response = site.app.test_client().get("/new", query_string={"title": raw})
    assert response.status_code == 400
    assert expected in text_of(response)


def test_new_article_with_empty_title_is_400(client):
    response = client.get("/new?title=+++")
    assert response.status_code == 400
    assert "Le titre est vide" in text_of(response)


def test_preview_shows_the_rendered_text_and_saves_nothing(logged_in, client):
    response = logged_in.post(
        "/wiki/Brouillon/edit",
        {"text": "Un mot en **gras** et [[Ailleurs]].", "summary": "", "action": "preview"},
    )

    assert response.status_code == 200
    page = text_of(response)
    assert "Prévisualisation" in page
    assert "<strong>gras</strong>" in page
    assert textarea(page) == "Un mot en **gras** et [[Ailleurs]]."
    assert client.get("/wiki/Brouillon").status_code == 404
    assert "Brouillon" not in text_of(client.get("/recent-changes"))


def test_editing_with_the_current_base_saves_a_new_revision(logged_in, client, write):
    write("Le Glaz", "Un estuaire.")
    base = base_revision(text_of(logged_in.get("/wiki/Le_Glaz/edit")))

    response = logged_in.save("Le Glaz", "Un estuaire sauvage.", summary="précision", base=base)

    assert response.status_code == 302
    assert "Un estuaire sauvage." in text_of(client.get("/wiki/Le_Glaz"))
    history = text_of(client.get("/wiki/Le_Glaz/history"))
    assert "2 versions" in history and "précision" in history


def test_invalid_save_keeps_the_text_in_the_editor(logged_in):
    response = logged_in.save("Le Glaz", "Mon texte précieux.", summary="r" * 501)
    assert response.status_code == 400
    page = text_of(response)
    assert "500 caractères" in page
    assert textarea(page) == "Mon texte précieux."


def test_long_text_under_one_megabyte_can_be_saved_from_the_form(logged_in, client):
    text = "Un long témoignage.\n" * 26_000  # about 550 kB: over 500 kB, under the 1 MB limit
    response = logged_in.save("Long témoignage", text)
    assert response.status_code == 302
    assert client.get("/api/v1/pages/Long_témoignage").get_json()["markdown"] == text


def test_oversize_text_in_the_form_is_refused_with_the_text_kept(logged_in):
    text = "a" * (1024 * 1024 + 1)
    response = logged_in.save("Trop long", text)
    assert response.status_code == 413
    page = text_of(response)
    assert "1 Mo" in page
    assert textarea(page) == text


def test_edit_conflict_in_the_web_form_keeps_both_texts(app, browser, second_browser, client):
    alice, bob = browser, second_browser
    alice.register("Alice")
    bob.register("Bob")
    assert alice.save("Le Glaz", "Ligne commune.\nDébut.").status_code == 302
    base_alice = base_revision(text_of(alice.get("/wiki/Le_Glaz/edit")))
    base_bob = base_revision(text_of(bob.get("/wiki/Le_Glaz/edit")))
    assert base_alice == base_bob

    first = alice.save("Le Glaz", "Ligne commune.\nVersion d'Alice.", base=base_alice)
    second = bob.save("Le Glaz", "Ligne commune.\nVersion de Bob <à garder>.", base=base_bob)

    assert first.status_code == 302
    assert second.status_code == 409
    page = text_of(second)
    assert "Conflit de modification" in page
    assert textarea(page) == "Ligne commune.\nVersion de Bob <à garder>."
    assert textarea(page, _CURRENT) == "Ligne commune.\nVersion d'Alice."
    assert "<del>" in page or "<ins>" in page
    # The saved page is Alice's; Bob can now save on top of it with the new base.
    assert "Version d'Alice." in html.unescape(text_of(client.get("/wiki/Le_Glaz")))
    new_base = base_revision(page)
    assert new_base != base_bob
    retry = bob.save("Le Glaz", "Ligne commune.\nAlice et Bob.", base=new_base)
    assert retry.status_code == 302
    assert "Alice et Bob." in text_of(client.get("/wiki/Le_Glaz"))


def test_two_people_creating_the_same_page_is_a_conflict(browser, second_browser):
    browser.register("Alice")
    second_browser.register("Bob")
    assert browser.save("Nouvelle page", "Texte d'Alice.").status_code == 302

    response = second_browser.save("Nouvelle page", "Texte de Bob.")

    assert response.status_code == 409
    assert textarea(text_of(response)) == "Texte de Bob."


def test_non_numeric_base_revision_in_the_form_is_400(logged_in, write):
    write("Le Glaz", "Un estuaire.")
    response = logged_in.save("Le Glaz", "Texte.", base="abc")
    assert response.status_code == 400
    assert "version" in text_of(response)


# --- History, diff, revert, old revisions ------------------------------------------------------


@pytest.fixture
def three_versions(write, make_user):
    erwan = make_user("Erwan")
    ids = [
        write("Le Glaz", "Le Glaz est un estuaire calme.").revision.id,
        write("Le Glaz", "Le Glaz est un estuaire sauvage et calme.", user=erwan).revision.id,
        write("Le Glaz", "Le Glaz est un estuaire sauvage.", summary="raccourci").revision.id,
    ]
    return ids


def test_history_lists_revisions_with_authors_and_size_changes(client, three_versions):
    response = client.get("/wiki/Le_Glaz/history")

    assert response.status_code == 200
    page = text_of(response)
    assert "3 versions" in page
    assert 'href="/user/Lucie"' in page and 'href="/user/Erwan"' in page
    assert "+30" in page  # the first revision
    assert "+11" in page
    assert "-9" in page or "−9" in page
    assert "raccourci" in page
    positions = [page.index(f'href="/revision/{i}"') for i in reversed(three_versions)]
    assert positions == sorted(positions), "newest first"


@pytest.mark.parametrize("offset", ["99999999999999999999", "-1", "abc", "2"])
def test_history_with_any_offset_is_not_a_500(site, offset):
    response = site.app.test_client().get(f"/wiki/Le_Glaz/history?offset={offset}")
    assert response.status_code in (200, 400)


def test_diff_between_non_consecutive_revisions_marks_changed_words(client, three_versions):
    first, _, third = three_versions

    response = client.get(f"/wiki/Le_Glaz/diff?from={first}&to={third}")

    assert response.status_code == 200
    page = text_of(response)
    assert "<del>calme</del>" in page
    assert "<ins>sauvage</ins>" in page
    assert f'href="/revision/{first}"' in page and f'href="/revision/{third}"' in page


def test_diff_in_reverse_order_shows_the_older_version_on_the_left(client, three_versions):
    first, _, third = three_versions
    page = text_of(client.get(f"/wiki/Le_Glaz/diff?from={third}&to={first}"))
    assert "<del>calme</del>" in page and "<ins>sauvage</ins>" in page


def test_diff_without_from_compares_with_the_previous_revision(client, three_versions):
    response = client.get("/wiki/Le_Glaz/diff")
    assert response.status_code == 200
    assert re.search(r"<del>[^<]*calme</del>", text_of(response))


def test_diff_between_revisions_of_different_pages_is_400_in_french(client, write, three_versions):
    other = write("Kerhuel", "Un quartier.").revision.id

    response = client.get(f"/wiki/Le_Glaz/diff?from={three_versions[0]}&to={other}")

    assert response.status_code == 400
    assert "n'appartiennent pas à la même page" in html.unescape(text_of(response))


@pytest.mark.parametrize("query", ["from=abc&to={0}", "from={0}&to=999999", "from=-1&to={0}"])
def test_diff_with_bad_revision_ids_is_a_clear_error(site, query):
    url = "/wiki/Le_Glaz/diff?" + query.format(site.versions[0])
    response = site.app.test_client().get(url)
    assert response.status_code in (400, 404)
    assert "version" in text_of(response).lower()


def test_revert_from_the_history_form_adds_a_new_revision(logged_in, client, three_versions):
    history = text_of(logged_in.get("/wiki/Le_Glaz/history"))
    assert 'action="/wiki/Le_Glaz/revert"' in history

    response = logged_in.post(
        "/wiki/Le_Glaz/revert",
        {"revision_id": str(three_versions[0]), "summary": "retour"},
        form_url="/wiki/Le_Glaz/history",
    )

    assert response.status_code == 302
    assert "estuaire calme." in text_of(client.get("/wiki/Le_Glaz"))
    history = text_of(client.get("/wiki/Le_Glaz/history"))
    assert "4 versions" in history
    assert '<span class="tag">revert</span>' in history
    for rev_id in three_versions:
        assert f'href="/revision/{rev_id}"' in history


def test_revert_to_a_revision_of_another_page_is_refused(logged_in, client, write, three_versions):
    other = write("Kerhuel", "Un quartier.").revision.id
    response = logged_in.post(
        "/wiki/Le_Glaz/revert", {"revision_id": str(other)}, form_url="/wiki/Le_Glaz/history"
    )
    assert response.status_code == 400
    assert "3 versions" in text_of(client.get("/wiki/Le_Glaz/history"))


def test_old_revision_view_shows_a_notice(client, three_versions):
    response = client.get(f"/revision/{three_versions[0]}")

    assert response.status_code == 200
    page = text_of(response)
    assert "ancienne version" in page
    assert "estuaire calme." in page
    assert f"from={three_versions[0]}" in page
    current = text_of(client.get(f"/revision/{three_versions[-1]}"))
    assert "ancienne version" not in current


def test_unknown_revision_is_404(client):
    response = client.get("/revision/424242")
    assert response.status_code == 404
    assert "n'existe pas" in html.unescape(text_of(response))


# --- Portals ----------------------------------------------------------------------------------


def test_portal_page_shows_intro_newest_recently_edited_and_a_to_z(client, some_portals, write):
    write("Zéphyr", "Un vent.", portals=["histoire"])
    write("Abbaye", "Des moines.", portals=["histoire"])
    write("Hors portail", "Rien.", portals=["mer-et-port"])
    write("Zéphyr", "Un vent d'ouest.")

    response = client.get("/portals/histoire")

    assert response.status_code == 200
    page = text_of(response)
    assert "<strong>passé</strong>" in page
    for heading in ("Nouveaux articles", "Récemment modifiés", "Tous les articles de A à Z"):
        assert heading in page
    newest = page.split("Nouveaux articles", 1)[1].split("</ul>", 1)[0]
    assert newest.index("Abbaye") < newest.index("Zéphyr")
    edited = page.split("Récemment modifiés", 1)[1].split("</ul>", 1)[0]
    assert edited.index("Zéphyr") < edited.index("Abbaye")
    az = page.split("Tous les articles de A à Z", 1)[1].split("</ul>", 1)[0]
    assert az.index("Abbaye") < az.index("Zéphyr")
    assert "Hors portail" not in page


def test_unknown_portal_is_404(client):
    assert client.get("/portals/atlantide").status_code == 404


def test_moderator_edits_a_portal_intro(browser, client, make_user, some_portals):
    make_user("Maël", role="moderator")
    browser.login("Maël")
    portal_page = text_of(browser.get("/portals/histoire"))
    assert 'href="/portals/histoire/edit"' in portal_page
    assert browser.get("/portals/histoire/edit").status_code == 200

    response = browser.post("/portals/histoire/edit", {"description": "Une *nouvelle* intro."})

    assert response.status_code == 302
    assert "<em>nouvelle</em>" in text_of(client.get("/portals/histoire"))


def test_contributor_cannot_edit_a_portal_intro(logged_in, client, some_portals):
    assert 'href="/portals/histoire/edit"' not in text_of(logged_in.get("/portals/histoire"))
    assert logged_in.get("/portals/histoire/edit").status_code == 403
    response = logged_in.post(
        "/portals/histoire/edit", {"description": "Pirate."}, form_url="/portals/histoire"
    )
    assert response.status_code == 403
    assert "Pirate" not in text_of(client.get("/portals/histoire"))


def test_anonymous_cannot_edit_a_portal_intro(client, some_portals):
    assert client.get("/portals/histoire/edit").status_code in (302, 401, 403)


# --- Search -----------------------------------------------------------------------------------


@pytest.fixture
def searchable(write, some_portals):
    write(
        "Chantier du Glaz",
        "Les chantiers navals du Glaz ont construit des thoniers.",
        portals=["mer-et-port"],
    )
    write(
        "Église Saint-Yves", "L'église fut reconstruite, près des chantiers.", portals=["histoire"]
    )


def test_search_page_shows_highlighted_snippets(client, searchable):
    response = client.get("/search?q=chantier+naval")

    assert response.status_code == 200
    page = text_of(response)
    assert 'href="/wiki/Chantier_du_Glaz"' in page
    assert re.search(r"<mark>chantiers</mark>\s*<mark>navals</mark>|<mark>navals</mark>", page)


def test_search_page_filters_by_portal(client, searchable):
    everywhere = text_of(client.get("/search?q=chantiers"))
    assert "Chantier_du_Glaz" in everywhere and "glise_Saint-Yves" in everywhere

    page = text_of(client.get("/search?q=chantiers&portal=histoire"))

    results = page.split('class="results"', 1)[1]
    assert "glise_Saint-Yves" in results
    assert "Chantier_du_Glaz" not in results
    assert '<option value="histoire" selected>' in page


def test_search_page_suggests_a_correction(client, searchable):
    page = text_of(client.get("/search?q=chantiets"))
    assert "Vouliez-vous dire" in page
    assert "<strong>chantiers</strong>" in page


def test_search_without_results_offers_to_create_the_page(client, searchable):
    response = client.get("/search?q=moulin de kerhuel")

    assert response.status_code == 200
    page = text_of(response)
    assert "0 résultat" in page
    assert "Créer la page" in page
    assert 'href="/wiki/Moulin_de_kerhuel/edit"' in page


def test_search_for_an_existing_title_links_to_it_instead_of_creating(client, searchable):
    page = text_of(client.get("/search", query_string={"q": "chantier du Glaz"}))
    assert 'href="/wiki/Chantier_du_Glaz"' in page
    assert "Créer la page" not in page


def test_search_with_unknown_portal_is_not_a_500(client, searchable):
    assert client.get("/search?q=chantiers&portal=atlantide").status_code == 404


def test_search_with_overlong_query_is_400(client, searchable):
    response = client.get("/search", query_string={"q": "mot " * 200})
    assert response.status_code == 400
    assert "trop longue" in text_of(response)


# --- Recent changes, users, charter ------------------------------------------------------------


def test_recent_changes_list_has_diff_links(client, three_versions):
    response = client.get("/recent-changes")

    assert response.status_code == 200
    page = text_of(response)
    first, second, third = three_versions
    assert f"/wiki/Le_Glaz/diff?from={second}&amp;to={third}" in page
    assert f"/wiki/Le_Glaz/diff?from={first}&amp;to={second}" in page
    assert "nouvelle page" in page
    assert "raccourci" in page


def test_recent_changes_with_bad_limit_is_not_a_500(client, three_versions):
    for limit in ("abc", "-5", "0", "100000"):
        assert client.get(f"/recent-changes?limit={limit}").status_code == 200


def test_user_page_shows_role_and_contributions(client, three_versions):
    response = client.get("/user/Erwan")

    assert response.status_code == 200
    page = text_of(response)
    assert "<h1>Erwan</h1>" in page
    assert "Contributeur" in page
    assert 'href="/wiki/Le_Glaz"' in page


def test_unknown_user_page_is_404(client):
    assert client.get("/user/Personne").status_code == 404


def test_charter_page_is_shown(client):
    response = client.get("/charter")
    assert response.status_code == 200
    page = text_of(response)
    assert "Charte éditoriale" in page
    assert "CC BY-SA 4.0" in page


def test_edit_form_links_to_the_charter(logged_in):
    assert 'href="/charter"' in text_of(logged_in.get("/wiki/Nouvelle/edit"))


# --- Accounts ---------------------------------------------------------------------------------


def test_register_logs_the_new_user_in(browser):
    response = browser.register("Gwenaëlle")
    assert response.status_code == 302
    home = text_of(browser.get("/"))
    assert 'href="/user/Gwenaëlle"' in home or "Gwenaëlle</a>" in home
    assert "Se déconnecter" in home


def test_register_requires_the_charter(browser, client):
    response = browser.post(
        "/register", {"name": "Yann", "password": PASSWORD, "password_confirm": PASSWORD}
    )
    assert response.status_code == 400
    assert "charte" in text_of(response)
    assert client.get("/user/Yann").status_code == 404


def test_register_requires_matching_passwords(browser, client):
    response = browser.post(
        "/register",
        {
            "name": "Yann",
            "password": PASSWORD,
            "password_confirm": PASSWORD + "x",
            "accept_charter": "yes",
        },
    )
    assert response.status_code == 400
    assert "mots de passe ne sont pas identiques" in text_of(response)
    assert client.get("/user/Yann").status_code == 404


def test_register_refuses_a_short_password(browser):
    response = browser.register("Yann", password="court")
    assert response.status_code == 400
    assert "8 caractères" in text_of(response)


@pytest.mark.parametrize("look_alike", ["anne", "Ânne", "ANNE", "Anne ", "Аnne"])
def test_register_refuses_look_alike_usernames(site, look_alike):
    # "Anne" registered through the form when the site was built.
    response = site.browser().register(look_alike)

    assert response.status_code == 400
    assert "déjà pris" in html.unescape(text_of(response))


def test_login_with_wrong_password_does_not_tell_whether_the_name_exists(browser, lucie):
    wrong_password = browser.login("Lucie", "mauvais-mot-de-passe")
    unknown_name = browser.login("Inconnu", "mauvais-mot-de-passe")

    assert wrong_password.status_code == 401
    assert unknown_name.status_code == 401
    first = _ERROR_BOX.search(text_of(wrong_password)).group(1)
    second = _ERROR_BOX.search(text_of(unknown_name)).group(1)
    assert first == second
    assert "incorrect" in first
    assert "Se connecter" in text_of(browser.get("/"))


def test_login_ignores_case_and_accents_of_the_name(browser, lucie):
    assert browser.login("LUCIE").status_code == 302
    assert "Se déconnecter" in text_of(browser.get("/"))


def test_logout_is_post_only(logged_in):
    assert logged_in.get("/logout").status_code == 405
    assert "Se déconnecter" in text_of(logged_in.get("/"))

    response = logged_in.post("/logout", {}, form_url="/")

    assert response.status_code == 302
    assert "Se déconnecter" not in text_of(logged_in.get("/"))
    assert logged_in.get("/wiki/Le_Glaz/edit").status_code == 302


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example",
        "//evil.example/wiki/X",
        "/\\evil.example",
        "\\\\evil.example",
        "http:evil.example",
        "javascript:alert(1)",
    ],
)
def test_login_does_not_follow_an_external_next(site, target):
    response = site.browser().post(
        "/login", {"name": "Lucie", "password": PASSWORD, "next": target}
    )
    assert response.status_code == 302
    parts = urlsplit(location(response))
    assert parts.netloc in ("", "localhost")
    assert "evil" not in location(response)
    assert parts.scheme in ("", "http", "https")


def test_register_does_not_follow_an_external_next(browser):
    response = browser.post(
        "/register",
        {
            "name": "Yann",
            "password": PASSWORD,
            "password_confirm": PASSWORD,
            "accept_charter": "yes",
            "next": "//evil.example",
        },
    )
    assert response.status_code == 302
    assert "evil" not in location(response)


# --- Security: CSRF, headers, no inline code ---------------------------------------------------


def test_every_form_post_without_csrf_token_is_400(browser, client, make_user, some_portals, write):
    write("Le Glaz", "Un estuaire.")
    make_user("Maël", role="moderator")
    anonymous_forms = {
        "/login": {"name": "Lucie", "password": PASSWORD},
        "/register": {
            "name": "Yann",
            "password": PASSWORD,
            "password_confirm": PASSWORD,
            "accept_charter": "yes",
        },
    }
    for url, data in anonymous_forms.items():
        response = client.post(url, data=data)
        assert response.status_code == 400, url
        assert "jeton de sécurité" in text_of(response)
    browser.login("Maël")
    logged_in_forms = {
        "/wiki/Le_Glaz/edit": {"text": "Vandale", "action": "save", "base_revision_id": ""},
        "/wiki/Le_Glaz/revert": {"revision_id": "1"},
        "/portals/histoire/edit": {"description": "Vandale"},
        "/logout": {},
    }
    for url, data in logged_in_forms.items():
        response = client.post(url, data=data)
        assert response.status_code == 400, url
        assert "jeton de sécurité" in text_of(response)
    assert "Vandale" not in text_of(client.get("/wiki/Le_Glaz"))
    assert "Vandale" not in text_of(client.get("/portals/histoire"))
    assert "Se déconnecter" in text_of(client.get("/"))


def test_post_with_a_forged_csrf_token_is_400(client, lucie):
    response = client.post(
        "/login", data={"name": "Lucie", "password": PASSWORD, "csrf_token": "x"}
    )
    assert response.status_code == 400


@pytest.fixture(scope="module")
def all_pages(site):
    """Every kind of HTML page of the wiki, seen by a moderator; returns url → response."""
    first, _, third = site.versions
    urls = [
        "/",
        "/wiki/Long",
        "/wiki/Le_Glaz",
        "/wiki/Le_Glaz/edit",
        "/wiki/Le_Glaz/history",
        f"/wiki/Le_Glaz/diff?from={first}&to={third}",
        f"/revision/{first}",
        "/wiki/Inexistante",
        "/wiki/Inexistante/edit",
        "/portals/histoire",
        "/portals/histoire/edit",
        "/search?q=estuaire",
        "/search?q=introuvable",
        "/recent-changes",
        "/charter",
        "/user/Lucie",
        "/new",
        "/new?title=A|B",
        "/nulle/part",
    ]
    browser = site.browser()
    responses = {f"anonymous {u}": browser.get(u) for u in ["/login", "/register", "/wiki/Le_Glaz"]}
    assert browser.login("Maël").status_code == 302
    responses.update({u: browser.get(u) for u in urls})
    responses["preview"] = browser.post(
        "/wiki/Le_Glaz/edit", {"text": "**x**", "action": "preview"}
    )
    return responses


def test_all_pages_render_without_server_error(all_pages):
    for url, response in all_pages.items():
        assert response.status_code < 500, url
        assert response.mimetype == "text/html", url


def test_responses_carry_a_strict_content_security_policy_and_nosniff(all_pages, site):
    responses = {**all_pages, "api": site.app.test_client().get("/api/v1/portals")}
    for url, response in responses.items():
        csp = response.headers.get("Content-Security-Policy", "")
        assert "default-src 'self'" in csp, url
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, url
        assert response.headers.get("X-Content-Type-Options") == "nosniff", url


def test_pages_have_no_inline_script_and_no_style_attribute(all_pages):
    for url, response in all_pages.items():
        page = text_of(response)
        for tag in re.findall(r"<script\b[^>]*>", page, re.I):
            assert re.search(r"\ssrc=", tag), f"inline script in {url}"
        assert not re.search(r"<style\b", page, re.I), f"<style> element in {url}"
        assert not re.search(r"<[^>]+\sstyle\s*=", page, re.I), f"style= attribute in {url}"
        assert not re.search(r"<[^>]+\son[a-z]+\s*=", page, re.I), f"event handler in {url}"


def test_every_html_page_is_french_and_has_a_title(all_pages):
    for url, response in all_pages.items():
        page = text_of(response)
        assert re.search(r"<html\b[^>]*\blang=\"fr\"", page), url
        title = re.search(r"<title>(.*?)</title>", page, re.S)
        assert title and title.group(1).strip(), url
