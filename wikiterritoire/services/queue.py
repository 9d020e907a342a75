"""The moderation queue: the first edits of new accounts held until someone confirmed approves.

Off by default. Moderators turn it on for every page or for some portals (`Portal.moderated`)
and choose how many first edits of an account are held. A held edit is a pending revision: the
page keeps its last published version until a confirmed contributor approves the edit (it then
becomes current, as if just saved) or rejects it (it stays in the database, out of sight).
"""

import difflib
from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import diff, titles
from ..errors import Conflict, InvalidInput, PermissionDenied
from ..models import Page, Portal, Revision, Setting, User
from ..search import SearchBackend
from . import moderation, pages, permissions, visibility

#: Keys of the `Setting` rows.
ALL_PAGES = "queue.all_pages"
FIRST_EDITS = "queue.first_edits"
DEFAULT_FIRST_EDITS = 5
MAX_FIRST_EDITS = 1000
REVIEW = "Relecture des modifications en attente"


@dataclass
class QueueSettings:
    #: Hold the first edits of new accounts on every page.
    all_pages: bool
    #: How many first (published) edits of an account are held.
    first_edits: int
    #: Slugs of the portals whose pages are moderated, whatever `all_pages` says.
    portals: list[str]

    @property
    def enabled(self) -> bool:
        return self.all_pages or bool(self.portals)


def _value(session: Session, key: str, default):
    row = session.get(Setting, key)
    return default if row is None else row.value


def _store(session: Session, key: str, value) -> None:
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value


def get_settings(session: Session) -> QueueSettings:
    """The queue's settings; readable by anyone (authors may know their edits will wait)."""
    return QueueSettings(
        all_pages=bool(_value(session, ALL_PAGES, False)),
        first_edits=int(_value(session, FIRST_EDITS, DEFAULT_FIRST_EDITS)),
        portals=list(
            session.scalars(
                select(Portal.slug)
                .where(Portal.moderated.is_(True))
                .order_by(Portal.position, Portal.name)
            )
        ),
    )


def update_settings(
    session: Session,
    user: User | None,
    all_pages: bool | None = None,
    first_edits: int | None = None,
    portals: list[str] | None = None,
) -> QueueSettings:
    """Moderators turn the queue on or off, for all pages or some portals (None: unchanged)."""
    permissions.require(user, "moderator", "Modération")
    if first_edits is not None and (
        isinstance(first_edits, bool)
        or not isinstance(first_edits, int)
        or not 1 <= first_edits <= MAX_FIRST_EDITS
    ):
        raise InvalidInput(
            "Le nombre de premières modifications retenues doit être un entier "
            f"entre 1 et {MAX_FIRST_EDITS}."
        )
    every_portal = list(session.scalars(select(Portal)))
    if portals is not None:
        unknown = set(portals) - {p.slug for p in every_portal}
        if unknown:
            raise InvalidInput(f"Portail inconnu : {', '.join(sorted(unknown))}.")
    before = get_settings(session)
    if all_pages is not None:
        _store(session, ALL_PAGES, bool(all_pages))
    if first_edits is not None:
        _store(session, FIRST_EDITS, first_edits)
    if portals is not None:
        for portal in every_portal:
            portal.moderated = portal.slug in portals
    session.flush()
    after = get_settings(session)
    if after != before:
        moderation._log(
            session,
            "queue_settings",
            user,
            all_pages=after.all_pages,
            first_edits=after.first_edits,
            portals=after.portals,
        )
    session.commit()
    return after


def should_hold(session: Session, edit) -> bool:
    """Whether this edit waits for approval: its author is not confirmed, is still among their
    first edits, and the queue is on for every page or for one of the page's portals (for a
    creation, of the portals chosen)."""
    if edit.user.has_role("confirmed"):
        return False
    if edit.account_edits >= int(_value(session, FIRST_EDITS, DEFAULT_FIRST_EDITS)):
        return False
    if _value(session, ALL_PAGES, False):
        return True
    slugs = set(edit.portals) | {p.slug for p in (edit.page.portals if edit.page else ())}
    if not slugs:
        return False
    moderated = select(func.count()).where(Portal.slug.in_(slugs), Portal.moderated.is_(True))
    return bool(session.scalar(moderated))


@dataclass
class PendingEdit:
    """A held edit as a reviewer sees it, with its changes against the version it started from."""

    revision: Revision
    #: The published revision the author started from (None for a creation).
    parent: Revision | None
    #: A text involved is hidden from this reviewer: no diff is shown.
    masked: bool

    @property
    def outdated(self) -> bool:
        """The page moved on since: approving would conflict."""
        return self.revision.page.latest_revision_id != self.revision.parent_id

    @property
    def old_text(self) -> str:
        return self.parent.text if self.parent else ""

    @cached_property
    def rows(self) -> list[diff.Row] | None:
        return None if self.masked else diff.diff_rows(self.old_text, self.revision.text)

    @cached_property
    def unified(self) -> str | None:
        """The changes as a unified diff (for the API)."""
        if self.masked:
            return None
        lines = difflib.unified_diff(
            self.old_text.splitlines(),
            self.revision.text.splitlines(),
            f"version {self.parent.id}" if self.parent else "/dev/null",
            f"version {self.revision.id}",
            lineterm="",
        )
        return "\n".join(lines)


def _pending():
    return (
        select(Revision)
        .join(Page, Page.id == Revision.page_id)
        .where(Revision.status == "pending", Page.deleted_at.is_(None))
    )


def pending(session: Session, user: User | None, limit: int = 200) -> list[PendingEdit]:
    """Held edits, oldest first, for confirmed contributors to review."""
    permissions.require(user, "confirmed", REVIEW)
    items = []
    for revision in session.scalars(_pending().order_by(Revision.id).limit(limit)):
        parent = session.get(Revision, revision.parent_id) if revision.parent_id else None
        readable = visibility.may_read_text(user, revision) and (
            parent is None or visibility.may_read_text(user, parent)
        )
        items.append(PendingEdit(revision, parent, masked=not readable))
    return items


def pending_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(_pending().subquery())) or 0


def own_pending(session: Session, user: User | None, title: str) -> list[Revision]:
    """`user`'s edits of the page titled `title` that still wait for review, newest first."""
    if user is None:
        return []
    return list(
        session.scalars(
            _pending()
            .where(Page.title == titles.validate(title), Revision.author_id == user.id)
            .order_by(Revision.id.desc())
        )
    )


def _held(session: Session, user: User | None, revision_id) -> Revision:
    permissions.require(user, "confirmed", REVIEW)
    revision = pages.get_revision(session, revision_id)
    if revision.status != "pending":
        done = "acceptée" if revision.status == "published" else "refusée"
        raise InvalidInput(
            f"La version {revision.id} n'est pas en attente : elle a déjà été {done}."
        )
    return revision


def approve(
    session: Session, search: SearchBackend | None, user: User | None, revision_id
) -> Revision:
    """Publish a held edit: it becomes the page's current version, as if just saved; logged.

    `Conflict` when the page moved on since the edit started: approving it would silently undo
    the changes made meanwhile. The reviewer can reject it; its author can redo it.
    """
    revision = _held(session, user, revision_id)
    if revision.author_id == user.id:
        raise PermissionDenied(
            "Vous ne pouvez pas accepter votre propre modification : "
            "un autre contributeur confirmé doit la relire."
        )
    if revision.text_hidden:
        raise InvalidInput(
            "Le texte de cette modification est masqué : refusez-la, "
            "ou demandez à un modérateur de rendre son texte visible d'abord."
        )
    page = revision.page
    # Publishing on a page protected since needs the right to edit it.
    pages.check_can_edit(user, page if page.latest_revision_id is not None else None)
    if page.latest_revision_id != revision.parent_id:
        _raise_outdated(page)
    revision.status = "published"
    revision.patrolled = True
    author = revision.author.name if revision.author else None
    moderation._log(session, "queue_approve", user, page, revision_id=revision.id, author=author)
    if not pages.publish(session, search, revision, revision.parent_id):
        session.rollback()
        _raise_outdated(page)
    return revision


def _raise_outdated(page: Page):
    raise Conflict(
        f"La page « {page.title} » a été modifiée depuis que cette modification a été proposée : "
        "l'accepter effacerait les changements faits entre-temps. Refusez-la (son auteur pourra "
        "la refaire à partir de la version actuelle) ou reportez ses changements à la main.",
        current_revision_id=page.latest_revision_id,
    )


def reject(session: Session, user: User | None, revision_id, reason: str = "") -> Revision:
    """Keep a held edit out of the wiki; it stays in the database and the log says why."""
    revision = _held(session, user, revision_id)
    reason = permissions.reason(reason)
    revision.status = "rejected"
    revision.patrolled = True
    author = revision.author.name if revision.author else None
    # A rejected creation's title may be the problem: the public log does not name the page.
    page = revision.page if revision.page.latest_revision_id is not None else None
    moderation._log(
        session,
        "queue_reject",
        user,
        page,
        revision_id=revision.id,
        author=author,
        reason=reason,
    )
    session.commit()
    return revision
