"""Watchlists: the pages a contributor follows, their changes, and a private Atom feed."""

import secrets

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..errors import AuthenticationRequired, NotFound
from ..models import Page, Revision, User, WatchlistEntry
from . import history, pages


def _require_user(user: User | None) -> User:
    if user is None:
        raise AuthenticationRequired("Connectez-vous pour suivre des pages.")
    return user


def is_watching(session: Session, user: User | None, page: Page) -> bool:
    if user is None:
        return False
    return session.get(WatchlistEntry, (user.id, page.id)) is not None


def add(session: Session, user: User, page: Page) -> None:
    """Follow `page`; following twice is harmless. The caller commits."""
    if session.get(WatchlistEntry, (user.id, page.id)) is None:
        session.add(WatchlistEntry(user_id=user.id, page_id=page.id))


def watch(session: Session, user: User | None, title: str) -> Page:
    user = _require_user(user)
    page = pages.get_page(session, title)
    add(session, user, page)
    session.commit()
    return page


def unwatch(session: Session, user: User | None, title: str) -> Page:
    user = _require_user(user)
    page = pages.get_page(session, title)
    session.execute(
        delete(WatchlistEntry).where(
            WatchlistEntry.user_id == user.id, WatchlistEntry.page_id == page.id
        )
    )
    session.commit()
    return page


def watched_titles(session: Session, user: User | None) -> list[str]:
    user = _require_user(user)
    return list(
        session.scalars(
            select(Page.title)
            .join(WatchlistEntry, WatchlistEntry.page_id == Page.id)
            .where(WatchlistEntry.user_id == user.id, Page.deleted_at.is_(None))
            .order_by(Page.title)
        )
    )


def changes(session: Session, user: User | None, limit: int = 100) -> list[Revision]:
    """Recent revisions of the pages `user` follows, newest first."""
    user = _require_user(user)
    filters = history.ChangeFilters(watched_by=user.id)
    return history.recent_changes(session, limit=limit, filters=filters)


def set_auto_watch(session: Session, user: User | None, enabled: bool) -> User:
    user = _require_user(user)
    user.watch_own_edits = enabled
    session.commit()
    return user


def feed_token(session: Session, user: User | None, renew: bool = False) -> str:
    """The secret of the user's private feed URL, created on first use."""
    user = _require_user(user)
    if user.feed_token is None or renew:
        user.feed_token = secrets.token_urlsafe(24)
        session.commit()
    return user.feed_token


def user_for_feed(session: Session, token: str) -> User:
    user = session.scalar(select(User).where(User.feed_token == token)) if token else None
    if user is None:
        raise NotFound("Ce flux n'existe pas (son adresse a peut-être été renouvelée).")
    return user
