"""HTTP caching of what anonymous readers see: validators, Cache-Control and a page cache.

A page read without a session cookie is the same for every reader; it is kept in this
process's memory and labelled with the wiki's generation (see `wikiterritoire.freshness`), so
the next reader gets it without a template or a query beyond reading the generation, a
revalidating client or proxy gets `304 Not Modified`, and any change makes every copy stale at
once. Logged-in pages are marked private and are never stored.
"""

import functools
import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from threading import Lock

from flask import Response, current_app, make_response, request

from .. import config, freshness, markup
from . import context

#: Reverse proxies may serve an anonymous page for this long before revalidating it.
PROXY_SECONDS = 5
PUBLIC = f"public, max-age=0, s-maxage={PROXY_SECONDS}, must-revalidate"
PRIVATE = "private, no-cache"
#: Memory given to cached pages in each worker process.
MAX_BYTES = 24 * 1024 * 1024


@dataclass
class Entry:
    generation: int
    body: bytes
    status: int
    content_type: str


class PageCache:
    """A byte-bounded LRU of rendered pages, keyed by URL."""

    def __init__(self, max_bytes: int = MAX_BYTES):
        self.max_bytes = max_bytes
        self.size = 0
        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self._lock = Lock()

    def get(self, key: str, generation: int) -> Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry.generation != generation:
                return None
            self._entries.move_to_end(key)
            return entry

    def put(self, key: str, entry: Entry) -> None:
        if len(entry.body) > self.max_bytes // 8:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.size -= len(old.body)
            self._entries[key] = entry
            self.size += len(entry.body)
            while self.size > self.max_bytes:
                _, evicted = self._entries.popitem(last=False)
                self.size -= len(evicted.body)


@functools.cache
def build_id() -> str:
    """Changes when templates, styles or the renderer change: old validators must not match."""
    digest = hashlib.sha1(str(markup.VERSION).encode())  # noqa: S324 - a fingerprint
    for folder in ("templates", "static"):
        for path in sorted(Path(config.ROOT / folder).rglob("*")):
            if path.is_file():
                digest.update(path.name.encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def is_anonymous() -> bool:
    """No cookie that could carry a login, a flash message or a form token."""
    cookies = request.cookies
    return not (
        current_app.config.get("SESSION_COOKIE_NAME", "session") in cookies
        or "remember_token" in cookies
        or request.headers.get("Authorization")
    )


def _etag(generation: int) -> str:
    return f"{build_id()}-{generation}"


def _not_modified(etag: str, changed_at: datetime) -> bool:
    if request.if_none_match:
        return request.if_none_match.contains_weak(etag)
    since = request.if_modified_since
    return since is not None and changed_at.replace(microsecond=0) <= since


def anonymous_cache(view):
    """Serve GET `view` to anonymous readers from the page cache, with validators."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if request.method != "GET" or not is_anonymous():
            response = make_response(view(*args, **kwargs))
            response.headers["Cache-Control"] = PRIVATE
            return response
        generation, changed_at = freshness.current(context.db())
        etag = _etag(generation)
        if _not_modified(etag, changed_at):
            response = Response(status=304)
        else:
            cache: PageCache = current_app.extensions["page_cache"]
            key = request.full_path
            entry = cache.get(key, generation)
            if entry is None:
                rendered = make_response(view(*args, **kwargs))
                if rendered.status_code not in (200, 404) or rendered.headers.get("Set-Cookie"):
                    return rendered
                entry = Entry(
                    generation, rendered.get_data(), rendered.status_code, rendered.content_type
                )
                cache.put(key, entry)
            response = Response(entry.body, status=entry.status, content_type=entry.content_type)
        response.set_etag(etag)
        response.last_modified = changed_at
        response.headers["Cache-Control"] = PUBLIC
        response.vary.add("Cookie")
        return response

    return wrapper


def init_app(app) -> None:
    app.extensions["page_cache"] = PageCache()
