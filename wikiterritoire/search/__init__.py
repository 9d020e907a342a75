"""Full-text search: the backend interface shared by Whoosh and, later, PostgreSQL."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


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


def open_backend(settings: dict) -> SearchBackend:
    """The backend named by WIKI_SEARCH."""
    name = settings.get("SEARCH_BACKEND", "whoosh")
    if name == "whoosh":
        from .whoosh_index import WhooshIndex

        return WhooshIndex(settings["SEARCH_INDEX_DIR"])
    raise ValueError(f"WIKI_SEARCH inconnu : {name!r} (valeurs possibles : whoosh)")
