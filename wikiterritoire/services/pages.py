"""Pages and their history: read, save an edit, revert, diff, backlinks, recent changes."""

import hashlib
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import markup, risk, titles
from ..db import MAX_ID
from ..errors import (
    EditConflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    TooLarge,
)
from ..models import Link, Page, Portal, RenderedRevision, Revision, User, utcnow
from ..search import PageDoc, SearchBackend
from . import accounts, captcha, screening, visibility, watchlist
from .permissions import check_can_write

log = logging.getLogger(__name__)

MAX_TEXT_BYTES = 1024 * 1024
MAX_SUMMARY_LENGTH = 500
KINDS = {"description": "Description", "testimony": "Témoignage"}


@dataclass
class SaveResult:
    page: Page
    revision: Revision
    created: bool
    #: False when the text was identical to the current revision: nothing was written.
    changed: bool
    #: True when the edit waits in the moderation queue: the page still shows its current text.
    held: bool = False


def get_page(session: Session, title: str) -> Page:
    """The live page with this title (normalized first); `NotFound` if missing or deleted."""
    normalized = titles.validate(title)
    page = session.scalar(select(Page).where(Page.title == normalized, Page.deleted_at.is_(None)))
    if page is None or page.latest is None:
        raise NotFound(f"La page « {normalized} » n'existe pas encore.", title=normalized)
    return page


def find_page(session: Session, title: str) -> Page | None:
    try:
        return get_page(session, title)
    except NotFound:
        return None


def get_revision(session: Session, revision_id: int | str) -> Revision:
    try:
        rev_id = int(revision_id)
    except (TypeError, ValueError):
        raise InvalidInput("Le numéro de version doit être un nombre entier.") from None
    revision = session.get(Revision, rev_id) if 0 < rev_id <= MAX_ID else None
    if revision is None or revision.page.deleted_at is not None:
        raise NotFound(f"La version {revision_id} n'existe pas.")
    return revision


def existing_titles(session: Session, candidates: Iterable[str]) -> set[str]:
    """Those of `candidates` that are live pages."""
    wanted = list(set(candidates))
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        found.update(
            session.scalars(
                select(Page.title).where(
                    Page.title.in_(chunk),
                    Page.deleted_at.is_(None),
                    Page.latest_revision_id.isnot(None),  # a held creation is not there yet
                )
            )
        )
    return found


PROTECTION_NAMES = {"confirmed": "contributeurs confirmés", "moderator": "modérateurs"}


def check_can_edit(user: User | None, page: Page | None) -> None:
    """Editing needs an unblocked account, and a protected page the role it is protected at."""
    check_can_write(user)
    level = page.protection_level() if page is not None else ""
    if level and not user.has_role(level):
        raise PermissionDenied(
            f"Cette page est protégée : seuls les {PROTECTION_NAMES.get(level, level)} "
            "peuvent la modifier."
        )


def _clean_text(text: str) -> str:
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    if len(text.encode("utf-8")) > MAX_TEXT_BYTES:
        raise TooLarge(
            "Le texte dépasse la taille maximale d'une page (1 Mo). Rien n'a été enregistré."
        )
    return text


def _portals_by_slug(session: Session, slugs: Iterable[str]) -> list[Portal]:
    slugs = [s for s in dict.fromkeys(slugs) if s]
    portals = list(session.scalars(select(Portal).where(Portal.slug.in_(slugs))))
    unknown = set(slugs) - {p.slug for p in portals}
    if unknown:
        raise InvalidInput(f"Portail inconnu : {', '.join(sorted(unknown))}.")
    return portals


def save_edit(
    session: Session,
    search: SearchBackend | None,
    user: User | None,
    title: str,
    text: str,
    summary: str = "",
    base_revision_id: int | None = None,
    portals: list[str] | None = None,
    kind: str | None = None,
    tags: Iterable[str] = (),
    when: datetime | None = None,
    acknowledged: bool = False,
    answer: captcha.Answer | None = None,
) -> SaveResult:
    """Save `text` as the new current revision of `title`, creating the page if needed.

    `base_revision_id` is the revision the author started from (None for a new page); if the page
    moved on since, `EditConflict` carries the current text and the author's, and nothing is lost.
    The edit is screened first (see `screening`): `acknowledged` says the author saw the rules'
    warnings and saves anyway, `answer` answers the question asked of new accounts adding links.
    A held edit is saved as a pending revision and the page keeps its current one.
    """
    title = titles.validate(title)
    text = _clean_text(text)
    summary = " ".join((summary or "").split())
    if len(summary) > MAX_SUMMARY_LENGTH:
        raise InvalidInput(f"Le résumé ne doit pas dépasser {MAX_SUMMARY_LENGTH} caractères.")
    if kind is not None and kind not in KINDS:
        raise InvalidInput(f"Type d'article inconnu : {kind}.")
    page = session.scalar(select(Page).where(Page.title == title))
    live = page is not None and page.deleted_at is None and page.latest_revision_id is not None
    check_can_edit(user, page if live else None)
    if page is not None and page.deleted_at is not None:
        raise PermissionDenied("Cette page a été supprimée ; un modérateur peut la restaurer.")
    base = int(base_revision_id) if base_revision_id else None
    current = page.latest if live else None
    if (current.id if current else None) != base:
        _raise_conflict(title, current, text, base)
    sha1 = hashlib.sha1(text.encode("utf-8")).hexdigest()  # noqa: S324 - content id, as in MediaWiki
    new_portals = _portals_by_slug(session, portals) if portals is not None else None
    if current is not None and current.sha1 == sha1:
        changed = False
        if new_portals is not None and {p.id for p in new_portals} != {p.id for p in page.portals}:
            page.portals = new_portals
            changed = True
        if kind and kind != page.kind:
            page.kind = kind
            changed = True
        if changed:
            session.commit()
            index(search, page)
        return SaveResult(page, current, created=False, changed=changed)
    old_text = current.text if current else ""
    chosen = [p.slug for p in new_portals or ()]
    edit = screening.describe(
        session, user, page if live else None, title, old_text, text, summary, chosen
    )
    tags = list(tags)
    verdict = screening.screen(
        session, edit, acknowledged=acknowledged, answer=answer, restoring="revert" in tags
    )
    created = current is None
    if page is None:
        page = Page(title=title, kind=kind or "description", created_at=when or utcnow())
        session.add(page)
    # A held edit of a live page leaves it as readers see it; a held creation is not visible yet.
    if created or not verdict.hold:
        if kind:
            page.kind = kind
        if new_portals is not None:
            page.portals = new_portals
    size = len(text.encode("utf-8"))
    assessment = risk.assess(
        old_text,
        text,
        summary,
        account_age_days=edit.account_age_days,
        account_edits=edit.account_edits,
        edits_last_5_minutes=edit.edits_last_5_minutes,
    )
    revision = Revision(
        page=page,
        parent_id=current.id if current else None,
        author_id=user.id,
        text=text,
        summary=summary,
        size=size,
        size_delta=size - (current.size if current else 0),
        sha1=sha1,
        tags=list(dict.fromkeys([*tags, *verdict.tags])),
        patrolled=user.has_role("confirmed"),
        status="pending" if verdict.hold else "published",
        created_at=when or utcnow(),
        risk_score=assessment.score,
        risk_signals=assessment.codes,
    )
    session.add(revision)
    try:
        session.flush()
    except IntegrityError:
        # Another author created the same title a moment ago.
        session.rollback()
        _raise_conflict(title, get_page(session, title).latest, text, base)
    if verdict.hold:
        session.commit()
        return SaveResult(page, revision, created=created, changed=True, held=True)
    if not publish(session, search, revision, current.id if current else None, when):
        session.rollback()
        _raise_conflict(title, get_page(session, title).latest, text, base)
    return SaveResult(page, revision, created=created, changed=True)


def publish(
    session: Session,
    search: SearchBackend | None,
    revision: Revision,
    expected_id: int | None,
    when: datetime | None = None,
) -> bool:
    """Make `revision` its page's current one if the page still points at `expected_id`, then
    refresh rendering, links, the author's watchlist and the index; commits. False, with nothing
    changed yet, when someone moved the page on meanwhile (the caller rolls back)."""
    page = revision.page
    # Compare-and-set: only move the pointer if nobody else moved it since we read it.
    moved = session.execute(
        update(Page)
        .where(Page.id == page.id)
        .where(
            Page.latest_revision_id == expected_id
            if expected_id is not None
            else Page.latest_revision_id.is_(None)
        )
        .values(latest_revision_id=revision.id, touched_at=when or utcnow())
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        return False
    session.refresh(page)
    rendered = _render_and_cache(session, revision)
    _replace_links(session, page, rendered.links)
    if expected_id is None:
        invalidate_linking(session, page.title)
    author = revision.author
    if author is not None and author.watch_own_edits:
        watchlist.add(session, author, page)
    session.commit()
    index(search, page)
    if author is not None:
        accounts.promote_if_trusted(session, author)
    return True


def _raise_conflict(title: str, current: Revision | None, text: str, base: int | None):
    raise EditConflict(
        f"La page « {title} » a été modifiée par quelqu'un d'autre pendant que vous écriviez. "
        "Votre texte n'est pas perdu : comparez les deux versions et enregistrez à nouveau.",
        title=title,
        current_revision_id=current.id if current else None,
        current_text=current.text if current else "",
        your_text=text,
        base_revision_id=base,
    )


def revert(
    session: Session,
    search: SearchBackend | None,
    user: User | None,
    title: str,
    revision_id: int | str,
    summary: str = "",
) -> SaveResult:
    """Make an old revision's text current again, as a new revision; history is never rewritten."""
    page = get_page(session, title)
    target = visibility.check_readable(user, get_revision(session, revision_id))
    if target.page_id != page.id:
        raise InvalidInput("Cette version n'appartient pas à cette page.")
    if not visibility.may_read_text(user, target):
        raise PermissionDenied(
            "Le texte de cette version est masqué : seul un modérateur peut la rétablir."
        )
    author = target.author.name if target.author else "anonyme"
    default = f"Retour à la version {target.id} ({author}, {target.created_at:%d/%m/%Y %H:%M})"
    return save_edit(
        session,
        search,
        user,
        page.title,
        target.text,
        summary=summary or default,
        base_revision_id=page.latest_revision_id,
        tags=["revert"],
    )


def is_deleted(session: Session, title: str) -> bool:
    return (
        session.scalar(
            select(Page.id).where(Page.title == titles.validate(title), Page.deleted_at.isnot(None))
        )
        is not None
    )


def rendered(session: Session, revision: Revision) -> RenderedRevision:
    """The sanitized HTML of a revision, from the cache or rendered now and cached."""
    cached = session.get(RenderedRevision, revision.id)
    if cached is not None and cached.renderer_version == markup.VERSION:
        return cached
    if cached is not None:
        session.delete(cached)
        session.flush()
    _render_and_cache(session, revision)
    session.commit()
    return session.get(RenderedRevision, revision.id)


def _render_and_cache(session: Session, revision: Revision) -> markup.Rendered:
    result = markup.render(revision.text, lambda c: existing_titles(session, c))
    session.merge(
        RenderedRevision(
            revision_id=revision.id,
            renderer_version=markup.VERSION,
            html=result.html,
            toc_html=result.toc_html,
        )
    )
    return result


def _replace_links(session: Session, page: Page, targets: set[str]) -> None:
    session.execute(delete(Link).where(Link.from_page_id == page.id))
    session.add_all(Link(from_page_id=page.id, to_title=t) for t in sorted(targets))


def invalidate_linking(session: Session, title: str) -> None:
    """A title appeared or vanished: pages linking to it must redraw their red/blue links."""
    linking = select(Link.from_page_id).where(Link.to_title == title)
    stale = select(Revision.id).where(Revision.page_id.in_(linking))
    session.execute(delete(RenderedRevision).where(RenderedRevision.revision_id.in_(stale)))


def page_doc(page: Page) -> PageDoc:
    revision = page.latest
    return PageDoc(
        page_id=page.id,
        title=page.title,
        text=markup.plain_text(revision.text),
        portals=[p.slug for p in page.portals],
        kind=page.kind,
        updated=revision.created_at.replace(tzinfo=None),
    )


def index(search: SearchBackend | None, page: Page) -> None:
    # The database is the source of truth: a failed indexing is logged, and `reindex` repairs it.
    if search is None:
        return
    try:
        search.index_page(page_doc(page))
    except Exception:
        log.exception("Indexing page %s failed; run `wikiterritoire reindex`", page.id)


def all_page_docs(session: Session) -> Iterator[PageDoc]:
    """Every live page as a search document, streamed in id order."""
    last = 0
    while True:
        batch = list(
            session.scalars(
                select(Page)
                .where(
                    Page.id > last, Page.deleted_at.is_(None), Page.latest_revision_id.isnot(None)
                )
                .order_by(Page.id)
                .limit(500)
            )
        )
        if not batch:
            return
        for page in batch:
            yield page_doc(page)
        last = batch[-1].id
        session.expunge_all()


def count_pages(session: Session) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Page)
            .where(Page.deleted_at.is_(None), Page.latest_revision_id.isnot(None))
        )
        or 0
    )
