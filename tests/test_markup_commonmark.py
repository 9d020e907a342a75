"""How close our mistune pipeline is to CommonMark 0.31.2 and the GFM extensions.

Every example of `CORPORA/commonmark-spec/*.json` and `CORPORA/gfm-extensions/*.json` is rendered with
`markup.to_html_unsafe` (mistune's output, before bleach) and compared with the expected HTML after
normalising what does not change the rendered document: whitespace between block tags, attribute
order, `<br />` vs `<br>`, entity spellings (`&#34;`, `&quot;`, `"`) and percent-encoding of URLs.

mistune is not 100 % CommonMark, so nothing here demands 100 %. Instead:

* the overall pass rate must not fall below a floor set just under what we measure today;
* every failing example must be listed, with a reason category, in
  `tests/data/commonmark_known_deviations.json` (categories explained in
  `docs/markdown-conformance.md`), so an example that starts failing is caught at once;
* an example listed there that now passes is printed and raised as a warning, never a failure.

`python tests/test_markup_commonmark.py` prints the per-section table used in the documentation.
"""

import html
import json
import re
import sys
import warnings
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote

import pytest

if __name__ == "__main__":  # `python tests/test_markup_commonmark.py`
    sys.path[:0] = [
        str(Path(__file__).resolve().parent),
        str(Path(__file__).resolve().parent.parent),
    ]
from conftest import CORPORA  # noqa: E402

from wikiterritoire import markup  # noqa: E402

KNOWN_DEVIATIONS_FILE = Path(__file__).parent / "data" / "commonmark_known_deviations.json"
CONFORMANCE_DOC = Path(__file__).resolve().parent.parent / "docs" / "markdown-conformance.md"

#: Measured 2026-11 with mistune 3.4.0: 423 of 493 examples (85.8 %), CommonMark alone 414 of 456
#: (90.8 %). The floors leave room for about three examples, no more.
OVERALL_FLOOR = 0.85
COMMONMARK_FLOOR = 0.90

#: Attributes our renderer adds on purpose (they are not mistune deviations): `loading="lazy"` on
#: images and the `id` of h2–h4 used by the table of contents.
WIKI_ADDED_ATTRIBUTES = {"img": {"loading"}, **{f"h{level}": {"id"} for level in range(1, 7)}}

#: Tags around which whitespace does not render (the list of the spec's own `normalize.py`).
BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "body", "caption", "center", "col", "colgroup",
    "dd", "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure",
    "footer", "form", "frame", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header",
    "hr", "html", "iframe", "legend", "li", "link", "main", "menu", "menuitem", "meta", "nav",
    "noframes", "ol", "optgroup", "option", "p", "param", "pre", "section", "source", "summary",
    "table", "tbody", "td", "tfoot", "th", "thead", "title", "tr", "track", "ul",
}  # fmt: skip
_WHITESPACE = re.compile(r"\s+")
#: Characters kept as-is when re-quoting URLs, so `%20` and a raw space compare equal.
_URL_SAFE = "/:?#&=;@!$'()*+,%~"


class _Normaliser(HTMLParser):
    """Re-serialises HTML into a canonical string (after the CommonMark spec's `normalize.py`)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.last = "starttag"
        self.last_tag = ""
        self.in_pre = 0

    def _strip_trailing_space(self) -> None:
        if self.out and self.last == "data":
            self.out[-1] = self.out[-1].rstrip()

    def handle_data(self, data: str) -> None:
        after_tag = self.last in ("starttag", "endtag")
        if after_tag and self.last_tag == "br":
            data = data.lstrip("\n")
        if not self.in_pre:
            data = _WHITESPACE.sub(" ", data)
            if after_tag and self.last_tag in BLOCK_TAGS:
                data = data.lstrip()
        if data:
            self.out.append(html.escape(data, quote=False))
            self.last = "data"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "pre":
            self.in_pre += 1
        if tag in BLOCK_TAGS:
            self._strip_trailing_space()
        dropped = WIKI_ADDED_ATTRIBUTES.get(tag, set())
        parts = [tag]
        for name, value in sorted((n, v) for n, v in attrs if n not in dropped):
            if value is None:
                parts.append(name)
                continue
            if name in ("href", "src"):
                value = quote(unquote(value), safe=_URL_SAFE)
            parts.append(f'{name}="{html.escape(value)}"')
        self.out.append("<" + " ".join(parts) + ">")
        self.last, self.last_tag = "starttag", tag

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self.last = "endtag"

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre":
            self.in_pre = max(0, self.in_pre - 1)
        if tag in BLOCK_TAGS:
            self._strip_trailing_space()
        self.out.append(f"</{tag}>")
        self.last, self.last_tag = "endtag", tag

    def handle_comment(self, data: str) -> None:
        self.out.append(f"<!--{data}-->")
        self.last = "comment"

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")
        self.last = "decl"

    def unknown_decl(self, data: str) -> None:
        self.out.append(f"<![{data}]>")
        self.last = "decl"

    def handle_pi(self, data: str) -> None:
        self.out.append(f"<?{data}>")
        self.last = "pi"


def normalise(fragment: str) -> str:
    parser = _Normaliser()
    parser.feed(fragment)
    parser.close()
    return "".join(parser.out).strip()


@dataclass(frozen=True)
class Example:
    id: str
    #: "<corpus> / <section>": sections of different corpora share names (e.g. "Autolinks").
    section: str
    markdown: str
    html: str


def load_examples() -> list[Example]:
    examples = []
    for path in sorted((CORPORA / "commonmark-spec").glob("*.json")):
        for case in json.loads(path.read_text(encoding="utf-8")):
            examples.append(
                Example(
                    f"commonmark:{case['example']}",
                    f"CommonMark / {case['section']}",
                    case["markdown"],
                    case["html"],
                )
            )
    for path in sorted((CORPORA / "gfm-extensions").glob("*.json")):
        for case in json.loads(path.read_text(encoding="utf-8")):
            # Example numbers restart in extensions.txt: keep the two sources apart.
            corpus = "gfm-spec" if case["source"].endswith("(GFM spec 0.29)") else "gfm-ext"
            examples.append(
                Example(
                    f"{corpus}:{case['example']}",
                    f"{corpus} / {case['section']}",
                    case["markdown"],
                    case["html"],
                )
            )
    return examples


def conforms(example: Example) -> bool:
    output = markup.to_html_unsafe(example.markdown)
    if example.html.strip().lower() == "<ignore>":
        return True  # cmark-gfm only checks that this input does not crash
    return normalise(output) == normalise(example.html)


def pass_rates(results: dict[Example, bool]) -> dict[str, tuple[int, int]]:
    """section → (passed, total), in corpus order."""
    total, passed = Counter(), Counter()
    for example, ok in results.items():
        total[example.section] += 1
        passed[example.section] += ok
    return {section: (passed[section], total[section]) for section in total}


def report(results: dict[Example, bool]) -> str:
    lines = ["| section | passed | total | rate |", "|---|---:|---:|---:|"]
    for section, (ok, n) in pass_rates(results).items():
        lines.append(f"| {section} | {ok} | {n} | {ok / n:.0%} |")
    ok, n = sum(results.values()), len(results)
    lines.append(f"| **all** | **{ok}** | **{n}** | **{ok / n:.1%}** |")
    return "\n".join(lines)


def known_deviations() -> dict[str, str]:
    return json.loads(KNOWN_DEVIATIONS_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def results() -> dict[Example, bool]:
    examples = load_examples()
    assert examples, f"no CommonMark/GFM examples found under {CORPORA}"
    return {example: conforms(example) for example in examples}


def test_overall_conformance_does_not_fall_below_the_measured_floor(results):
    ok, n = sum(results.values()), len(results)
    commonmark = {e: r for e, r in results.items() if e.id.startswith("commonmark:")}
    cm_ok, cm_n = sum(commonmark.values()), len(commonmark)
    print(f"\n{report(results)}")
    assert ok / n >= OVERALL_FLOOR, (
        f"{ok}/{n} = {ok / n:.1%} < {OVERALL_FLOOR:.0%}\n{report(results)}"
    )
    assert cm_ok / cm_n >= COMMONMARK_FLOOR, f"CommonMark {cm_ok}/{cm_n} < {COMMONMARK_FLOOR:.0%}"


@pytest.mark.filterwarnings("always::UserWarning")
def test_every_failing_example_is_a_listed_known_deviation(results):
    known = known_deviations()
    failing = {e.id for e, ok in results.items() if not ok}
    now_passing = sorted(set(known) & {e.id for e, ok in results.items() if ok})
    if now_passing:
        message = (
            f"{len(now_passing)} known deviation(s) now pass; remove them from "
            f"{KNOWN_DEVIATIONS_FILE.name} and update the doc: {', '.join(now_passing)}"
        )
        print(message)
        warnings.warn(message, UserWarning, stacklevel=1)
    new = sorted(failing - set(known))
    details = []
    for example in (e for e in results if e.id in new):
        got = normalise(markup.to_html_unsafe(example.markdown))
        details.append(
            f"{example.id} ({example.section})\n  markdown: {example.markdown!r}\n"
            f"  expected: {normalise(example.html)}\n  got:      {got}"
        )
    assert not new, "examples failing that are not known deviations:\n" + "\n".join(details)


def test_known_deviations_file_only_uses_reasons_explained_in_the_doc(results):
    known = known_deviations()
    doc = CONFORMANCE_DOC.read_text(encoding="utf-8")
    unexplained = sorted({reason for reason in known.values() if f"`{reason}`" not in doc})
    assert not unexplained, f"reasons not explained in {CONFORMANCE_DOC.name}: {unexplained}"
    # Ids of another corpus version are only reported: the list may cover a subset of the cases.
    stale = sorted(set(known) - {e.id for e in results})
    if stale:
        print(f"known deviations without an example in the corpus: {', '.join(stale)}")


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ('<a title="t" href="/u">x</a>', '<a href="/u" title="t">x</a>'),
        ("<p>a<br />\nb</p>", "<p>a<br>\nb</p>"),
        ('<img src="a.png" alt="x" />', '<img alt="x" src="a.png">'),
        ("<p>&quot;&#34;&amp;&#x26;</p>", '<p>""&amp;&amp;</p>'),
        ("<ul>\n<li>a</li>\n</ul>\n", "<ul><li>a</li></ul>"),
        ('<a href="/f%C3%B6%C3%B6">x</a>', '<a href="/föö">x</a>'),
        ('<p><img loading="lazy" src="i.png" alt=""></p>', '<p><img src="i.png" alt=""></p>'),
        ('<h2 id="titre">Titre</h2>', "<h2>Titre</h2>"),
    ],
)
def test_normalisation_ignores_attribute_order_self_closing_tags_and_entity_forms(one, other):
    assert normalise(one) == normalise(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("<pre><code>a\n</code></pre>", "<pre><code>a</code></pre>"),
        ("<p>a b</p>", "<p>ab</p>"),
        ("<p><em>a</em></p>", "<p><strong>a</strong></p>"),
        ('<a href="/a">x</a>', '<a href="/b">x</a>'),
        ("<p>&lt;b&gt;</p>", "<p><b></p>"),
        ('<th align="left">a</th>', '<th style="text-align:left">a</th>'),
    ],
)
def test_normalisation_keeps_differences_that_change_the_document(one, other):
    assert normalise(one) != normalise(other)


if __name__ == "__main__":
    outcome = {example: conforms(example) for example in load_examples()}
    print(report(outcome))
    listed = known_deviations()
    for example, ok in outcome.items():
        if not ok:
            print(example.id, listed.get(example.id, "NOT LISTED"), sep="\t")
