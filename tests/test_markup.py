"""Our own Markdown syntax and rendering choices: wikilinks, red links, headings and table of
contents, tables, footnotes, images, and the plain-text version used by search."""

from html.parser import HTMLParser

import pytest

from wikiterritoire import markup


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.text.append(data)


def parse(fragment: str) -> _Elements:
    parser = _Elements()
    parser.feed(fragment)
    parser.close()
    return parser


def elements(fragment: str, tag: str) -> list[dict[str, str | None]]:
    return [attrs for name, attrs in parse(fragment).found if name == tag]


def text_of(fragment: str) -> str:
    return " ".join("".join(parse(fragment).text).split())


def existing(*titles: str):
    """An `existing` callback for pages with these titles, recording what it was asked."""

    def lookup(candidates):
        lookup.asked.update(candidates)
        return set(titles) & set(candidates)

    lookup.asked = set()
    return lookup


# Wikilinks


def test_wikilink_to_an_existing_page_links_to_its_article():
    rendered = markup.render("Voir [[Mairie]].", existing("Mairie"))
    assert elements(rendered.html, "a") == [{"class": "wikilink", "href": "/wiki/Mairie"}]
    assert text_of(rendered.html) == "Voir Mairie."
    assert rendered.links == {"Mairie"}


def test_wikilink_label_is_shown_instead_of_the_title():
    rendered = markup.render("[[Mairie|la mairie de Kerbrevan]]", existing("Mairie"))
    assert elements(rendered.html, "a")[0]["href"] == "/wiki/Mairie"
    assert text_of(rendered.html) == "la mairie de Kerbrevan"


def test_wikilink_label_is_text_not_html():
    rendered = markup.render("[[Mairie|<b>gras</b>]]", existing("Mairie"))
    assert elements(rendered.html, "b") == []
    assert text_of(rendered.html) == "<b>gras</b>"


def test_wikilink_target_is_normalised_like_a_page_title():
    lookup = existing("Église Saint-Pierre")
    rendered = markup.render(
        "[[église_Saint-Pierre]] et [[église   Saint-Pierre|l'église]]", lookup
    )
    assert lookup.asked == {"Église Saint-Pierre"}
    assert rendered.links == {"Église Saint-Pierre"}
    hrefs = [a["href"] for a in elements(rendered.html, "a")]
    assert hrefs == ["/wiki/%C3%89glise_Saint-Pierre"] * 2


def test_wikilink_to_a_section_links_to_the_section_anchor():
    rendered = markup.render("[[Mairie#Histoire du bâtiment|son histoire]]", existing("Mairie"))
    assert elements(rendered.html, "a") == [
        {"class": "wikilink", "href": "/wiki/Mairie#histoire-du-batiment"}
    ]
    assert text_of(rendered.html) == "son histoire"
    assert rendered.links == {"Mairie"}


def test_heading_anchor_matches_the_wikilink_section_anchor():
    page = markup.render("## Histoire du bâtiment\n\nTexte.")
    link = markup.render("[[Mairie#Histoire du bâtiment]]", existing("Mairie"))
    heading_id = elements(page.html, "h2")[0]["id"]
    assert elements(link.html, "a")[0]["href"] == f"/wiki/Mairie#{heading_id}"


@pytest.mark.parametrize(
    "source", ["[[a<b]]", "[[a{b}]]", "[[a%b]]", "[[ ]]", "[[#Section seule]]", "[[..]]"]
)
def test_invalid_wikilink_target_is_left_as_text(source):
    rendered = markup.render(source, existing("A<b"))
    assert elements(rendered.html, "a") == []
    assert text_of(rendered.html) == source
    assert rendered.links == set()


@pytest.mark.parametrize(
    "source",
    [
        "`[[Mairie]]`",
        "``du code [[Mairie|label]]``",
        "```\n[[Mairie]]\n```",
        "~~~python\n[[Mairie]]\n~~~",
        "    [[Mairie]]",
        "- liste\n\n      [[Mairie]]",
    ],
)
def test_wikilink_inside_code_is_neither_a_link_nor_recorded(source):
    rendered = markup.render(source, existing("Mairie"))
    assert elements(rendered.html, "a") == []
    assert "[[Mairie" in text_of(rendered.html)
    assert rendered.links == set()


def test_only_wikilinks_outside_code_are_recorded():
    rendered = markup.render("[[Mairie]] et `[[Gare]]`\n\n```\n[[Port]]\n```", existing())
    assert rendered.links == {"Mairie"}


def test_escaped_wikilink_stays_text():
    rendered = markup.render(r"\[[Mairie]]", existing("Mairie"))
    assert elements(rendered.html, "a") == []
    assert rendered.links == set()


def test_wikilink_to_a_missing_page_is_a_red_link_to_its_editor():
    rendered = markup.render("[[Gare de Kerbrevan|la gare]]", existing("Mairie"))
    (link,) = elements(rendered.html, "a")
    assert link["class"].split() == ["wikilink", "new"]
    assert link["href"] == "/wiki/Gare_de_Kerbrevan/edit"
    assert "Gare de Kerbrevan" in link["title"]
    assert text_of(rendered.html) == "la gare"
    assert rendered.links == {"Gare de Kerbrevan"}


def test_existing_and_missing_pages_are_told_apart_in_the_same_text():
    rendered = markup.render("[[Mairie]], [[Gare]] et [[mairie]]", existing("Mairie"))
    links = [(a["href"], a["class"]) for a in elements(rendered.html, "a")]
    assert links == [
        ("/wiki/Mairie", "wikilink"),
        ("/wiki/Gare/edit", "wikilink new"),
        ("/wiki/Mairie", "wikilink"),
    ]
    assert rendered.links == {"Mairie", "Gare"}


def test_without_existing_callback_every_wikilink_is_red():
    rendered = markup.render("[[Mairie]]")
    assert elements(rendered.html, "a")[0]["href"] == "/wiki/Mairie/edit"


def test_existing_callback_is_not_called_without_wikilinks():
    def fail(_candidates):
        raise AssertionError("no wikilink, no lookup")

    assert "Aucun lien" in markup.render("Aucun lien ici, ni [[a<b]].", fail).html


# Headings and table of contents


def test_table_of_contents_needs_at_least_three_headings():
    two = markup.render("## Histoire\n\nTexte.\n\n## Géographie\n\nTexte.")
    three = markup.render("## Histoire\n\n## Géographie\n\n### Relief\n\nTexte.")
    assert markup.TOC_MIN_HEADINGS == 3
    assert two.toc_html == ""
    assert [a["href"] for a in elements(three.toc_html, "a")] == [
        "#histoire",
        "#geographie",
        "#relief",
    ]
    assert text_of(three.toc_html) == "Histoire Géographie Relief"


def test_duplicate_headings_get_unique_ids_matching_the_table_of_contents():
    source = "## Histoire\n\n## Histoire\n\n## Histoire 2\n\n### Histoire"
    rendered = markup.render(source)
    ids = [h["id"] for tag in ("h2", "h3") for h in elements(rendered.html, tag)]
    assert len(ids) == 4 and len(set(ids)) == 4
    toc_targets = {a["href"].removeprefix("#") for a in elements(rendered.toc_html, "a")}
    assert toc_targets == set(ids)


def test_heading_ids_are_readable_ascii_slugs():
    rendered = markup.render("## L'Église & le château\n\n## 1914–1918\n\n## !!!")
    assert [h["id"] for h in elements(rendered.html, "h2")] == [
        "l-eglise-le-chateau",
        "1914-1918",
        "section",
    ]


def test_heading_ids_keep_french_ligatures_as_letters():
    rendered = markup.render("## Cœur de ville\n\n## Lætitia")
    assert [h["id"] for h in elements(rendered.html, "h2")] == ["coeur-de-ville", "laetitia"]


# Tables, footnotes, images


def test_pipe_table_has_a_header_row_and_body_cells():
    rendered = markup.render("| Année | Habitants |\n|---|---|\n| 1900 | 1 204 |\n| 2020 | 3 410 |")
    html = rendered.html
    assert [t for t, _ in parse(html).found] == [
        "table", "thead", "tr", "th", "th", "tbody", "tr", "td", "td", "tr", "td", "td",
    ]  # fmt: skip
    assert text_of(html) == "Année Habitants 1900 1 204 2020 3 410"


def test_table_column_alignment_survives_sanitizing():
    rendered = markup.render("| Nom | Habitants |\n|:---|---:|\n| Kerbrevan | 3 410 |")
    cells = elements(rendered.html, "th") + elements(rendered.html, "td")
    hints = [" ".join(f"{name}={value}" for name, value in cell.items()) for cell in cells]
    assert [("left" in h, "right" in h) for h in hints] == [(True, False), (False, True)] * 2, (
        f"alignment lost: {rendered.html}"
    )


def test_footnote_reference_links_to_its_note_and_back():
    rendered = markup.render(
        "Le port date de 1820[^archives].\n\n[^archives]: Archives communales."
    )
    (ref,) = elements(rendered.html, "sup")
    links = elements(rendered.html, "a")
    assert links[0]["href"] == "#fn-1" and ref["id"] == "fnref-1"
    (note,) = [attrs for attrs in elements(rendered.html, "li") if attrs.get("id") == "fn-1"]
    assert note
    assert links[1]["href"] == "#fnref-1"
    assert elements(rendered.html, "section") == [{"class": "footnotes"}]
    assert "Archives communales." in text_of(rendered.html)


def test_image_by_https_url_is_lazy_loaded_and_keeps_its_source():
    rendered = markup.render('![Le port en 1900](https://example.org/port.jpg "Carte postale")')
    assert elements(rendered.html, "img") == [
        {
            "loading": "lazy",
            "src": "https://example.org/port.jpg",
            "alt": "Le port en 1900",
            "title": "Carte postale",
        }
    ]


@pytest.mark.parametrize(
    "source",
    [
        "![x](javascript:alert(1))",
        "![x](JaVaScRiPt:alert(1))",
        "![x](<java\tscript:alert(1)>)",
        '<img src="javascript:alert(1)" alt="x">',
        "<img src=\"jav&#x09;ascript:alert(1)\" alt='x'>",
    ],
)
def test_image_with_javascript_url_loses_its_source(source):
    rendered = markup.render(source)
    images = elements(rendered.html, "img")
    assert images, rendered.html
    for image in images:
        src = "".join((image.get("src") or "").split()).lower()
        assert "javascript" not in src, rendered.html


def test_html_outside_the_allow_list_is_shown_escaped():
    rendered = markup.render('<script>alert(1)</script> <b onclick="x()">gras</b>')
    assert elements(rendered.html, "script") == []
    assert elements(rendered.html, "b") == [{}]
    assert "<script>alert(1)</script>" in text_of(rendered.html)


# Plain text for search


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("# Titre\n\n## Sous-titre", "Titre Sous-titre"),
        ("**gras**, *italique*, __fort__ et ~~barré~~", "gras , italique , fort et barré"),
        ("[le site](https://example.org/page) officiel", "le site officiel"),
        ("![Le port](https://example.org/port.jpg)", "Le port"),
        ("[[Mairie]] et [[Gare|la gare]]", "Mairie et la gare"),
        ("- un\n- deux\n1. trois\n> citation", "un deux trois citation"),
        ("Texte `code` fin", "Texte code fin"),
        ("Note[^1].\n\n[^1]: La source.", "Note. La source."),
        ("| A | B |\n|---|:-:|\n| 1 | 2 |", "A B 1 2"),
        ("<span>du <em>HTML</em></span>", "du HTML"),
    ],
)
def test_plain_text_removes_markdown_syntax(source, expected):
    assert markup.plain_text(source).split() == expected.split()


def test_external_links_are_marked_nofollow_ugc_and_internal_ones_are_not():
    html = markup.render(
        '[site](https://example.org) [[Port]] <a title="t" href="http://spam.example">x</a>'
    ).html
    assert html.count('rel="nofollow ugc"') == 2
    assert '<a class="wikilink new" href="/wiki/Port/edit"' in html
