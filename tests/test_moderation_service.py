"""Self-regulation at the service level: rollback, patrol, mass rollback, blocks, protection,
soft deletion, reports, the public log and automatic trust — on a real SQLite + Whoosh."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from wikiterritoire.errors import AuthenticationRequired, InvalidInput, NotFound, PermissionDenied
from wikiterritoire.models import Event, Page, Report, Revision, User, utcnow
from wikiterritoire.services import accounts, events, history, moderation, pages
from wikiterritoire.services import search as search_service

# --- Helpers -------------------------------------------------------------------------------


@pytest.fixture
def edit(session, search):
    """Save `text` on `title` as `user`, starting from the current revision.

    Only indexed for search when asked (`indexed=True`): it keeps the file fast.
    """

    def do(user, title, text, indexed=False, **kw):
        page = pages.find_page(session, title)
        base = page.latest_revision_id if page else None
        backend = search if indexed else None
        return pages.save_edit(session, backend, user, title, text, base_revision_id=base, **kw)

    return do


@pytest.fixture
def anne(make_user):
    """An established author."""
    return make_user("Anne", "confirmed")


@pytest.fixture
def bob(make_user):
    return make_user("Bob")


@pytest.fixture
def vandal(make_user):
    return make_user("Vandale")


@pytest.fixture
def claire(make_user):
    """A confirmed contributor: may patrol and roll back."""
    return make_user("Claire", "confirmed")


@pytest.fixture
def morgane(make_user):
    return make_user("Morgane", "moderator")


@pytest.fixture
def adele(make_user):
    return make_user("Adèle", "admin")


def text_of(session, title: str) -> str:
    session.expire_all()
    return pages.get_page(session, title).latest.text


def revisions_of(session, title: str) -> list[Revision]:
    """All revisions of a page, deleted or not, oldest first, straight from the database."""
    session.expire_all()
    page = session.scalar(select(Page).where(Page.title == title))
    return list(
        session.scalars(select(Revision).where(Revision.page_id == page.id).order_by(Revision.id))
    )


def count_events(session, type_: str) -> int:
    return session.scalar(select(func.count()).select_from(Event).where(Event.type == type_))


def titles_found(session, search, query: str) -> list[str]:
    return [hit.title for hit in search_service.search(session, search, query).hits]


def log_texts(session) -> list[str]:
    return [entry.text for entry in events.recent(session)]


# --- Rollback ------------------------------------------------------------------------------


def test_rollback_undoes_exactly_the_last_editors_consecutive_edits(
    session, search, edit, anne, bob, vandal, claire
):
    edit(anne, "Port de Penhoat", "Le port de Penhoat.")
    edit(bob, "Port de Penhoat", "Le port de Penhoat, construit en 1850.")
    edit(vandal, "Port de Penhoat", "")
    edit(vandal, "Port de Penhoat", "NUL NUL NUL")
    edit(vandal, "Port de Penhoat", "NUL [casino](https://casino.example)")

    result = moderation.rollback(session, search, claire, "Port de Penhoat")

    assert result.undone == 3
    assert result.vandal == "Vandale"
    assert text_of(session, "Port de Penhoat") == "Le port de Penhoat, construit en 1850."
    assert result.revision.author_id == claire.id
    assert result.revision.tags == ["rollback"]
    assert "Vandale" in result.revision.summary and "Bob" in result.revision.summary


def test_rollback_keeps_every_revision_in_history(session, search, edit, anne, vandal, claire):
    edit(anne, "Rue de Siam", "La rue de Siam.")
    edit(vandal, "Rue de Siam", "")
    edit(vandal, "Rue de Siam", "Spam")
    before = [(r.id, r.text) for r in revisions_of(session, "Rue de Siam")]

    moderation.rollback(session, search, claire, "Rue de Siam")

    after = revisions_of(session, "Rue de Siam")
    assert [(r.id, r.text) for r in after[:-1]] == before
    assert len(after) == len(before) + 1
    assert after[-1].text == "La rue de Siam."


def test_rollback_marks_the_undone_edits_patrolled_and_only_those(
    session, search, edit, anne, bob, vandal, claire
):
    edit(anne, "Recouvrance", "Le quartier de Recouvrance.")
    first_vandal = edit(vandal, "Recouvrance", "Vandalisme ancien").revision
    edit(bob, "Recouvrance", "Le quartier de Recouvrance, rive droite.")
    later = [edit(vandal, "Recouvrance", t).revision for t in ("abc", "abcd")]

    result = moderation.rollback(session, search, claire, "Recouvrance")

    session.expire_all()
    assert result.undone == 2
    assert text_of(session, "Recouvrance") == "Le quartier de Recouvrance, rive droite."
    assert all(session.get(Revision, r.id).patrolled for r in later)
    assert session.get(Revision, first_vandal.id).patrolled is False


def test_rollback_is_refused_when_every_revision_is_by_one_author(
    session, search, edit, vandal, claire
):
    edit(vandal, "Casino en ligne", "Jouez !")
    edit(vandal, "Casino en ligne", "Jouez encore !")

    with pytest.raises(InvalidInput, match="même auteur"):
        moderation.rollback(session, search, claire, "Casino en ligne")

    assert len(revisions_of(session, "Casino en ligne")) == 2


def test_rollback_needs_a_confirmed_contributor(session, search, edit, anne, vandal, bob):
    edit(anne, "Le Conquet", "Le Conquet, port du bout du monde.")
    edit(vandal, "Le Conquet", "")

    with pytest.raises(PermissionDenied):
        moderation.rollback(session, search, bob, "Le Conquet")
    with pytest.raises(AuthenticationRequired):
        moderation.rollback(session, search, None, "Le Conquet")

    assert text_of(session, "Le Conquet") == ""


def test_rollback_of_a_missing_page_is_not_found(session, search, claire):
    with pytest.raises(NotFound):
        moderation.rollback(session, search, claire, "Page inexistante")


def test_rollback_is_logged(session, search, edit, anne, vandal, claire):
    edit(anne, "Plougastel", "Les fraises de Plougastel.")
    edit(vandal, "Plougastel", "")

    moderation.rollback(session, search, claire, "Plougastel")

    assert count_events(session, "rollback") == 1
    entry = events.recent(session)[0]
    assert entry.actor == "Claire"
    assert entry.page_title == "Plougastel"
    assert entry.text == "a révoqué 1 modification(s)"


# --- Patrol --------------------------------------------------------------------------------


def test_patrol_marks_a_revision_checked_and_logs_it_once(session, edit, anne, bob, claire):
    edit(anne, "Rade de Brest", "La rade.")
    revision = edit(bob, "Rade de Brest", "La rade de Brest.").revision
    assert revision.patrolled is False
    remaining = moderation.unpatrolled_count(session)

    moderation.patrol(session, claire, revision.id)
    moderation.patrol(session, claire, revision.id)

    session.expire_all()
    assert session.get(Revision, revision.id).patrolled is True
    assert moderation.unpatrolled_count(session) == remaining - 1
    assert count_events(session, "patrol") == 1
    assert events.recent(session)[0].text == f"a vérifié la version {revision.id}"


def test_patrol_is_refused_to_contributors_and_anonymous(session, edit, bob):
    revision = edit(bob, "Rade de Brest", "La rade.").revision

    with pytest.raises(PermissionDenied):
        moderation.patrol(session, bob, revision.id)
    with pytest.raises(AuthenticationRequired):
        moderation.patrol(session, None, revision.id)

    session.expire_all()
    assert session.get(Revision, revision.id).patrolled is False


def test_patrol_of_an_unknown_revision_is_not_found(session, claire):
    with pytest.raises(NotFound):
        moderation.patrol(session, claire, 999_999)


def test_edits_by_confirmed_users_are_patrolled_automatically(
    session, edit, bob, claire, make_user
):
    mael = make_user("Maël", "mediator")
    assert edit(bob, "Kerhuon", "Le Relecq-Kerhuon.").revision.patrolled is False
    assert edit(claire, "Kerhuon", "Le Relecq-Kerhuon, au bord de l'Elorn.").revision.patrolled
    assert edit(mael, "Kerhuon", "Le Relecq-Kerhuon, sur l'Elorn.").revision.patrolled


# --- Mass rollback -------------------------------------------------------------------------


@pytest.fixture
def vandalized(session, edit, anne, bob, vandal):
    """Pages written last month by Anne, then vandalized today after `since`."""
    month_ago = utcnow() - timedelta(days=30)
    originals = {
        "Saint-Marc": "Le quartier de Saint-Marc.",
        "Lambézellec": "Lambézellec, ancienne commune.",
        "Kerinou": "Le quartier de Kerinou.",
        "Bellevue": "Le quartier de Bellevue.",
    }
    for title, text in originals.items():
        edit(anne, title, text, when=month_ago)
    # An old edit of the vandal, before `since`: not part of the mass rollback.
    edit(vandal, "Bellevue", "Le quartier de Bellevue, sur le plateau.", when=month_ago)
    originals["Bellevue"] = "Le quartier de Bellevue, sur le plateau."
    since = utcnow() - timedelta(minutes=5)
    edit(vandal, "Saint-Marc", "")
    # The insult rule warns the new account, which publishes anyway.
    edit(vandal, "Lambézellec", "CRÉTINS", acknowledged=True)
    edit(vandal, "Lambézellec", "CRÉTINS [casino](https://casino.example)", acknowledged=True)
    edit(vandal, "Kerinou", "Spam")
    edit(bob, "Kerinou", "Le quartier de Kerinou, près du cimetière.")
    edit(vandal, "Bellevue", "")
    edit(vandal, "Casino Brest", "Le meilleur casino [ici](https://casino.example).", indexed=True)
    return originals, since


def test_mass_rollback_reverts_pages_only_the_account_edited_since(
    session, search, vandalized, morgane
):
    originals, since = vandalized

    report = moderation.rollback_all(session, search, morgane, "Vandale", since)

    assert report.reverted == ["Bellevue", "Lambézellec", "Saint-Marc"]
    for title in report.reverted:
        assert text_of(session, title) == originals[title]
    # The account's edit from before `since` stays.
    assert text_of(session, "Bellevue") == "Le quartier de Bellevue, sur le plateau."
    latest = pages.get_page(session, "Saint-Marc").latest
    assert latest.author_id == morgane.id
    assert "mass-rollback" in latest.tags


def test_mass_rollback_skips_pages_others_edited_after_the_account_and_created_pages(
    session, search, vandalized, morgane
):
    _, since = vandalized

    report = moderation.rollback_all(session, search, morgane, "Vandale", since)

    assert report.skipped == ["Casino Brest", "Kerinou"]
    assert report.deleted == []
    assert text_of(session, "Kerinou") == "Le quartier de Kerinou, près du cimetière."
    assert pages.find_page(session, "Casino Brest") is not None


def test_mass_rollback_deletes_created_pages_with_delete_created_and_keeps_every_revision(
    session, search, vandalized, morgane, vandal
):
    _, since = vandalized
    before = {r.id: r.text for r in session.scalars(select(Revision))}
    assert "Casino Brest" in titles_found(session, search, "casino")

    report = moderation.rollback_all(
        session, search, morgane, "Vandale", since, delete_created=True, reason="Spam"
    )

    assert report.deleted == ["Casino Brest"]
    assert report.skipped == ["Kerinou"]
    with pytest.raises(NotFound):
        pages.get_page(session, "Casino Brest")
    assert "Casino Brest" not in titles_found(session, search, "casino")
    session.expire_all()
    after = {r.id: r.text for r in session.scalars(select(Revision))}
    assert {k: after[k] for k in before} == before
    assert [r.text for r in revisions_of(session, "Casino Brest")] == [
        "Le meilleur casino [ici](https://casino.example)."
    ]
    for title in report.reverted:
        assert all(r.patrolled for r in revisions_of(session, title) if r.author_id == vandal.id)


def test_mass_rollback_logs_one_summary_event(session, search, vandalized, morgane):
    _, since = vandalized

    moderation.rollback_all(
        session, search, morgane, "Vandale", since, delete_created=True, reason="Vandalisme"
    )

    assert count_events(session, "mass_rollback") == 1
    texts = [e.text for e in events.recent(session) if "Vandale" in e.text]
    assert texts == [
        "a annulé les modifications de Vandale : 3 page(s) rétablie(s), 1 supprimée(s), "
        "1 laissée(s) (motif : Vandalisme)"
    ]


def test_mass_rollback_is_reserved_to_moderators(session, search, vandalized, claire):
    _, since = vandalized

    with pytest.raises(PermissionDenied):
        moderation.rollback_all(session, search, claire, "Vandale", since)

    assert text_of(session, "Saint-Marc") == ""
    assert count_events(session, "mass_rollback") == 0


def test_mass_rollback_of_an_unknown_account_is_not_found(session, search, morgane):
    with pytest.raises(NotFound):
        moderation.rollback_all(session, search, morgane, "Personne", utcnow())


# --- Blocks --------------------------------------------------------------------------------


def test_blocked_user_cannot_save_and_is_told_the_reason(session, edit, anne, vandal, morgane):
    edit(anne, "Brest", "La ville de Brest.")
    moderation.block(session, morgane, "Vandale", utcnow() + timedelta(days=1), "Insultes")

    with pytest.raises(PermissionDenied) as refused:
        edit(vandal, "Brest", "")

    assert re.search(r"bloqué jusqu'au \d\d/\d\d/\d{4} à \d\d:\d\d", refused.value.message)
    assert "Motif : Insultes" in refused.value.message
    assert text_of(session, "Brest") == "La ville de Brest."
    assert len(revisions_of(session, "Brest")) == 1


def test_blocked_user_cannot_create_a_page(session, edit, vandal, morgane):
    moderation.block(session, morgane, "Vandale", utcnow() + timedelta(days=1), "Spam")

    with pytest.raises(PermissionDenied):
        edit(vandal, "Casino", "Jouez !")

    assert pages.find_page(session, "Casino") is None


def test_block_without_end_blocks_until_lifted(session, edit, vandal, morgane):
    moderation.block(session, morgane, "Vandale", None, "Vandalisme répété")

    with pytest.raises(PermissionDenied) as refused:
        edit(vandal, "Brest", "")

    assert "sans limite de durée" in refused.value.message
    assert "Motif : Vandalisme répété" in refused.value.message


def test_block_ending_in_the_past_is_refused(session, vandal, morgane):
    with pytest.raises(InvalidInput, match="futur"):
        moderation.block(session, morgane, "Vandale", utcnow() - timedelta(hours=1), "Spam")

    session.expire_all()
    assert not session.get(User, vandal.id).is_blocked()


def test_block_needs_a_reason(session, vandal, morgane):
    with pytest.raises(InvalidInput, match="motif"):
        moderation.block(session, morgane, "Vandale", None, "   ")

    session.expire_all()
    assert not session.get(User, vandal.id).is_blocked()


def test_moderator_cannot_block_themselves(session, morgane):
    with pytest.raises(InvalidInput):
        moderation.block(session, morgane, "Morgane", None, "Essai")


@pytest.mark.parametrize("role", ["moderator", "admin"])
def test_moderator_cannot_block_a_moderator_or_an_admin(session, morgane, make_user, role):
    make_user("Yann", role)

    with pytest.raises(PermissionDenied, match="administrateur"):
        moderation.block(session, morgane, "Yann", None, "Désaccord")

    assert not accounts.get_user(session, "Yann").is_blocked()


def test_admin_can_block_a_moderator_who_then_loses_moderation_powers(
    session, edit, anne, morgane, adele
):
    edit(anne, "Brest", "La ville de Brest.")

    moderation.block(session, adele, "Morgane", utcnow() + timedelta(days=1), "Abus de pouvoir")

    with pytest.raises(PermissionDenied, match="bloqué"):
        moderation.protect(session, morgane, "Brest", "moderator", reason="Essai")


def test_an_expired_block_no_longer_blocks(session, edit, anne, vandal, morgane):
    edit(anne, "Brest", "La ville de Brest.")
    moderation.block(session, morgane, "Vandale", utcnow() + timedelta(hours=1), "Spam")
    session.execute(
        update(User)
        .where(User.id == vandal.id)
        .values(blocked_until=utcnow() - timedelta(minutes=1))
    )
    session.commit()
    session.expire_all()

    edit(vandal, "Brest", "La ville de Brest, au bout du Finistère.")

    assert text_of(session, "Brest") == "La ville de Brest, au bout du Finistère."


def test_unblock_lets_the_user_write_again(session, edit, vandal, morgane):
    moderation.block(session, morgane, "Vandale", utcnow() + timedelta(days=1), "Spam")

    moderation.unblock(session, morgane, "Vandale", "Excuses acceptées")
    edit(vandal, "Brest", "La ville de Brest.")

    assert text_of(session, "Brest") == "La ville de Brest."
    assert "a débloqué Vandale (motif : Excuses acceptées)" in log_texts(session)


def test_unblocking_an_account_that_is_not_blocked_is_refused(session, vandal, morgane):
    with pytest.raises(InvalidInput, match="pas bloqué"):
        moderation.unblock(session, morgane, "Vandale")


def test_blocking_an_unknown_account_is_not_found(session, morgane):
    with pytest.raises(NotFound):
        moderation.block(session, morgane, "Personne", None, "Spam")


# --- Protection ----------------------------------------------------------------------------


@pytest.fixture
def brest(edit, anne):
    return edit(anne, "Brest", "La ville de Brest.").page


def test_page_protected_at_confirmed_refuses_contributors_and_accepts_confirmed(
    session, edit, brest, bob, claire, morgane
):
    moderation.protect(session, morgane, "Brest", "confirmed", reason="Vandalisme")

    with pytest.raises(PermissionDenied, match="contributeurs confirmés"):
        edit(bob, "Brest", "Vandalisme")
    edit(claire, "Brest", "La ville de Brest, en Finistère.")

    assert text_of(session, "Brest") == "La ville de Brest, en Finistère."


@pytest.mark.parametrize("role", ["contributor", "confirmed", "mediator"])
def test_page_protected_at_moderator_refuses_everyone_below_moderator(
    session, edit, brest, morgane, make_user, role
):
    moderation.protect(session, morgane, "Brest", "moderator", reason="Guerre d'édition")
    user = make_user("Gwen", role)

    with pytest.raises(PermissionDenied, match="modérateurs"):
        edit(user, "Brest", "Autre texte")

    assert text_of(session, "Brest") == "La ville de Brest."


def test_page_protected_at_moderator_accepts_moderators_and_admins(
    session, edit, brest, morgane, adele
):
    moderation.protect(session, morgane, "Brest", "moderator", reason="Guerre d'édition")

    edit(morgane, "Brest", "La ville de Brest (version de Morgane).")
    edit(adele, "Brest", "La ville de Brest (version d'Adèle).")

    assert text_of(session, "Brest") == "La ville de Brest (version d'Adèle)."


def test_lifting_protection_lets_contributors_edit_again(session, edit, brest, bob, morgane):
    moderation.protect(session, morgane, "Brest", "moderator", reason="Guerre d'édition")

    moderation.protect(session, morgane, "Brest", "")
    edit(bob, "Brest", "La ville de Brest, port militaire.")

    assert text_of(session, "Brest") == "La ville de Brest, port militaire."
    assert log_texts(session)[0] == "a levé la protection de la page"


def test_protection_with_a_future_end_still_protects(session, edit, brest, bob, morgane):
    moderation.protect(
        session, morgane, "Brest", "confirmed", utcnow() + timedelta(days=7), "Vandalisme"
    )

    with pytest.raises(PermissionDenied):
        edit(bob, "Brest", "Vandalisme")


def test_an_expired_protection_no_longer_protects(session, edit, brest, bob, morgane):
    moderation.protect(
        session, morgane, "Brest", "moderator", utcnow() + timedelta(days=1), "Vandalisme"
    )
    session.execute(
        update(Page)
        .where(Page.id == brest.id)
        .values(protection_until=utcnow() - timedelta(minutes=1))
    )
    session.commit()
    session.expire_all()

    edit(bob, "Brest", "La ville de Brest, sous-préfecture.")

    assert text_of(session, "Brest") == "La ville de Brest, sous-préfecture."


def test_protection_ending_in_the_past_is_refused(session, brest, morgane):
    with pytest.raises(InvalidInput, match="futur"):
        moderation.protect(
            session, morgane, "Brest", "moderator", utcnow() - timedelta(days=1), "Vandalisme"
        )


def test_unknown_protection_level_is_refused(session, brest, morgane):
    with pytest.raises(InvalidInput, match="Niveau de protection inconnu"):
        moderation.protect(session, morgane, "Brest", "admin", reason="Essai")


def test_protection_needs_a_reason(session, brest, morgane):
    with pytest.raises(InvalidInput, match="motif"):
        moderation.protect(session, morgane, "Brest", "confirmed", reason="")

    session.expire_all()
    assert pages.get_page(session, "Brest").protection_level() == ""


def test_protection_is_logged_in_french(session, brest, morgane):
    moderation.protect(session, morgane, "Brest", "moderator", reason="Guerre d'édition")
    moderation.protect(session, morgane, "Brest", "confirmed", reason="Apaisement")

    entries = events.recent(session)
    assert [e.text for e in entries[:2]] == [
        "a protégé la page (niveau : contributeurs confirmés) (motif : Apaisement)",
        "a protégé la page (niveau : modérateurs) (motif : Guerre d'édition)",
    ]
    assert entries[0].page_title == "Brest" and entries[0].actor == "Morgane"


# --- Soft deletion and restoration ----------------------------------------------------------


@pytest.fixture
def linked(session, edit, anne):
    """ "Phare du Petit Minou" and a page linking to it."""
    target = edit(
        anne, "Phare du Petit Minou", "Le phare du Petit Minou garde le goulet.", indexed=True
    )
    edit(anne, "Goulet de Brest", "Le goulet est gardé par le [[Phare du Petit Minou]].")
    return target.page


def rendered_link(session, title: str) -> str:
    """The HTML of `title`'s current revision, rendered as a reader would get it."""
    session.expire_all()
    return pages.rendered(session, pages.get_page(session, title).latest).html


def test_deleted_page_is_gone_from_reading(session, search, linked, morgane):
    moderation.delete_page(session, search, morgane, "Phare du Petit Minou", "Doublon")

    with pytest.raises(NotFound):
        pages.get_page(session, "Phare du Petit Minou")
    assert pages.find_page(session, "Phare du Petit Minou") is None
    assert pages.is_deleted(session, "Phare du Petit Minou")


def test_deleted_page_is_gone_from_search(session, search, linked, morgane):
    assert "Phare du Petit Minou" in titles_found(session, search, "phare")

    moderation.delete_page(session, search, morgane, "Phare du Petit Minou", "Doublon")

    assert "Phare du Petit Minou" not in titles_found(session, search, "phare")


def test_links_to_a_deleted_page_turn_red_again(session, search, linked, morgane):
    assert 'class="wikilink new"' not in rendered_link(session, "Goulet de Brest")

    moderation.delete_page(session, search, morgane, "Phare du Petit Minou", "Doublon")

    assert 'class="wikilink new"' in rendered_link(session, "Goulet de Brest")


def test_deleted_page_no_longer_counts_as_a_backlink(session, search, edit, anne, morgane):
    edit(anne, "Goulet de Brest", "Le goulet.")
    edit(anne, "Phare du Petit Minou", "Le phare garde le [[Goulet de Brest]].")
    goulet = pages.get_page(session, "Goulet de Brest")
    assert history.backlinks(session, goulet) == ["Phare du Petit Minou"]

    moderation.delete_page(session, search, morgane, "Phare du Petit Minou", "Doublon")

    assert history.backlinks(session, goulet) == []


def test_deleted_page_keeps_its_revisions(session, search, edit, linked, bob, morgane):
    edit(bob, "Phare du Petit Minou", "Le phare du Petit Minou, à Plouzané.")
    before = [(r.id, r.text) for r in revisions_of(session, "Phare du Petit Minou")]

    moderation.delete_page(session, search, morgane, "Phare du Petit Minou", "Doublon")

    assert [(r.id, r.text) for r in revisions_of(session, "Phare du Petit Minou")] == before
    assert all(
        r.page.title != "Phare du Petit Minou" for r in history.recent_changes(session, limit=500)
    )


def test_a_deleted_page_cannot_be_edited_or_recreated(session, search, edit, linked, morgane):
    moderation.delete_page(session, search, morgane, "Phare du Petit Minou", "Doublon")

    with pytest.raises(PermissionDenied, match="supprimée"):
        pages.save_edit(session, search, morgane, "Phare du Petit Minou", "Nouveau texte")


def test_deletion_needs_a_reason(session, search, linked, morgane):
    with pytest.raises(InvalidInput, match="motif"):
        moderation.delete_page(session, search, morgane, "Phare du Petit Minou", " ")


def test_restore_brings_the_page_back_with_its_history(session, search, linked, morgane):
    before = [(r.id, r.text) for r in revisions_of(session, "Phare du Petit Minou")]
    moderation.delete_page(session, search, morgane, "Phare du Petit Minou", "Erreur")

    moderation.restore_page(session, search, morgane, "Phare du Petit Minou", "Finalement utile")

    assert text_of(session, "Phare du Petit Minou") == "Le phare du Petit Minou garde le goulet."
    assert [(r.id, r.text) for r in revisions_of(session, "Phare du Petit Minou")] == before


def test_restored_page_is_back_in_search_and_its_links_turn_blue(session, search, linked, morgane):
    moderation.delete_page(session, search, morgane, "Phare du Petit Minou", "Erreur")
    assert 'class="wikilink new"' in rendered_link(session, "Goulet de Brest")

    moderation.restore_page(session, search, morgane, "Phare du Petit Minou")

    assert "Phare du Petit Minou" in titles_found(session, search, "phare")
    assert 'class="wikilink new"' not in rendered_link(session, "Goulet de Brest")


def test_restoring_a_live_page_is_refused(session, search, linked, morgane):
    with pytest.raises(InvalidInput, match="pas supprimée"):
        moderation.restore_page(session, search, morgane, "Phare du Petit Minou")


def test_restoring_an_unknown_page_is_not_found(session, search, morgane):
    with pytest.raises(NotFound):
        moderation.restore_page(session, search, morgane, "Page inconnue")


def test_deletion_and_restoration_are_logged_in_french(session, search, linked, morgane):
    moderation.delete_page(session, search, morgane, "Phare du Petit Minou", "Doublon")
    moderation.restore_page(session, search, morgane, "Phare du Petit Minou", "Erreur")

    assert log_texts(session)[:2] == [
        "a restauré la page « Phare du Petit Minou » (motif : Erreur)",
        "a supprimé la page « Phare du Petit Minou » (motif : Doublon)",
    ]


REFUSED_FOR_LACK_OF_REASON = {
    "delete": lambda s, search, mod: moderation.delete_page(s, search, mod, "Brest", ""),
    "protect": lambda s, search, mod: moderation.protect(s, mod, "Brest", "moderator", None, ""),
    "block": lambda s, search, mod: moderation.block(
        s, mod, "Bob", utcnow() + timedelta(days=1), ""
    ),
}


@pytest.mark.parametrize("action", sorted(REFUSED_FOR_LACK_OF_REASON))
def test_an_action_refused_for_lack_of_reason_leaves_nothing_behind(
    session, search, edit, brest, bob, morgane, action
):
    with pytest.raises(InvalidInput, match="motif"):
        REFUSED_FOR_LACK_OF_REASON[action](session, search, morgane)
    # Whatever the same session commits next must not carry a half-done action along.
    edit(morgane, "Bac à sable", "Un essai sans rapport.")

    session.expire_all()
    page = session.scalar(select(Page).where(Page.title == "Brest"))
    assert page.deleted_at is None
    assert page.protection_level() == ""
    assert session.get(User, bob.id).blocked_until is None
    assert count_events(session, action) == 0


# --- Reports -------------------------------------------------------------------------------


def test_anonymous_reader_can_report_a_page(session, brest):
    item = moderation.report(session, None, "Brest", "  Propos   injurieux  ")

    session.expire_all()
    stored = session.get(Report, item.id)
    assert stored.reporter_id is None
    assert stored.page_id == brest.id
    assert stored.reason == "Propos injurieux"
    assert stored.status == "open"


def test_reader_can_report_a_revision_of_the_page(session, edit, brest, bob):
    revision = edit(bob, "Brest", "Insultes").revision

    item = moderation.report(session, bob, "Brest", "Insultes", revision.id)

    assert item.revision_id == revision.id
    assert item.reporter_id == bob.id


def test_report_of_a_revision_of_another_page_is_refused(session, edit, brest, anne):
    other = edit(anne, "Quimper", "La ville de Quimper.").revision

    with pytest.raises(InvalidInput, match="n'appartient pas"):
        moderation.report(session, None, "Brest", "Insultes", other.id)

    assert session.scalar(select(func.count()).select_from(Report)) == 0


@pytest.mark.parametrize("reason", ["", " \n "])
def test_report_without_a_reason_is_refused(session, brest, reason):
    with pytest.raises(InvalidInput):
        moderation.report(session, None, "Brest", reason)

    assert session.scalar(select(func.count()).select_from(Report)) == 0


def test_report_of_a_missing_page_is_not_found(session):
    with pytest.raises(NotFound):
        moderation.report(session, None, "Page inconnue", "Spam")


def test_moderators_see_open_reports_and_close_them(session, brest, morgane):
    first = moderation.report(session, None, "Brest", "Spam")
    second = moderation.report(session, None, "Brest", "Insultes")

    assert [r.id for r in moderation.open_reports(session, morgane)] == [first.id, second.id]
    moderation.close_report(session, morgane, first.id, "resolved")
    moderation.close_report(session, morgane, str(second.id), "rejected")

    assert moderation.open_reports(session, morgane) == []
    session.expire_all()
    assert session.get(Report, first.id).handled_by_id == morgane.id
    assert log_texts(session)[:2] == [
        f"a rejeté le signalement {second.id}",
        f"a traité le signalement {first.id}",
    ]


def test_report_queue_is_reserved_to_moderators(session, brest, claire):
    item = moderation.report(session, None, "Brest", "Spam")

    with pytest.raises(PermissionDenied):
        moderation.open_reports(session, claire)
    with pytest.raises(PermissionDenied):
        moderation.close_report(session, claire, item.id, "resolved")

    session.expire_all()
    assert session.get(Report, item.id).status == "open"


@pytest.mark.parametrize(("report_id", "status", "error"), [
    ("first", "done", InvalidInput),
    ("999999", "resolved", NotFound),
    ("abc", "resolved", NotFound),
])  # fmt: skip
def test_closing_a_report_checks_status_and_id(session, brest, morgane, report_id, status, error):
    item = moderation.report(session, None, "Brest", "Spam")

    with pytest.raises(error):
        moderation.close_report(
            session, morgane, item.id if report_id == "first" else report_id, status
        )

    session.expire_all()
    assert session.get(Report, item.id).status == "open"


# --- The public log ------------------------------------------------------------------------


def test_block_is_logged_in_french_with_its_end_and_reason(session, vandal, morgane):
    until = utcnow() + timedelta(days=2)

    moderation.block(session, morgane, "Vandale", until, "Insultes")

    entry = events.recent(session)[0]
    assert entry.actor == "Morgane"
    assert entry.text == (
        f"a bloqué Vandale jusqu'au {until.replace(tzinfo=None).isoformat()[:16]} "
        "(motif : Insultes)"
    )


def test_log_lists_actions_newest_first(session, search, edit, brest, bob, claire, morgane):
    revision = edit(bob, "Brest", "Vandalisme").revision
    moderation.patrol(session, claire, revision.id)
    moderation.rollback(session, search, claire, "Brest")
    moderation.block(session, morgane, "Bob", utcnow() + timedelta(days=1), "Vandalisme")

    texts = log_texts(session)

    assert texts[0].startswith("a bloqué Bob")
    assert texts[1] == "a révoqué 1 modification(s)"
    assert texts[2] == f"a vérifié la version {revision.id}"


# --- Trust levels --------------------------------------------------------------------------


def age(session, user: User, days: float) -> None:
    session.execute(
        update(User).where(User.id == user.id).values(created_at=utcnow() - timedelta(days=days))
    )
    session.commit()
    session.expire_all()


def make_edits(edit, user: User, count: int) -> None:
    for i in range(count):
        edit(user, "Bac à sable", f"Essai numéro {i} de {user.name}.")


def role_of(session, user: User) -> str:
    session.expire_all()
    return session.get(User, user.id).role


def test_contributor_becomes_confirmed_after_enough_edits_and_days(session, edit, bob):
    age(session, bob, accounts.CONFIRM_AFTER_DAYS + 1)

    make_edits(edit, bob, accounts.CONFIRM_AFTER_EDITS - 1)
    assert role_of(session, bob) == "contributor"
    make_edits(edit, bob, 1)

    assert role_of(session, bob) == "confirmed"
    assert count_events(session, "role_change") == 1
    # From then on, the account's edits count as checked.
    assert edit(bob, "Bac à sable", "Après la promotion.").revision.patrolled is True


def test_promotion_needs_enough_days(session, edit, bob):
    age(session, bob, accounts.CONFIRM_AFTER_DAYS - 1)

    make_edits(edit, bob, accounts.CONFIRM_AFTER_EDITS)

    assert role_of(session, bob) == "contributor"
    assert count_events(session, "role_change") == 0


def test_promotion_never_changes_other_roles(session, edit, make_user):
    mael = make_user("Maël", "mediator")
    age(session, mael, 365)

    make_edits(edit, mael, accounts.CONFIRM_AFTER_EDITS + 1)

    assert role_of(session, mael) == "mediator"


def test_automatic_promotion_is_logged_in_french(session, edit, bob):
    age(session, bob, accounts.CONFIRM_AFTER_DAYS + 1)

    make_edits(edit, bob, accounts.CONFIRM_AFTER_EDITS)

    entry = events.recent(session)[0]
    assert entry.actor == "Bob"
    assert "automatiquement" in entry.text
    # The role is named in French, as everywhere else in the interface.
    assert "confirmé" in entry.text, entry.text
