"""Hostile input must come out of `markup.render` inert, and stay inert through the web pages.

Inputs: every payload of `CORPORA/xss-payloads/` (payloadbox text list, H5SC and OWASP JSON) and the
attack inputs of `CORPORA/sanitizer-cases/` (bleach `input`, DOMPurify `payload`). Each is rendered
as written (raw HTML inside Markdown) and, where the Markdown syntax can hold it, as a link or image
target and as a wikilink label or target.

"Inert" is checked on the parsed output (stdlib `html.parser`, which decodes entities in attribute
values once, as a browser does): no element that runs or loads active content, no `on*` event
handler, no `style` attribute, and no URL attribute whose value starts with `javascript:`,
`vbscript:` or `data:` once whitespace and control characters are removed, case-insensitively.
"""

import hashlib
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from conftest import CORPORA

from wikiterritoire import markup
from wikiterritoire.services import accounts, pages
from wikiterritoire.titles import to_url

XSS_DIR = CORPORA / "xss-payloads"
SANITIZER_DIR = CORPORA / "sanitizer-cases"

#: Elements that must never reach an article body.
FORBIDDEN_ELEMENTS = {
    "script", "iframe", "object", "embed", "svg", "math", "style", "form", "base", "meta", "link",
    "frame", "frameset", "applet", "noscript", "template", "xmp", "textarea", "input", "button",
}  # fmt: skip
#: The page layout itself has a search form, a logout form, <meta> and stylesheet <link>s.
LAYOUT_ELEMENTS = {"form", "meta", "link", "input", "button"}
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "srcdoc", "background", "poster",
    "lowsrc", "dynsrc", "data", "codebase", "srcset",
}  # fmt: skip
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")
#: Browsers ignore ASCII whitespace and control characters inside a scheme; drop them all.
_IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f-\x9f\s]+")


class _InertnessChecker(HTMLParser):
    def __init__(self, forbidden: set[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.forbidden = forbidden
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.forbidden:
            self.problems.append(f"<{tag}> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…> event handler")
            elif name == "style":
                self.problems.append(f"<{tag} style=…> attribute")
            elif name in URL_ATTRIBUTES and value is not None:
                # `value` is already entity-decoded by the parser, exactly once.
                url = _IGNORED_IN_URL.sub("", value).lower()
                if url.startswith(DANGEROUS_SCHEMES):
                    self.problems.append(f"<{tag} {name}={value!r}> dangerous URL")

    handle_startendtag = handle_starttag


def inertness_problems(fragment: str, forbidden: set[str] = FORBIDDEN_ELEMENTS) -> list[str]:
    checker = _InertnessChecker(forbidden)
    checker.feed(fragment)
    checker.close()
    return checker.problems


def _payloadbox() -> list[tuple[str, str]]:
    lines = (XSS_DIR / "payloadbox-xss-payload-list.txt").read_text(encoding="utf-8").splitlines()
    return [(f"payloadbox:{n}", line) for n, line in enumerate(lines, 1) if line.strip()]


def _json_field(path, field: str, prefix: str) -> list[tuple[str, str]]:
    cases = json.loads(path.read_text(encoding="utf-8"))
    return [(f"{prefix}:{case['id']}", case[field]) for case in cases if case[field]]


CORPUS_LOADERS = {
    "payloadbox": _payloadbox,
    "h5sc": lambda: _json_field(XSS_DIR / "h5sc-html5sec.json", "payload", "h5sc"),
    "owasp": lambda: _json_field(XSS_DIR / "owasp-xss-filter-evasion.json", "payload", "owasp"),
    "bleach": lambda: _json_field(
        SANITIZER_DIR / "bleach-6.4.0-clean-cases.json", "input", "bleach"
    ),
    "dompurify": lambda: _json_field(
        SANITIZER_DIR / "dompurify-3.4.14-expect.json", "payload", "dompurify"
    ),
}


def wrappings(payload: str) -> Iterator[tuple[str, str]]:
    """The payload as raw HTML, and inside each Markdown construct that can carry it."""
    yield "raw", payload
    if not re.search(r"\s", payload):
        yield "link", f"[x]({payload})"
        yield "image", f"![x]({payload})"
        yield "autolink", f"<{payload}>"
    if not re.search(r"[\n<>]", payload):  # a <…> destination may hold spaces, not < > or newlines
        yield "link <dest>", f"[x](<{payload}>)"
        yield "image <dest>", f"![x](<{payload}>)"
        yield "reference", f"[x]\n\n[x]: <{payload}>"
    if not re.search(r"[\[\]\n]", payload) and len(payload) <= 255:  # wikilink pattern limits
        yield "wikilink label", f"[[Page|{payload}]]"
        if not re.search(r"[|<>]", payload):  # with < or > it is an invalid title: plain text
            yield "wikilink target", f"[[{payload}]]"


@pytest.mark.parametrize("corpus", sorted(CORPUS_LOADERS))
def test_corpus_payloads_render_inert_as_html_and_inside_links_images_and_wikilinks(corpus):
    payloads = CORPUS_LOADERS[corpus]()
    assert payloads, f"no payload loaded for {corpus}"
    failures, renders = [], 0
    for case_id, payload in payloads:
        for how, source in wrappings(payload):
            rendered = markup.render(source)
            renders += 1
            problems = inertness_problems(rendered.html) + inertness_problems(rendered.toc_html)
            if problems:
                failures.append(f"{case_id} [{how}] {source!r}\n    → {rendered.html.strip()!r}")
                failures.append(f"    {'; '.join(dict.fromkeys(problems))}")
    print(f"{corpus}: {len(payloads)} payloads, {renders} renders, {len(failures) // 2} not inert")
    shown = "\n".join(failures[:40])
    assert not failures, f"{len(failures) // 2} rendering(s) not inert, first ones:\n{shown}"


def test_script_urls_whose_body_is_only_digits_are_removed_too():
    """bleach's vendored pre-3.9 `urlparse` reads `javascript:123` as host:port with no scheme,
    and bleach lets scheme-less URLs through when http is allowed (mozilla/bleach#565)."""
    sources = [
        '<a href="javascript:123">a</a>',
        '<a href="JAVASCRIPT:0">a</a>',
        '<a href="javascript:`1 Привет`">a</a>',  # evaluates to a string: replaces the page
        '<a href="vbscript:1">a</a>',
        '<img src="javascript:1" alt="a">',
    ]
    leaks = {}
    for source in sources:
        html = markup.render(source).html
        if inertness_problems(html):
            leaks[source] = html.strip()
    assert not leaks, "script URLs kept by the sanitizer:\n" + "\n".join(
        f"{source!r} → {html!r}" for source, html in leaks.items()
    )


@pytest.mark.parametrize(
    "fragment",
    [
        "<script>alert(1)</script>",
        "<p><svg></svg></p>",
        '<img src="x" onerror="alert(1)">',
        '<p style="background:url(javascript:alert(1))">x</p>',
        '<a href=" JaVa&#x09;Script&colon;alert(1)">x</a>',
        '<a href="&#106;avascript:alert(1)">x</a>',
        '<img src="\x01vbscript:msgbox(1)">',
        '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
        '<iframe srcdoc="x"></iframe>',
    ],
)
def test_inertness_check_flags_scripts_handlers_styles_and_dangerous_urls(fragment):
    assert inertness_problems(fragment)


@pytest.mark.parametrize(
    "fragment",
    [
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>",
        '<a href="javascript&amp;colon;alert(1)">relative URL: inert</a>',
        '<a href="/wiki/Javascript:alert(1)">x</a>',
        '<img src="https://example.org/onerror.png" alt="onerror=alert(1)">',
        "<p>javascript:alert(1)</p>",
    ],
)
def test_inertness_check_accepts_escaped_markup_and_harmless_urls(fragment):
    assert inertness_problems(fragment) == []


def _sample(count: int) -> list[tuple[str, str]]:
    """`count` payloads spread over the corpora, the same on every run (lowest SHA-1 first)."""
    shares = {"payloadbox": 0.4, "h5sc": 0.2, "owasp": 0.2, "bleach": 0.1, "dompurify": 0.1}
    chosen = []
    for corpus, share in shares.items():
        cases = sorted(
            CORPUS_LOADERS[corpus](),
            key=lambda case: hashlib.sha1(case[1].encode(), usedforsecurity=False).hexdigest(),
        )
        chosen.extend(cases[: round(count * share)])
    return chosen


def _article_body(page: str) -> str:
    start = page.index('<div class="article-body">')
    end = page.index('<footer class="article-footer">', start)
    return page[start:end]


class _Text(HTMLParser):
    """The text a reader sees, entities decoded, without markup."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def visible_text(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    parser.close()
    return " ".join("".join(parser.parts).split())


def test_article_saved_with_hostile_payloads_is_inert_on_its_wiki_page(browser, session):
    sample = _sample(40)
    assert len(sample) == 40
    blocks = []
    for case_id, payload in sample:
        blocks.append(f"## Charge {case_id}\n\n{payload}")
        if not re.search(r"[\[\]\n]", payload) and len(payload) <= 255:
            blocks.append(f"Lien : [[Page cible|{payload}]]")
        if not re.search(r"\s", payload):
            blocks.append(f"Lien : [x]({payload}) et image : ![x]({payload})")
    browser.register("Lucie")
    # An established author: a new account's page full of external links waits for review.
    lucie = accounts.get_user(session, "Lucie")
    for i in range(10):
        pages.save_edit(session, None, lucie, f"Brouillon {i}", "Un brouillon.")
    saved = browser.save("Essai de charges", "\n\n".join(blocks), summary="charges XSS")
    assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]

    response = browser.get("/wiki/Essai_de_charges")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    body = _article_body(page)
    assert "Charge payloadbox:" in body and "Charge dompurify:" in body  # really rendered
    assert inertness_problems(body) == []
    # Table of contents, title, footer… : the whole page, minus the layout's own forms and links.
    assert inertness_problems(page, FORBIDDEN_ELEMENTS - LAYOUT_ELEMENTS) == []


HOSTILE_SUMMARY = "<script>alert(1)</script> <img src=x onerror=alert(2)> \"' onmouseover=alert(3)"
#: Titles may not hold < > / but may hold quotes, ampersands and entity-looking text.
HOSTILE_TITLE = "Essai \"onmouseover=alert(1)\" 'x' &lt;script&gt;alert(2)&lt;"


@pytest.mark.parametrize("listing", ["history", "recent-changes"])
def test_hostile_titles_and_summaries_are_escaped_in_history_and_recent_changes(browser, listing):
    browser.register("Lucie")
    saved = browser.save(HOSTILE_TITLE, "Premier texte.", summary=HOSTILE_SUMMARY)
    assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
    edit_form = browser.get(f"/wiki/{to_url(HOSTILE_TITLE)}/edit").get_data(as_text=True)
    base = re.search(r'name="base_revision_id" value="(\d+)"', edit_form).group(1)
    saved = browser.save(HOSTILE_TITLE, "Second texte.", summary=HOSTILE_SUMMARY, base=base)
    assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]

    url = f"/wiki/{to_url(HOSTILE_TITLE)}/history" if listing == "history" else "/recent-changes"
    response = browser.get(url)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert inertness_problems(page, FORBIDDEN_ELEMENTS - LAYOUT_ELEMENTS) == []
    text = visible_text(page)
    # Shown to the reader as typed: the markup was escaped, not interpreted nor stripped.
    assert " ".join(HOSTILE_SUMMARY.split()) in text
    assert HOSTILE_TITLE in text


def test_title_containing_markup_is_refused_and_listed_nowhere(browser):
    browser.register("Lucie")
    title = "<img src=x onerror=alert(1)>"
    response = browser.save(title, "Texte.")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert inertness_problems(page, FORBIDDEN_ELEMENTS - LAYOUT_ELEMENTS) == []
    recent = browser.get("/recent-changes").get_data(as_text=True)
    assert "onerror" not in recent
