"""The embedded search backend: a Whoosh index with French stemming and accent folding."""

import threading
from collections.abc import Callable, Iterable
from html import escape
from pathlib import Path

import Stemmer
from whoosh import highlight, index
from whoosh.analysis import (
    CharsetFilter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.fields import DATETIME, ID, KEYWORD, TEXT, Schema
from whoosh.lang.stopwords import stoplists
from whoosh.qparser import AndGroup, MultifieldParser, OrGroup
from whoosh.query import Term
from whoosh.support.charset import accent_map

from ..markup import sanitize
from . import Hit, PageDoc, Results

#: Snippets look for matches in the first characters only: re-analysing whole articles for
#: every hit made highlighting three quarters of a search's time.
SNIPPET_SCAN_CHARS = 2000
#: Bump when the schema or an analyzer changes: an index of another version is rebuilt.
SCHEMA_VERSION = "2"
_stemmers = threading.local()
#: Whoosh's French list misses some of the commonest words.
FRENCH_STOP_WORDS = frozenset(stoplists["fr"]) | {"les", "a", "cet", "cette", "ces", "aux"}


def french_stem(word: str) -> str:
    """Current Snowball French (PyStemmer, in C): Whoosh's bundled port is older and slower.

    Module-level so that the schema Whoosh pickles into the index can refer to it.
    """
    stemmer = getattr(_stemmers, "french", None)
    if stemmer is None:
        stemmer = _stemmers.french = Stemmer.Stemmer("french")
    return stemmer.stemWord(word)


def french_analyzer(stem: bool = True):
    """Words, lower case, French stop words, Snowball French stems, then accents folded.

    Stemming runs before folding because the Snowball rules rely on accents ("é", "è").
    """
    chain = RegexTokenizer() | LowercaseFilter() | StopFilter(stoplist=FRENCH_STOP_WORDS, minsize=1)
    if stem:
        chain = chain | StemFilter(stemfn=french_stem)
    return chain | CharsetFilter(accent_map)


def make_schema() -> Schema:
    return Schema(
        page_id=ID(unique=True, stored=True),
        title=TEXT(analyzer=french_analyzer(), field_boost=4.0, stored=True),
        body=TEXT(analyzer=french_analyzer(), stored=True),
        # Whole words, unstemmed: the vocabulary for "did you mean".
        words=TEXT(analyzer=french_analyzer(stem=False)),
        portals=KEYWORD(stored=True, commas=True),
        kind=ID(stored=True),
        updated=DATETIME(stored=True),
    )


class WhooshIndex:
    """One Whoosh index directory; searchers are per thread and refreshed when it changes."""

    def __init__(self, path: str):
        self.path = Path(path)
        self._local = threading.local()
        self._ix = None

    def _index(self):
        if self._ix is None:
            self.path.mkdir(parents=True, exist_ok=True)
            if index.exists_in(self.path) and self._version() == SCHEMA_VERSION:
                self._ix = index.open_dir(self.path)
            else:
                # A missing or outdated index starts empty; `init` then refills it from the DB.
                self._ix = index.create_in(self.path, make_schema())
                (self.path / "VERSION").write_text(SCHEMA_VERSION)
        return self._ix

    def _version(self) -> str:
        marker = self.path / "VERSION"
        return marker.read_text().strip() if marker.exists() else ""

    def _searcher(self):
        searcher = getattr(self._local, "searcher", None)
        searcher = searcher.refresh() if searcher else self._index().searcher()
        self._local.searcher = searcher
        return searcher

    @staticmethod
    def _fields(doc: PageDoc) -> dict:
        return {
            "page_id": str(doc.page_id),
            "title": doc.title,
            "body": doc.text,
            "words": f"{doc.title}\n{doc.text}",
            "portals": ",".join(doc.portals),
            "kind": doc.kind,
            "updated": doc.updated,
        }

    def index_page(self, doc: PageDoc) -> None:
        # A timeout rather than failing at once: several workers may save at the same moment.
        writer = self._index().writer(timeout=30.0)
        writer.update_document(**self._fields(doc))
        # Merging segments on every save costs hundreds of milliseconds; Whoosh's own
        # merge policy still runs when many small segments pile up.
        writer.commit(merge=len(self._ix._segments()) > 20)

    def remove_page(self, page_id: int) -> None:
        with self._index().writer(timeout=30.0) as writer:
            writer.delete_by_term("page_id", str(page_id))

    def doc_count(self) -> int:
        return self._index().doc_count()

    def rebuild(
        self, docs: Iterable[PageDoc], progress: Callable[[int], None] | None = None
    ) -> int:
        """Replace the whole index with `docs`; returns how many were indexed."""
        self.path.mkdir(parents=True, exist_ok=True)
        self._ix = index.create_in(self.path, make_schema())
        (self.path / "VERSION").write_text(SCHEMA_VERSION)
        self._local = threading.local()
        count = 0
        writer = self._ix.writer(limitmb=256)
        try:
            for doc in docs:
                writer.add_document(**self._fields(doc))
                count += 1
                if progress:
                    progress(1)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        return count

    def search(
        self, query: str, portal: str | None = None, page: int = 1, per_page: int = 20
    ) -> Results:
        query = (query or "").strip()
        if not query:
            return Results([], 0, page)
        searcher = self._searcher()
        schema = self._index().schema
        filter_q = Term("portals", portal) if portal else None
        page = max(1, page)
        results = None
        # Every word first; if that finds nothing, any word, best matches first.
        for group in (AndGroup, OrGroup.factory(0.9)):
            parser = MultifieldParser(["title", "body"], schema, group=group)
            parsed = parser.parse(query)
            results = searcher.search_page(parsed, page, pagelen=per_page, filter=filter_q)
            if results.total:
                break
        if results.total and results.pagenum != page:
            # Whoosh answers a page past the end with the last page; a client paging on
            # until it gets nothing must get nothing.
            return Results([], results.total, page)
        results.results.fragmenter = highlight.ContextFragmenter(
            maxchars=240, surround=60, charlimit=SNIPPET_SCAN_CHARS
        )
        results.results.formatter = highlight.HtmlFormatter(tagname="mark", between=" … ")
        hits = [
            Hit(
                page_id=int(hit["page_id"]),
                title=hit["title"],
                snippet_html=sanitize(hit.highlights("body", top=2) or _lead(hit["body"])),
                portals=[p for p in hit.get("portals", "").split(",") if p],
                score=hit.score or 0.0,
            )
            for hit in results
        ]
        suggestion = self._suggest(searcher, query) if not results.total else None
        return Results(hits, results.total, page, suggestion)

    def _suggest(self, searcher, query: str) -> str | None:
        """Replace each unknown word by the closest known one, keeping the user's other words."""
        analyzer = french_analyzer(stem=False)
        corrector = searcher.corrector("words")
        changed = False
        words = []
        for token in query.split():
            folded = [t.text for t in analyzer(token)]
            if not folded or searcher.doc_frequency("words", folded[0]):
                words.append(token)
                continue
            options = corrector.suggest(folded[0], limit=1, maxdist=2)
            if options:
                words.append(options[0])
                changed = True
            else:
                words.append(token)
        return " ".join(words) if changed else None


def _lead(text: str, length: int = 200) -> str:
    text = " ".join(text.split())
    return escape(text[:length] + ("…" if len(text) > length else ""))
