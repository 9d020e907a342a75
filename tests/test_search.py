"""French full-text search on a real Whoosh index in a temp dir."""

import pytest

from wikiterritoire.search import PageDoc
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


@pytest.fixture
def index(tmp_path):
    ix = WhooshIndex(str(tmp_path / "ix"))
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


def test_snippets_highlight_matches_and_are_escaped(tmp_path):
    ix = WhooshIndex(str(tmp_path / "ix"))
    ix.index_page(PageDoc(1, "Balise", "Le <script>phare</script> de la pointe."))
    snippet = ix.search("phare").hits[0].snippet_html
    assert "<mark>phare</mark>" in snippet
    assert "<script>" not in snippet


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
