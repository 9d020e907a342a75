"""The page service, without the web layer: saving, conflicts, history, revert, links."""

import pytest

from wikiterritoire.errors import (
    AuthenticationRequired,
    EditConflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    TooLarge,
)
from wikiterritoire.models import RenderedRevision
from wikiterritoire.services import history, pages, portals


@pytest.fixture
def lucie(make_user):
    return make_user("Lucie")


@pytest.fixture
def yann(make_user):
    return make_user("Yann")


def test_first_save_creates_page_and_revision(session, search, lucie):
    result = pages.save_edit(session, search, lucie, "rue de Siam", "Texte.\n", "création")
    assert result.created and result.changed
    page = pages.get_page(session, "Rue_de_Siam")
    assert page.title == "Rue de Siam"
    rev = page.latest
    assert (rev.text, rev.summary, rev.author.name) == ("Texte.\n", "création", "Lucie")
    assert rev.size == 7 and rev.size_delta == 7 and rev.parent_id is None
    assert len(rev.sha1) == 40


def test_each_save_appends_an_immutable_revision(session, search, lucie, yann):
    first = pages.save_edit(session, search, lucie, "Port", "Un.\n").revision
    second = pages.save_edit(
        session, search, yann, "Port", "Un. Deux.\n", base_revision_id=first.id
    )
    rev = second.revision
    assert rev.parent_id == first.id and rev.size_delta == 6
    revisions = history.page_history(session, pages.get_page(session, "Port"))
    assert [r.id for r in revisions] == [rev.id, first.id]
    assert session.get(type(first), first.id).text == "Un.\n"


def test_identical_text_writes_nothing(session, search, lucie):
    first = pages.save_edit(session, search, lucie, "Port", "Un.\n").revision
    again = pages.save_edit(session, search, lucie, "Port", "Un.\r\n", base_revision_id=first.id)
    assert not again.changed and again.revision.id == first.id
    assert history.revision_count(session, again.page) == 1


def test_stale_base_revision_raises_conflict_with_both_texts(session, search, lucie, yann):
    base = pages.save_edit(session, search, lucie, "Port", "Base.\n").revision
    pages.save_edit(session, search, yann, "Port", "Version de Yann.\n", base_revision_id=base.id)
    with pytest.raises(EditConflict) as caught:
        pages.save_edit(
            session, search, lucie, "Port", "Version de Lucie.\n", base_revision_id=base.id
        )
    details = caught.value.details
    assert details["current_text"] == "Version de Yann.\n"
    assert details["your_text"] == "Version de Lucie.\n"
    assert pages.get_page(session, "Port").latest.text == "Version de Yann.\n"


def test_creating_an_existing_page_without_base_is_a_conflict(session, search, lucie, yann):
    pages.save_edit(session, search, lucie, "Port", "Premier.\n")
    with pytest.raises(EditConflict):
        pages.save_edit(session, search, yann, "Port", "Second.\n", base_revision_id=None)


def test_editing_needs_an_account(session, search):
    with pytest.raises(AuthenticationRequired):
        pages.save_edit(session, search, None, "Port", "x")


def test_protected_page_refuses_contributors(session, search, lucie, make_user):
    page = pages.save_edit(session, search, lucie, "Port", "x").page
    page.protection = "moderator"
    session.commit()
    with pytest.raises(PermissionDenied):
        pages.save_edit(
            session, search, lucie, "Port", "y", base_revision_id=page.latest_revision_id
        )
    moderator = make_user("Modo", "moderator")
    pages.save_edit(
        session, search, moderator, "Port", "y", base_revision_id=page.latest_revision_id
    )


def test_text_over_one_megabyte_is_refused(session, search, lucie):
    with pytest.raises(TooLarge, match="1 Mo"):
        pages.save_edit(session, search, lucie, "Port", "é" * (512 * 1024 + 1))
    assert pages.find_page(session, "Port") is None


def test_overlong_summary_is_refused(session, search, lucie):
    with pytest.raises(InvalidInput, match="résumé"):
        pages.save_edit(session, search, lucie, "Port", "x", summary="s" * 501)


def test_unknown_portal_is_refused(session, search, lucie):
    with pytest.raises(InvalidInput, match="Portail inconnu"):
        pages.save_edit(session, search, lucie, "Port", "x", portals=["nulle-part"])


def test_portals_are_stored_and_can_change_without_a_new_revision(session, search, lucie):
    portals.create_portal(session, "histoire", "Histoire")
    portals.create_portal(session, "mer", "Mer et port")
    first = pages.save_edit(session, search, lucie, "Port", "x", portals=["histoire"])
    assert [p.slug for p in first.page.portals] == ["histoire"]
    moved = pages.save_edit(
        session, search, lucie, "Port", "x", base_revision_id=first.revision.id, portals=["mer"]
    )
    assert moved.changed and moved.revision.id == first.revision.id
    assert [p.slug for p in pages.get_page(session, "Port").portals] == ["mer"]


def test_revert_adds_a_revision_with_the_old_text(session, search, lucie, yann):
    v1 = pages.save_edit(session, search, lucie, "Port", "Bon texte.\n").revision
    v2 = pages.save_edit(
        session, search, yann, "Port", "VANDALISME\n", base_revision_id=v1.id
    ).revision
    result = pages.revert(session, search, lucie, "Port", v1.id)
    assert result.changed and result.revision.id > v2.id
    assert result.revision.text == "Bon texte.\n" and "revert" in result.revision.tags
    assert history.revision_count(session, result.page) == 3


def test_revert_to_a_revision_of_another_page_is_refused(session, search, lucie):
    other = pages.save_edit(session, search, lucie, "Autre", "x").revision
    pages.save_edit(session, search, lucie, "Port", "y")
    with pytest.raises(InvalidInput, match="n'appartient pas"):
        pages.revert(session, search, lucie, "Port", other.id)


def test_compare_any_two_revisions_of_a_page(session, search, lucie):
    v1 = pages.save_edit(session, search, lucie, "Port", "le port de pêche\n").revision
    v2 = pages.save_edit(session, search, lucie, "Port", "le grand port\n", base_revision_id=v1.id)
    v3 = pages.save_edit(
        session,
        search,
        lucie,
        "Port",
        "le grand port de commerce\n",
        base_revision_id=v2.revision.id,
    )
    old, new, rows = history.compare(session, v1.id, v3.revision.id)
    changed = [r for r in rows if r.kind == "change"]
    assert changed and "<del>pêche</del>" in changed[0].old_html
    assert "grand</ins>" in changed[0].new_html and "<ins>commerce</ins>" in changed[0].new_html


def test_compare_revisions_of_different_pages_is_refused(session, search, lucie):
    a = pages.save_edit(session, search, lucie, "A", "x").revision
    b = pages.save_edit(session, search, lucie, "B", "y").revision
    with pytest.raises(InvalidInput, match="même page"):
        history.compare(session, a.id, b.id)


def test_unknown_revision_is_not_found(session):
    with pytest.raises(NotFound):
        pages.get_revision(session, 424242)
    with pytest.raises(InvalidInput):
        pages.get_revision(session, "abc")


def test_backlinks_follow_the_current_text(session, search, lucie):
    pages.save_edit(session, search, lucie, "Port", "Le port.")
    linking = pages.save_edit(session, search, lucie, "Quai", "Voir [[port]].").revision
    target = pages.get_page(session, "Port")
    assert history.backlinks(session, target) == ["Quai"]
    pages.save_edit(session, search, lucie, "Quai", "Plus de lien.", base_revision_id=linking.id)
    assert history.backlinks(session, target) == []


def test_red_link_turns_blue_when_the_page_is_created(session, search, lucie):
    quai = pages.save_edit(session, search, lucie, "Quai", "Voir [[Phare]].").revision
    assert 'class="wikilink new"' in pages.rendered(session, quai).html
    pages.save_edit(session, search, lucie, "Phare", "Le phare.")
    session.expire_all()
    html = pages.rendered(session, quai).html
    assert 'class="wikilink new"' not in html and 'href="/wiki/Phare"' in html


def test_rendered_html_is_cached_per_revision(session, search, lucie):
    rev = pages.save_edit(session, search, lucie, "Port", "**gras**").revision
    cached = session.get(RenderedRevision, rev.id)
    assert cached is not None and "<strong>gras</strong>" in cached.html


def test_each_save_is_indexed_for_search(session, search, lucie):
    rev = pages.save_edit(session, search, lucie, "Atelier", "Les chantiers navals.").revision
    assert [h.title for h in search.search("chantier naval").hits] == ["Atelier"]
    pages.save_edit(session, search, lucie, "Atelier", "La corderie.", base_revision_id=rev.id)
    assert search.search("chantier naval").total == 0
    assert search.search("corderie").total == 1
