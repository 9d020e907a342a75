"""French full-text search, on both backends: a real Whoosh index in a temp dir, and PostgreSQL
full-text search in a database of its own (skipped when WIKI_TEST_DATABASE_URL is unset)."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import build_app
from sqlalchemy import text

from wikiterritoire.db import make_engine
from wikiterritoire.search import PageDoc
from wikiterritoire.search.postgres_index import PostgresIndex
from wikiterritoire.search.whoosh_index import WhooshIndex, french_analyzer, french_stem
from wikiterritoire.services import pages, portals
from wikiterritoire.services import search as search_service


def test_stemmer_matches_the_snowball_french_reference_stems(corpora):
    rows = [
        line.split("\t")
        for line in (corpora / "snowball-french" / "french-stems.tsv")
        .read_text(encoding="utf-8")
        .splitlines()
        if "\t" in line
    ]
    wrong = [(word, stem, french_stem(word)) for word, stem in rows if french_stem(word) != stem]
    assert len(rows) > 10_000
    assert wrong == [], f"{len(wrong)} of {len(rows)} differ, e.g. {wrong[:5]}"


def test_analyzer_stems_then_folds_accents_and_case():
    analyze = french_analyzer()
    assert [t.text for t in analyze("Chantiers NAVALS")] == [
        t.text for t in analyze("chantier naval")
    ]
    assert [t.text for t in analyze("Église")] == [t.text for t in analyze("eglise")]
    assert [t.text for t in analyze("les églises de la ville")] == ["eglis", "vill"]


@pytest.fixture(params=["whoosh", "postgres"])
def empty_index(request, tmp_path):
    """An empty index of each backend."""
    if request.param == "whoosh":
        yield WhooshIndex(str(tmp_path / "ix"))
        return
    databases = request.getfixturevalue("postgres")  # skips when there is no server
    url = databases.create()
    engine = make_engine(url)
    yield PostgresIndex(engine)
    engine.dispose()
    databases.drop(url)


@pytest.fixture
def index(empty_index):
    ix = empty_index
    ix.rebuild(
        [
            PageDoc(
                1,
                "Chantier naval du Glaz",
                "Les charpentiers construisaient des thoniers.",
                ["mer"],
            ),
            PageDoc(
                2,
                "Recouvrance",
                "Le quartier de la rive droite, ses chantiers navals.",
                ["quartiers"],
            ),
            PageDoc(
                3, "Église Saint-Ronan", "Une église du XVe siècle, près du port.", ["histoire"]
            ),
            PageDoc(4, "Fest-noz", "On y danse la gavotte jusqu'au matin.", ["culture"]),
        ]
    )
    return ix


def titles_of(results):
    return [hit.title for hit in results.hits]


def test_plural_query_finds_singular_text_and_back(index):
    assert set(titles_of(index.search("chantiers navals"))) == {
        "Chantier naval du Glaz",
        "Recouvrance",
    }
    assert "Recouvrance" in titles_of(index.search("chantier naval"))


def test_accents_and_case_never_matter(index):
    assert titles_of(index.search("eglise")) == ["Église Saint-Ronan"]
    assert titles_of(index.search("RECOUVRANCE")) == ["Recouvrance"]


def test_title_matches_rank_above_body_matches(index):
    assert titles_of(index.search("chantier naval"))[0] == "Chantier naval du Glaz"


def test_snippets_highlight_matches_and_are_escaped(empty_index):
    ix = empty_index
    ix.index_page(PageDoc(1, "Balise", "Le <script>phare</script> de la pointe & du <b>port</b>."))
    snippet = ix.search("phare").hits[0].snippet_html
    assert "<mark>phare</mark>" in snippet
    assert "<script>" not in snippet
    assert "<b>" not in snippet
    assert "script&gt;" in snippet  # the text stays, escaped


def test_postgres_backend_forgets_the_words_of_removed_pages(postgres):
    url = postgres.create()
    engine = make_engine(url)
    try:
        ix = PostgresIndex(engine)
        ix.index_page(PageDoc(1, "Fest-noz", "On y danse la gavotte.", ["culture"]))
        ix.index_page(PageDoc(2, "Plinn", "Une danse du Centre-Bretagne.", ["culture"]))
        assert ix.search("plin").suggestion == "plinn"
        ix.remove_page(2)
        assert ix.search("plin").suggestion is None
        ix.index_page(PageDoc(1, "Fest-noz", "On y danse la gavotte et le plinn."))
        assert ix.search("plin").suggestion == "plinn"
        ix.index_page(PageDoc(1, "Fest-noz", "On y danse la gavotte."))
        assert ix.search("plin").suggestion is None
        with engine.connect() as connection:
            counts = dict(
                connection.execute(text("SELECT word, doc_count FROM search_words")).all()
            )
        assert counts["danse"] == 1
        assert counts["gavotte"] == 1
    finally:
        engine.dispose()
        postgres.drop(url)


def test_portal_filter_restricts_results(index):
    assert titles_of(index.search("chantiers", portal="quartiers")) == ["Recouvrance"]
    assert index.search("chantiers", portal="culture").total == 0


def test_unknown_word_gets_a_did_you_mean_suggestion(index):
    results = index.search("recouvranse")
    assert results.total == 0
    assert results.suggestion == "recouvrance"
    assert index.search("gavote").suggestion == "gavotte"


def test_any_word_matches_when_all_words_cannot(index):
    assert titles_of(index.search("gavotte introuvable")) == ["Fest-noz"]


def test_removed_page_leaves_the_index(index):
    index.remove_page(4)
    assert index.search("gavotte").total == 0
    assert index.doc_count() == 3


def test_reindexed_page_is_found_by_its_new_words_only(index):
    index.index_page(PageDoc(4, "Fest-noz", "On y danse le plinn jusqu'au matin.", ["culture"]))
    assert titles_of(index.search("plinn")) == ["Fest-noz"]
    assert index.search("gavotte").total == 0
    assert index.doc_count() == 4


def test_suggestions_follow_the_words_of_the_index(index):
    assert index.search("plin").suggestion is None
    index.index_page(PageDoc(5, "Plinn", "Une danse du Centre-Bretagne.", ["culture"]))
    assert index.search("plin").suggestion == "plinn"


def test_suggestion_keeps_the_known_words_of_the_query(index):
    results = index.search("gavote matin")
    assert titles_of(results) == ["Fest-noz"]  # "matin" alone matches
    assert index.search("danse recouvranse").total >= 1
    assert index.search("recouvranse gavote").suggestion == "recouvrance gavotte"


def test_paging_goes_through_every_hit_once_then_returns_nothing(empty_index):
    empty_index.rebuild(
        PageDoc(n, f"Phare numéro {n}", f"Le phare {n} éclaire la côte.", ["mer"])
        for n in range(1, 26)
    )
    pages_of_hits = [empty_index.search("phare", page=n, per_page=10) for n in (1, 2, 3, 4)]
    assert [len(r.hits) for r in pages_of_hits] == [10, 10, 5, 0]
    assert {r.total for r in pages_of_hits} == {25}
    seen = [hit.page_id for r in pages_of_hits for hit in r.hits]
    assert sorted(seen) == list(range(1, 26))


def test_rebuild_replaces_the_whole_index(index):
    assert index.rebuild([PageDoc(9, "Criée", "La criée vend les poissons.", ["mer"])]) == 1
    assert index.doc_count() == 1
    assert index.search("gavotte").total == 0
    assert index.search("gavote").suggestion is None
    assert titles_of(index.search("poissons", portal="mer")) == ["Criée"]


def test_service_refuses_unknown_portal_and_overlong_query(session, search):
    from wikiterritoire.errors import InvalidInput, NotFound

    with pytest.raises(NotFound):
        search_service.search(session, search, "port", portal="nulle-part")
    with pytest.raises(InvalidInput):
        search_service.search(session, search, "mot " * 100)


def test_reindex_rebuilds_from_the_database(session, search, make_user, tmp_path):
    user = make_user()
    portals.create_portal(session, "mer", "Mer")
    pages.save_edit(session, None, user, "Criée", "La criée vend les poissons.", portals=["mer"])
    assert search.search("poisson").total == 0  # saved without indexing
    assert search_service.reindex(session, search) == 1
    assert titles_of(search.search("poisson", portal="mer")) == ["Criée"]


def test_postgres_backend_counts_words_right_when_workers_index_at_once(postgres):
    url = postgres.create()
    engine = make_engine(url)
    try:
        ix = PostgresIndex(engine)

        def work(n: int) -> None:
            if n % 7 == 6:
                ix.remove_page(n % 5)
            else:
                ix.index_page(PageDoc(n % 5, f"Page {n % 5}", f"commun mot{n % 3} texte{n}"))

        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(work, range(60)))
        with engine.connect() as connection:
            counted = dict(
                connection.execute(text("SELECT word, doc_count FROM search_words")).all()
            )
            actual = dict(
                connection.execute(
                    text("SELECT w, count(*) FROM search_pages, unnest(words) AS w GROUP BY w")
                ).all()
            )
        assert counted == actual
    finally:
        engine.dispose()
        postgres.drop(url)


@pytest.fixture
def postgres_app(postgres, data_dir):
    """The application with WIKI_SEARCH=postgres on its own PostgreSQL database."""
    app = build_app(data_dir, SEARCH_BACKEND="postgres")
    yield app
    app.extensions["wiki"].db.dispose()


def test_postgres_backend_indexes_on_save_and_answers_the_api(postgres_app, make_user):
    wiki = postgres_app.extensions["wiki"]
    assert isinstance(wiki.search, PostgresIndex)
    with wiki.db.fresh_session() as session:
        user = make_user()
        portals.create_portal(session, "mer", "Mer")
        pages.save_edit(
            session,
            wiki.search,
            user,
            "Chantier du Glaz",
            "Les chantiers navals du Glaz.",
            portals=["mer"],
        )
        pages.save_edit(session, wiki.search, user, "Église Saint-Yves", "Une église bretonne.")

    client = postgres_app.test_client()
    found = client.get("/api/v1/search?q=chantier+naval&portal=mer").get_json()
    assert [r["title"] for r in found["results"]] == ["Chantier du Glaz"]
    found = client.get("/api/v1/search?q=EGLISE").get_json()
    assert [r["title"] for r in found["results"]] == ["Église Saint-Yves"]
    page = client.get("/search?q=chantiers").get_data(as_text=True)
    assert "<mark>chantiers</mark>" in page


def test_postgres_backend_reindexes_from_the_database(postgres_app, make_user):
    wiki = postgres_app.extensions["wiki"]
    with wiki.db.fresh_session() as session:
        pages.save_edit(session, None, make_user(), "Criée", "La criée vend les poissons.")
        assert wiki.search.search("poisson").total == 0  # saved without indexing
        assert search_service.reindex(session, wiki.search) == 1
        assert wiki.search.doc_count() == 1
    assert titles_of(wiki.search.search("poisson")) == ["Criée"]


def test_postgres_backend_needs_a_postgresql_database(tmp_path):
    with pytest.raises(ValueError, match="PostgreSQL"):
        build_app(tmp_path, SEARCH_BACKEND="postgres")
