"""Full-text search: the backend interface shared by Whoosh and PostgreSQL."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


@dataclass
class PageDoc:
    """What the index knows of a page: its current revision, as plain text."""

    page_id: int
    title: str
    text: str
    portals: list[str] = field(default_factory=list)
    kind: str = "description"
    updated: datetime | None = None


@dataclass
class Hit:
    page_id: int
    title: str
    #: Escaped text with <mark> around matched words; safe to insert in a page.
    snippet_html: str
    portals: list[str]
    score: float


@dataclass
class Results:
    hits: list[Hit]
    total: int
    page: int
    #: A corrected query when some words are unknown to the index ("did you mean").
    suggestion: str | None = None


class SearchBackend(Protocol):
    def index_page(self, doc: PageDoc) -> None: ...

    def remove_page(self, page_id: int) -> None: ...

    def doc_count(self) -> int: ...

    def search(
        self, query: str, portal: str | None = None, page: int = 1, per_page: int = 20
    ) -> Results: ...

    def rebuild(
        self, docs: Iterable[PageDoc], progress: Callable[[int], None] | None = None
    ) -> int: ...


def open_backend(settings: dict, engine: "Engine | None" = None) -> SearchBackend:
    """The backend named by WIKI_SEARCH; `postgres` shares `engine`, the application's database."""
    name = settings.get("SEARCH_BACKEND", "whoosh")
    if name == "whoosh":
        from .whoosh_index import WhooshIndex

        return WhooshIndex(settings["SEARCH_INDEX_DIR"])
    if name == "postgres":
        from .postgres_index import PostgresIndex

        return PostgresIndex(engine if engine is not None else settings["DATABASE_URL"])
    raise ValueError(f"WIKI_SEARCH inconnu : {name!r} (valeurs possibles : whoosh, postgres)")
