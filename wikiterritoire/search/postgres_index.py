"""The scale-out search backend: PostgreSQL full-text search, shared by every app server.

Uses the `wiki_french` text search configuration (French stemming of accent-folded words) and the
`search_pages` / `search_words` tables made by migration 0100. Titles weigh A, bodies B;
results are ranked by `ts_rank`, snippets come from `ts_headline`, and "did you mean" looks up the
closest known word by trigram similarity (pg_trgm), then by edit distance.
"""

import re
from collections.abc import Callable, Iterable
from html import escape

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, Engine

from ..markup import sanitize
from . import Hit, PageDoc, Results

#: The tables this backend owns; migrations create them, autogenerate leaves them alone.
TABLES = frozenset({"search_pages", "search_words"})
CONFIG = "wiki_french"
#: Text beyond this many characters is kept for reading but not indexed: a tsvector must stay
#: under 1 MB, and positions stop at 16,383 anyway.
MAX_INDEXED_CHARS = 250_000
#: Snippets are cut from the start of the body only: ts_headline parses all it is given, and
#: whole articles would make highlighting most of a search's time (as in the Whoosh backend).
MAX_HEADLINE_CHARS = 4_000
#: Private-use characters marking matches in ts_headline's output, before the text is escaped.
MARK_START, MARK_END = "\ue000", "\ue001"
#: Stands for "<" in the index: the text is plain, but PostgreSQL's parser would take "<b>" for a
#: tag and drop it, with the words of a "<script>…</script>" block.
LESS_THAN = "\ue002"
_PLAIN = str.maketrans({MARK_START: None, MARK_END: None, "<": LESS_THAN})
HEADLINE_OPTIONS = (
    f'StartSel="{MARK_START}", StopSel="{MARK_END}", MaxWords=30, MinWords=12, ShortWord=2, '
    'MaxFragments=2, FragmentDelimiter=" … "'
)
#: First key of the advisory locks that serialize the indexing of one page.
_LOCK_SPACE = 0x57494B49
_WORDS = re.compile(r"\w+")
_BATCH = 500

# Only constants are formatted into the SQL here and below; values are always bound parameters.
_UPSERT = text(f"""
    INSERT INTO search_pages (page_id, title, body, portals, words, document)
    SELECT :page_id, :title, :body, CAST(:portals AS text[]),
        ARRAY(
            SELECT w FROM unnest(tsvector_to_array(
                to_tsvector('wiki_words', :title || ' ' || left(:body, {MAX_INDEXED_CHARS}))
            )) AS w
            WHERE length(w) > 1
        ),
        setweight(to_tsvector('{CONFIG}', :title), 'A')
            || setweight(to_tsvector('{CONFIG}', left(:body, {MAX_INDEXED_CHARS})), 'B')
    ON CONFLICT (page_id) DO UPDATE SET
        title = excluded.title, body = excluded.body, portals = excluded.portals,
        words = excluded.words, document = excluded.document
    RETURNING words
""")  # noqa: S608
_COUNT_WORDS = text("""
    INSERT INTO search_words (word, doc_count)
    SELECT word, delta FROM unnest(CAST(:words AS text[]), CAST(:deltas AS int[])) AS t(word, delta)
    ORDER BY word
    ON CONFLICT (word) DO UPDATE SET doc_count = search_words.doc_count + excluded.doc_count
""")
_FORGET_WORDS = text(
    "DELETE FROM search_words WHERE word = ANY(CAST(:words AS text[])) AND doc_count <= 0"
)


def _french_stop_words() -> frozenset[str]:
    # The same list as the Whoosh backend: PostgreSQL's French list misses "les", "cette"…
    from .whoosh_index import FRENCH_STOP_WORDS

    return FRENCH_STOP_WORDS


class PostgresIndex:
    """Search documents in PostgreSQL tables; any number of app servers may share them."""

    def __init__(self, engine: Engine | str):
        if isinstance(engine, str):
            engine = create_engine(engine, pool_pre_ping=True)
        if engine.dialect.name != "postgresql":
            raise ValueError(
                "WIKI_SEARCH=postgres demande une base PostgreSQL "
                "(WIKI_DATABASE_URL=postgresql+psycopg://…)."
            )
        self.engine = engine
        self._stop_words = _french_stop_words()

    # --- writing --------------------------------------------------------------------------------

    @staticmethod
    def _params(doc: PageDoc) -> dict:
        return {
            "page_id": doc.page_id,
            "title": doc.title.translate(_PLAIN),
            "body": doc.text.translate(_PLAIN),
            "portals": list(doc.portals),
        }

    def index_page(self, doc: PageDoc) -> None:
        with self.engine.begin() as conn:
            old = self._lock_and_read_words(conn, doc.page_id)
            new = conn.execute(_UPSERT, self._params(doc)).scalar_one()
            self._count(conn, added=set(new) - old, removed=old - set(new))

    def remove_page(self, page_id: int) -> None:
        with self.engine.begin() as conn:
            self._lock_and_read_words(conn, page_id)
            old = conn.execute(
                text("DELETE FROM search_pages WHERE page_id = :id RETURNING words"),
                {"id": page_id},
            ).scalar()
            self._count(conn, added=set(), removed=set(old or ()))

    @staticmethod
    def _lock_and_read_words(conn: Connection, page_id: int) -> set[str]:
        """The words the page is counted for, once nobody else may change them."""
        # As long as Whoosh's writer lock: past that, the failure is logged and `reindex` repairs.
        conn.execute(text("SET LOCAL lock_timeout = '30s'"))
        # Two workers indexing the same page must not both count its words, even the first time.
        conn.execute(
            text("SELECT pg_advisory_xact_lock(:space, :id)"),
            {"space": _LOCK_SPACE, "id": page_id},
        )
        # FOR UPDATE also waits for a rebuild in progress, and then reads what it wrote.
        words = conn.execute(
            text("SELECT words FROM search_pages WHERE page_id = :id FOR UPDATE"), {"id": page_id}
        ).scalar()
        return set(words or ())

    @staticmethod
    def _count(conn: Connection, added: set[str], removed: set[str]) -> None:
        """Move the page counts of words; sorted, so that concurrent updates lock in one order."""
        if not added and not removed:
            return
        deltas = sorted([(w, 1) for w in added] + [(w, -1) for w in removed])
        conn.execute(
            _COUNT_WORDS, {"words": [w for w, _ in deltas], "deltas": [d for _, d in deltas]}
        )
        if removed:
            conn.execute(_FORGET_WORDS, {"words": sorted(removed)})

    def doc_count(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM search_pages")).scalar_one()

    def rebuild(
        self, docs: Iterable[PageDoc], progress: Callable[[int], None] | None = None
    ) -> int:
        """Replace the whole index with `docs` in one transaction; returns how many were indexed.

        Searches keep seeing the old index until the new one is complete.
        """
        count = 0
        with self.engine.begin() as conn:
            # Searches go on reading the old index; saves wait to index their page afterwards.
            conn.execute(text("LOCK TABLE search_pages, search_words IN EXCLUSIVE MODE"))
            conn.execute(text("DELETE FROM search_pages"))
            conn.execute(text("DELETE FROM search_words"))
            batch: list[dict] = []
            for doc in docs:
                batch.append(self._params(doc))
                if len(batch) >= _BATCH:
                    count += self._insert(conn, batch, progress)
                    batch = []
            count += self._insert(conn, batch, progress)
            conn.execute(
                text(
                    "INSERT INTO search_words (word, doc_count) "
                    "SELECT w, count(*) FROM search_pages, unnest(words) AS w GROUP BY w"
                )
            )
        return count

    @staticmethod
    def _insert(conn: Connection, batch: list[dict], progress) -> int:
        if not batch:
            return 0
        # Without RETURNING, SQLAlchemy sends the batch as one executemany.
        conn.execute(text(_UPSERT.text.replace("RETURNING words", "")), batch)
        if progress:
            for _ in batch:
                progress(1)
        return len(batch)

    # --- searching ------------------------------------------------------------------------------

    def search(
        self, query: str, portal: str | None = None, page: int = 1, per_page: int = 20
    ) -> Results:
        page = max(1, page)
        words = [w for w in _WORDS.findall(query or "") if w.lower() not in self._stop_words]
        if not words:
            return Results([], 0, page)
        with self.engine.connect() as conn:
            # Every word first; if that finds nothing, any word, best matches first.
            hits, total = self._run(conn, self._all_of(words), portal, page, per_page)
            if not total and len(words) > 1:
                hits, total = self._run(conn, self._any_of(words), portal, page, per_page)
            suggestion = self._suggest(conn, query) if not total else None
        return Results(hits, total, page, suggestion)

    @staticmethod
    def _all_of(words: list[str]) -> tuple[str, dict]:
        return f"plainto_tsquery('{CONFIG}', :w0)", {"w0": " ".join(words)}

    @staticmethod
    def _any_of(words: list[str]) -> tuple[str, dict]:
        parts = [f"plainto_tsquery('{CONFIG}', :w{i})" for i in range(len(words))]
        return " || ".join(parts), {f"w{i}": w for i, w in enumerate(words)}

    def _run(self, conn, tsquery, portal, page, per_page) -> tuple[list[Hit], int]:
        """One page of hits for `tsquery` (SQL and its parameters), and how many there are."""
        expression, params = tsquery
        where = "p.document @@ q.query"
        if portal:
            where += " AND p.portals @> ARRAY[CAST(:portal AS text)]"
            params["portal"] = portal
        params.update(limit=per_page, offset=(page - 1) * per_page)
        rows = conn.execute(
            text(f"""
                WITH q AS (SELECT {expression} AS query)
                SELECT hits.page_id, hits.title, hits.portals, hits.rank, hits.total,
                    ts_headline('{CONFIG}', left(hits.body, {MAX_HEADLINE_CHARS}), q.query,
                        :options) AS headline
                FROM (
                    SELECT p.page_id, p.title, p.body, p.portals,
                        ts_rank(p.document, q.query) AS rank, count(*) OVER () AS total
                    FROM search_pages AS p, q
                    WHERE {where}
                    ORDER BY rank DESC, p.page_id
                    LIMIT :limit OFFSET :offset
                ) AS hits, q
                ORDER BY hits.rank DESC, hits.page_id
            """),  # noqa: S608
            {**params, "options": HEADLINE_OPTIONS},
        ).all()
        if rows:
            return [self._hit(row) for row in rows], rows[0].total
        if page == 1:
            return [], 0
        # Past the last page: nothing to show, but the client still learns the total.
        total = conn.execute(
            text(
                f"WITH q AS (SELECT {expression} AS query) "  # noqa: S608
                f"SELECT count(*) FROM search_pages AS p, q WHERE {where}"
            ),
            params,
        ).scalar_one()
        return [], total

    @staticmethod
    def _hit(row) -> Hit:
        snippet = escape(" ".join(row.headline.split())).replace(LESS_THAN, "&lt;")
        snippet = snippet.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
        return Hit(
            page_id=row.page_id,
            title=row.title.replace(LESS_THAN, "<"),
            snippet_html=sanitize(snippet),
            portals=list(row.portals),
            score=float(row.rank),
        )

    def _suggest(self, conn: Connection, query: str) -> str | None:
        """Replace each unknown word by the closest known one, keeping the user's other words."""
        changed = False
        words = []
        for token in query.split():
            folded = conn.execute(
                text("SELECT tsvector_to_array(to_tsvector('wiki_words', :t))"), {"t": token}
            ).scalar_one()
            if len(folded) != 1 or token.lower() in self._stop_words or len(folded[0]) < 3:
                words.append(token)
                continue
            word = folded[0]
            candidates = conn.execute(
                text("""
                    SELECT word, doc_count, word = :w AS known FROM search_words
                    WHERE word % :w OR word = :w
                    ORDER BY word = :w DESC, similarity(word, :w) DESC, doc_count DESC, word
                    LIMIT 20
                """),
                {"w": word},
            ).all()
            if candidates and candidates[0].known:
                words.append(token)
                continue
            best = _closest(word, [(c.word, c.doc_count) for c in candidates])
            if best:
                words.append(best)
                changed = True
            else:
                words.append(token)
        return " ".join(words) if changed else None


def _closest(word: str, candidates: list[tuple[str, int]], max_distance: int = 2) -> str | None:
    """The candidate at the smallest edit distance (at most `max_distance`), most frequent first."""
    scored = [
        (distance, -doc_count, candidate)
        for candidate, doc_count in candidates
        if (distance := _edit_distance(word, candidate)) <= max_distance
    ]
    return min(scored)[2] if scored else None


def _edit_distance(a: str, b: str) -> int:
    """Damerau–Levenshtein distance (adjacent swaps count as one edit), as Whoosh's corrector."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]
