"""How fresh what readers see is: a counter bumped by every change to visible content.

Anonymous pages are cached (in each process and by a reverse proxy) under the counter's value;
the counter moves in the same transaction as the change, so no reader is served a page older
than a change that has been committed.
"""

from datetime import datetime

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from .models import Generation, Link, Page, Portal, RenderedRevision, Revision, utcnow

#: Changes to these are what readers see; user accounts, events and tokens are not.
VISIBLE = (Page, Revision, Link, Portal)


def _touches_visible(session: Session) -> bool:
    return any(isinstance(obj, VISIBLE) for obj in (*session.new, *session.dirty, *session.deleted))


def install(session_factory) -> None:
    """Bump the counter on every flush that changes visible content, and on bulk statements."""

    @event.listens_for(session_factory, "before_flush")
    def _before_flush(session, _context, _instances):
        if _touches_visible(session):
            session.info["bump_generation"] = True

    @event.listens_for(session_factory, "after_flush")
    def _after_flush(session, _context):
        if session.info.pop("bump_generation", False):
            bump(session)

    @event.listens_for(session_factory, "do_orm_execute")
    def _bulk(state):
        # Bulk UPDATE/DELETE bypass the unit of work (e.g. moving a page's current revision).
        if (state.is_update or state.is_delete) and _bulk_target(state) in _VISIBLE_TABLES:
            state.session.info["bump_after_execute"] = True

    @event.listens_for(session_factory, "before_commit")
    def _before_commit(session):
        if session.info.pop("bump_after_execute", False):
            bump(session)


_VISIBLE_TABLES = {m.__tablename__ for m in VISIBLE} | {RenderedRevision.__tablename__}


def _bulk_target(state) -> str | None:
    table = getattr(state.statement, "table", None)
    return getattr(table, "name", None)


def bump(session: Session) -> None:
    session.connection().execute(
        update(Generation)
        .where(Generation.id == 1)
        .values(value=Generation.value + 1, changed_at=utcnow())
    )


def current(session: Session) -> tuple[int, datetime]:
    """(value, time of the last change)."""
    row = session.execute(select(Generation.value, Generation.changed_at)).first()
    return (row.value, row.changed_at) if row else (0, utcnow())
