"""Markdown to safe HTML: mistune 3 with wikilinks, tables and footnotes, then bleach.

`render` is the only entry point; templates only ever receive its sanitized output.
"""

import html
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import bleach
import mistune
from mistune.toc import normalize_toc_item, render_toc_ul

from . import titles
from .errors import InvalidTitle

#: Bump when the output for the same source changes, so that cached HTML is recomputed.
VERSION = 3
#: Articles with fewer headings than this get no table of contents.
TOC_MIN_HEADINGS = 3

WIKILINK_PATTERN = r"\[\[(?P<wl_target>[^\[\]|\n]{1,255})(?:\|(?P<wl_label>[^\[\]\n]{1,255}))?\]\]"
_WIKILINK_RE = re.compile(WIKILINK_PATTERN)

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "div", "dl", "dt",
    "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins",
    "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "section", "small", "span", "strong",
    "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title", "class", "id"],
    "abbr": ["title"],
    "code": ["class"],
    "div": ["class"],
    "h1": ["id"], "h2": ["id"], "h3": ["id"], "h4": ["id"], "h5": ["id"], "h6": ["id"],
    "img": ["src", "alt", "title", "width", "height", "loading"],
    "li": ["id", "class"],
    "ol": ["start"],
    "section": ["class"],
    "sup": ["id", "class"],
    "td": ["colspan", "rowspan", "class"],
    "th": ["colspan", "rowspan", "scope", "class"],
}  # fmt: skip
ALLOWED_PROTOCOLS = {"http", "https", "mailto"}
_URL_ATTRIBUTES = {"href", "src"}
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.I)
_INVISIBLE = re.compile(r"[\s\x00-\x1f\x7f]+")
#: Ids the page templates use themselves, and the footnote prefixes: headings must not take them.
RESERVED_IDS = {"contenu", "toc-title", "backlinks-title", "q-header", "text", "summary"}
#: External links get rel="nofollow ugc" (bleach never lets a user's own rel through).
_EXTERNAL_LINK = re.compile(r'<a\b([^>]*?) href="(https?://[^"]*)"', re.I)
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l"})


@dataclass
class Rendered:
    html: str
    toc_html: str = ""
    #: Normalized titles of the wikilinks actually rendered (not those inside code).
    links: set[str] = field(default_factory=set)


def wikilink_targets(source: str) -> set[str]:
    """Every title that `source` may link to: a cheap pre-scan used to look up which exist."""
    found = set()
    for m in _WIKILINK_RE.finditer(source):
        target = _split_target(m.group("wl_target"))[0]
        if target:
            found.add(target)
    return found


def _split_target(raw: str) -> tuple[str | None, str]:
    """'Title#Section' → (valid normalized title or None, fragment)."""
    page, _, fragment = raw.partition("#")
    try:
        return titles.validate(page), fragment.strip()
    except InvalidTitle:
        return None, ""


def _parse_wikilink(inline, m, state):
    target, fragment = _split_target(m.group("wl_target"))
    label = m.group("wl_label") or m.group("wl_target")
    if target is None:
        state.append_token({"type": "text", "raw": m.group(0)})
        return m.end()
    state.env.setdefault("wiki_links", set()).add(target)
    exists = target in state.env.get("wiki_exists", ())
    state.append_token(
        {
            "type": "wikilink",
            "raw": label.strip(),
            "attrs": {"target": target, "fragment": fragment, "exists": exists},
        }
    )
    return m.end()


def _render_wikilink(renderer, text, target, fragment, exists):
    url = "/wiki/" + titles.to_url(target)
    label = html.escape(text)
    if exists:
        anchor = "#" + html.escape(_slug(fragment)) if fragment else ""
        return f'<a class="wikilink" href="{url}{anchor}">{label}</a>'
    title_attr = html.escape(f"{target} (page inexistante, à créer)")
    return f'<a class="wikilink new" href="{url}/edit" title="{title_attr}">{label}</a>'


def wikilinks(md: mistune.Markdown) -> None:
    """mistune plugin: `[[Title]]`, `[[Title|label]]` and `[[Title#Section|label]]`."""
    md.inline.register("wikilink", WIKILINK_PATTERN, _parse_wikilink, before="link")
    if md.renderer and md.renderer.NAME == "html":
        md.renderer.register("wikilink", _render_wikilink)


def _slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.casefold().translate(_LIGATURES))
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-") or "section"


def _heading_ids(md: mistune.Markdown, state) -> None:
    """Give h2–h4 readable unique ids and keep the table of contents in `state.env`."""
    used: set[str] = set(RESERVED_IDS)
    items = []
    for tok in state.tokens:
        if tok["type"] != "heading" or not 2 <= tok["attrs"]["level"] <= 4:
            continue
        base = _slug(tok["text"])
        if base.startswith(("fn-", "fnref-")):
            base = "s-" + base
        value, n = base, 1
        while value in used:
            n += 1
            value = f"{base}-{n}"
        used.add(value)
        tok["attrs"]["id"] = value
        items.append(normalize_toc_item(md, tok, parent=state))
    state.env["toc_items"] = items


def _render_table_cell(renderer, text: str, align: str | None = None, head: bool = False) -> str:
    # A class rather than mistune's style attribute: the sanitizer and the CSP allow no style.
    tag = "th" if head else "td"
    attr = f' class="align-{align}"' if align in ("left", "center", "right") else ""
    return f"<{tag}{attr}>{text}</{tag}>\n"


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    """The allow-list, plus a scheme check of our own on URLs.

    bleach reads "javascript:123" as a host and a port and lets it through (mozilla/bleach#565).
    """
    if name not in ALLOWED_ATTRIBUTES.get(tag, ()):
        return False
    if name in _URL_ATTRIBUTES:
        scheme = _SCHEME.match(_INVISIBLE.sub("", value))
        return scheme is None or scheme.group(1).lower() in ALLOWED_PROTOCOLS
    return True


class _Renderer(mistune.HTMLRenderer):
    def image(self, text: str, url: str, title: str | None = None) -> str:
        # Readers on old phones and slow links should not download what they never scroll to.
        return super().image(text, url, title).replace("<img ", '<img loading="lazy" ', 1)


def _make_markdown() -> mistune.Markdown:
    md = mistune.create_markdown(
        escape=False,
        renderer=_Renderer(escape=False),
        plugins=["table", "footnotes", "strikethrough", "url", wikilinks],
    )
    md.before_render_hooks.append(_heading_ids)
    md.renderer.register("table_cell", _render_table_cell)
    return md


_local = threading.local()


def _tools() -> tuple[mistune.Markdown, bleach.sanitizer.Cleaner]:
    """Per-thread parser and cleaner: neither is documented as safe to share between threads."""
    if not hasattr(_local, "md"):
        _local.md = _make_markdown()
        _local.cleaner = bleach.sanitizer.Cleaner(
            tags=ALLOWED_TAGS,
            attributes=_allowed_attribute,
            protocols=ALLOWED_PROTOCOLS,
            strip=False,
            strip_comments=True,
        )
    return _local.md, _local.cleaner


def to_html_unsafe(source: str) -> str:
    """mistune's output before sanitizing; for conformance tests only, never for pages."""
    md, _ = _tools()
    return md(source)


def sanitize(fragment: str) -> str:
    """Clean an HTML fragment with the wiki's allow-list."""
    return _tools()[1].clean(fragment)


def render(source: str, existing: Callable[[Iterable[str]], set[str]] | None = None) -> Rendered:
    """Render Markdown to sanitized HTML.

    :param existing: given candidate titles, returns those that are pages; the others become
        red links that open the editor.
    """
    md, cleaner = _tools()
    candidates = wikilink_targets(source)
    state = md.block.state_cls()
    state.env["wiki_exists"] = existing(candidates) if existing and candidates else set()
    body, state = md.parse(source, state)
    toc_items = state.env.get("toc_items", [])
    toc = render_toc_ul(toc_items) if len(toc_items) >= TOC_MIN_HEADINGS else ""
    return Rendered(
        html=_EXTERNAL_LINK.sub(r'<a\1 href="\2" rel="nofollow ugc"', cleaner.clean(body)),
        toc_html=cleaner.clean(toc) if toc else "",
        links=set(state.env.get("wiki_links", ())),
    )


_PLAIN_RULES = [
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\[\[([^\]|]+)\|([^\]]+)\]\]"), r"\2"),
    (re.compile(r"\[\[([^\]]+)\]\]"), r"\1"),
    (re.compile(r"\[\^[^\]]+\]:?"), ""),
    (re.compile(r"^\s{0,3}(#{1,6}|>+|[-*+]|\d+[.)])\s+", re.M), ""),
    (re.compile(r"^\s*\|?[\s:|-]+\|[\s:|-]*$", re.M), ""),
    (re.compile(r"<[^>]+>"), " "),
    (re.compile(r"[*_`|~]+"), " "),
]


def plain_text(source: str) -> str:
    """A rough plain-text version of Markdown, for the search index and its snippets."""
    text = source
    for pattern, replacement in _PLAIN_RULES:
        text = pattern.sub(replacement, text)
    return re.sub(r"[ \t]+", " ", text)
