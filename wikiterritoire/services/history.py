"""History and what is read from it: a page's revisions, diffs, contributors, backlinks,
recent changes and a user's contributions.

Only published revisions are history: held and rejected edits are seen through the moderation
queue (see `queue`), never as if they had been published.
"""

import re
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import Session

from .. import diff, risk
from ..errors import InvalidInput
from ..models import Link, Page, Portal, Revision, User, WatchlistEntry, page_portals, utcnow
from . import pages, visibility

PUBLISHED = Revision.status == "published"


def page_history(session: Session, page: Page, limit: int = 100, offset: int = 0) -> list[Revision]:
    """Revisions of `page`, newest first."""
    return list(
        session.scalars(
            select(Revision)
            .where(Revision.page_id == page.id, PUBLISHED)
            .order_by(Revision.id.desc())
            .limit(limit)
            .offset(offset)
        )
    )


def revision_count(session: Session, page: Page) -> int:
    return session.scalar(select(func.count()).where(Revision.page_id == page.id, PUBLISHED)) or 0


def compare(
    session: Session, from_id, to_id, viewer: User | None = None
) -> tuple[Revision, Revision, list[diff.Row] | None]:
    """Diff between two revisions of the same page, as `viewer` may read them: rows are None
    when either text is hidden from them."""
    old = visibility.check_readable(viewer, pages.get_revision(session, from_id))
    new = visibility.check_readable(viewer, pages.get_revision(session, to_id))
    if old.page_id != new.page_id:
        raise InvalidInput(
            "Ces deux versions n'appartiennent pas à la même page : pas de comparaison possible."
        )
    if not (visibility.may_read_text(viewer, old) and visibility.may_read_text(viewer, new)):
        return old, new, None
    return old, new, diff.diff_rows(old.text, new.text)


def backlinks(session: Session, page: Page) -> list[str]:
    """Titles of the live pages whose current text links to `page`."""
    return list(
        session.scalars(
            select(Page.title)
            .join(Link, Link.from_page_id == Page.id)
            .where(Link.to_title == page.title, Page.deleted_at.is_(None))
            .order_by(Page.title)
        )
    )


def contributors(session: Session, page: Page) -> list[User]:
    """Everyone who wrote a revision of the page, most recent first."""
    rows = session.execute(
        select(User, func.max(Revision.id).label("last"))
        .join(Revision, Revision.author_id == User.id)
        .where(Revision.page_id == page.id, PUBLISHED)
        .group_by(User.id)
        .order_by(func.max(Revision.id).desc())
    )
    return [user for user, _ in rows]


@dataclass
class ChangeFilters:
    """What a patroller may narrow recent changes to; every filter is optional."""

    unpatrolled: bool = False
    creations: bool = False
    newcomers: bool = False
    large_removals: bool = False
    risky: bool = False
    portal: str | None = None
    tag: str | None = None
    #: Only pages this user follows (their watchlist).
    watched_by: int | None = None

    @property
    def active(self) -> bool:
        """Whether anything narrows the list (log entries are then left out)."""
        return any(vars(self).values())


#: An account younger than this counts as a new contributor in recent changes.
NEWCOMER_DAYS = 7
LARGE_REMOVAL = -500


def recent_changes(
    session: Session, limit: int = 50, offset: int = 0, filters: ChangeFilters | None = None
) -> list[Revision]:
    """The latest revisions across the wiki, newest first, narrowed by `filters`."""
    f = filters or ChangeFilters()
    query = (
        select(Revision)
        .join(Page, Page.id == Revision.page_id)
        .where(Page.deleted_at.is_(None), PUBLISHED)
        .order_by(Revision.id.desc())
        .limit(min(limit, 500))
        .offset(offset)
    )
    if f.unpatrolled:
        query = query.where(Revision.patrolled.is_(False))
    if f.creations:
        query = query.where(Revision.parent_id.is_(None))
    if f.large_removals:
        query = query.where(Revision.size_delta <= LARGE_REMOVAL)
    if f.risky:
        query = query.where(Revision.risk_score >= risk.RISKY)
    if f.newcomers:
        recent = utcnow() - timedelta(days=NEWCOMER_DAYS)
        query = query.where(
            Revision.author_id.in_(select(User.id).where(User.created_at >= recent))
        )
    if f.portal:
        query = query.where(
            Page.id.in_(
                select(page_portals.c.page_id)
                .join(Portal, Portal.id == page_portals.c.portal_id)
                .where(Portal.slug == f.portal)
            )
        )
    if f.watched_by is not None:
        query = query.where(
            Revision.page_id.in_(
                select(WatchlistEntry.page_id).where(WatchlistEntry.user_id == f.watched_by)
            )
        )
    if f.tag:
        if not re.fullmatch(r"[a-z0-9-]{1,32}", f.tag):
            raise InvalidInput("Étiquette invalide.")
        # Tags are a JSON list; its text form is portable across SQLite and PostgreSQL.
        query = query.where(cast(Revision.tags, String).like(f'%"{f.tag}"%'))
    return list(session.scalars(query))


def contributions(session: Session, user: User, limit: int = 100) -> list[Revision]:
    """A user's latest revisions on live pages, newest first."""
    return list(
        session.scalars(
            select(Revision)
            .join(Page, Page.id == Revision.page_id)
            .where(Revision.author_id == user.id, Page.deleted_at.is_(None), PUBLISHED)
            .order_by(Revision.id.desc())
            .limit(limit)
        )
    )
