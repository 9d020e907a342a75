"""Search: queries and rebuilding the index, whatever the backend."""

from collections.abc import Callable

from sqlalchemy.orm import Session

from ..errors import InvalidInput
from ..search import Results, SearchBackend
from . import pages, portals

MAX_QUERY_LENGTH = 300


def search(
    session: Session,
    backend: SearchBackend,
    query: str,
    portal: str | None = None,
    page: int = 1,
    per_page: int = 20,
) -> Results:
    """Search live pages; `portal` is a portal slug that restricts the results."""
    query = " ".join((query or "").split())
    if len(query) > MAX_QUERY_LENGTH:
        raise InvalidInput(f"La recherche est trop longue ({MAX_QUERY_LENGTH} caractères au plus).")
    if portal:
        portals.get_portal(session, portal)
    per_page = max(1, min(per_page, 100))
    return backend.search(query, portal=portal, page=max(1, min(page, 1000)), per_page=per_page)


def reindex(
    session: Session, backend: SearchBackend, progress: Callable[[int], None] | None = None
) -> int:
    """Rebuild the whole index from the database, the source of truth."""
    return backend.rebuild(pages.all_page_docs(session), progress)
