"""Issue 4's "Done means": a new account vandalizes 20 pages within a minute, and the community
repairs everything without losing a single version — through the real API and web pages.

The default abuse rules refuse outright spam and the default rate limits stop the vandal
part-way; what got through shows in recent changes with its risk signals, a confirmed contributor
rolls back pages one by one, a moderator blocks the account and mass-rolls back the rest.
"""

import html
import re
import time
from datetime import timedelta

import pytest
from conftest import Browser
from sqlalchemy import select

from wikiterritoire.models import Page, Revision, utcnow
from wikiterritoire.services import accounts, moderation, pages
from wikiterritoire.titles import to_url

API = "/api/v1"
TITLES = [
    "Rue de Siam",
    "Pont de Recouvrance",
    "Château de Brest",
    "Cours Dajot",
    "Place de la Liberté",
    "Jardin des explorateurs",
    "Tour Tanguy",
    "Ateliers des Capucins",
    "Port de commerce",
    "Rade de Brest",
    "Quartier Saint-Martin",
    "Halles Saint-Louis",
    "Pont de l'Harteloire",
    "Plage du Moulin Blanc",
    "Océanopolis",
    "Vallon du Stang-Alar",
    "Conservatoire botanique",
    "Téléphérique de Brest",
    "Quai de la Douane",
    "Lambézellec",
]
#: The 17 pages the vandal edits; the last three stay untouched.
VANDALIZED = TITLES[:17]
#: Pages the vandal edits twice in a row: a rollback must undo both edits.
TWICE = {TITLES[0], TITLES[3], TITLES[6], TITLES[9]}
CREATED = ["Casino de Brest", "Gagnez au casino", "Brest c'est nul"]
VANDAL_TEXTS = [
    "",  # blanking
    "BANDE DE CRÉTINS, Brest c'est nul !!!!!!",  # insults and shouting
    "Gagnez gros sur [casino-brest.example](https://casino-brest.example) "
    "et [promo](https://promo.example/brest) !",  # spam links
]
BLOCK_REASON = "Vandalisme en série sur une vingtaine de pages"

_DAY = re.compile(r'<ul class="changes">(.*?)\n</ul>', re.S)
_GROUP = re.compile(r'<li class="page-group">(.*?)</details>', re.S)
_ITEM = re.compile(r"<li>(.*?)</li>", re.S)
_LINK = re.compile(r'<a href="(/(?:wiki|user)/[^"]*)">([^<]*)</a>')


def change_lines(page_html: str) -> list[dict]:
    """Every edit listed on a recent-changes page (inside page groups too): page title, author,
    whether still unchecked."""
    lines = []

    def add(block: str, title: str | None) -> None:
        links = _LINK.findall(block)
        titles = [t for h, t in links if h.startswith("/wiki/") and t not in ("diff", "hist")]
        authors = [t for h, t in links if h.startswith("/user/")]
        lines.append(
            {
                "title": html.unescape(titles[0]) if titles else title,
                "author": html.unescape(authors[0]) if authors else None,
                "unpatrolled": "non vérifiée" in block,
            }
        )

    for day in _DAY.findall(page_html):
        for group in _GROUP.findall(day):
            summary, inner = group.split("</summary>", 1)
            title = html.unescape(_LINK.findall(summary)[0][1])
            for block in _ITEM.findall(inner):
                add(block, title)
        for block in _ITEM.findall(_GROUP.sub("", day)):
            add(block, None)
    return lines


def page_url(title: str) -> str:
    return f"{API}/pages/{to_url(title)}"


@pytest.fixture
def established(session, search, make_user):
    """A wiki of 20 pages written last month by established users; returns their texts."""
    anne = make_user("Anne", "confirmed")
    bernard = make_user("Bernard", "confirmed")
    month_ago = utcnow() - timedelta(days=30)
    texts = {}
    for i, title in enumerate(TITLES):
        text = f"# {title}\n\nUn lieu de Brest, décrit par Anne (article {i})."
        pages.save_edit(session, search, anne, title, text, when=month_ago)
        if i % 2 == 0:
            base = pages.get_page(session, title).latest_revision_id
            text += (
                f"\n\nBernard ajoute un souvenir de {title} et un lien vers [[{TITLES[i + 1]}]]."
            )
            pages.save_edit(
                session, search, bernard, title, text, base_revision_id=base, when=month_ago
            )
        texts[title] = text
    return texts


def bearer(session, name: str) -> dict:
    return {
        "Authorization": f"Bearer {accounts.create_token(session, accounts.get_user(session, name))}"
    }


def test_vandalism_of_twenty_pages_is_seen_repaired_and_nothing_is_lost(
    app, client, session, search, make_user, established
):
    make_user("Gwen", "confirmed")
    make_user("Morgane", "moderator")
    gwen, morgane = bearer(session, "Gwen"), bearer(session, "Morgane")

    # --- A brand-new account tries to vandalize 20 pages through the API within a minute -----
    # Registered from the vandal's own browser; the community uses `client`, without a session.
    assert Browser(app.test_client()).register("Vandale").status_code == 302
    vandal = bearer(session, "Vandale")
    started = utcnow()
    clock = time.monotonic()
    vandal_revisions: dict[int, str] = {}
    hit: list[str] = []
    statuses: list[int] = []

    # An abuse rule refuses outright spam: nothing is saved.
    spam = client.put(
        page_url("Casino en ligne"),
        json={"markdown": "Le meilleur casino en ligne de Brest !", "base_revision": None},
        headers=vandal,
    )
    assert spam.status_code == 403 and spam.get_json()["error"] == "edit_refused"
    for title in CREATED:
        text = f"{title} : [jouez ici](https://casino-brest.example) !!!"
        response = client.put(
            page_url(title),
            json={"markdown": text, "summary": "", "base_revision": None},
            headers=vandal,
        )
        statuses.append(response.status_code)
        if response.status_code == 201:
            vandal_revisions[response.get_json()["revision"]["id"]] = text
            hit.append(title)
    for i, title in enumerate(VANDALIZED):
        for attempt in range(2 if title in TWICE else 1):
            base = client.get(page_url(title)).get_json()["revision_id"]
            text = VANDAL_TEXTS[(i + attempt) % len(VANDAL_TEXTS)] + "!" * attempt
            response = client.put(
                page_url(title),
                # The insult rule warns the new account; a vandal publishes anyway.
                json={
                    "markdown": text,
                    "summary": "mise à jour",
                    "base_revision": base,
                    "acknowledge_warnings": True,
                },
                headers=vandal,
            )
            statuses.append(response.status_code)
            if response.status_code == 429:
                assert int(response.headers["Retry-After"]) > 0
                assert response.get_json()["error"] == "rate_limited"
                continue
            assert response.status_code == 200, response.get_json()
            vandal_revisions[response.get_json()["revision"]["id"]] = text
            if title not in hit:
                hit.append(title)
    assert time.monotonic() - clock < 60
    # The rate limit stopped part of it: the vandal reached some pages, not all twenty.
    assert 429 in statuses
    assert statuses.index(429) > 0 and set(statuses[statuses.index(429) :]) == {429}
    created = [t for t in CREATED if t in hit]
    vandalized = [t for t in VANDALIZED if t in hit]
    assert created == CREATED and len(vandalized) >= 3
    assert len(hit) < 20
    # The pages the confirmed contributor repairs one by one before the moderator steps in.
    by_hand = vandalized[:3]

    # --- The vandal edits show up in recent changes, unchecked --------------------------------
    recent_page = client.get("/recent-changes?limit=200").get_data(as_text=True)
    recent = change_lines(recent_page)
    # ... with the signals that explain their risk, not only a number.
    for label in ("compte tout récent", "insulte ou grossièreté"):
        assert label in recent_page
    by_vandal = [line for line in recent if line["author"] == "Vandale"]
    assert len(by_vandal) == len(vandal_revisions)
    assert all(line["unpatrolled"] for line in by_vandal)
    assert {line["title"] for line in by_vandal} == set(hit)

    unchecked_page = client.get("/recent-changes?unpatrolled=1&limit=200").get_data(as_text=True)
    unchecked = change_lines(unchecked_page)
    assert {line["author"] for line in unchecked} == {"Vandale"}
    assert len(unchecked) == len(vandal_revisions)
    assert f"{len(vandal_revisions)} modifications à vérifier" in unchecked_page

    api_changes = client.get(f"{API}/recent-changes?limit=200").get_json()["changes"]
    seen = {change["id"]: change for change in api_changes}
    for revision_id in vandal_revisions:
        assert seen[revision_id]["author"] == "Vandale"
        assert seen[revision_id]["patrolled"] is False
    assert all(c["patrolled"] for c in api_changes if c["author"] != "Vandale")

    # --- A confirmed contributor rolls back several pages, one by one -------------------------
    for title in by_hand:
        response = client.post(f"{page_url(title)}/rollback", json={}, headers=gwen)
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["undone_author"] == "Vandale"
        undone = sum(1 for r in vandal_revisions if session.get(Revision, r).page.title == title)
        assert response.get_json()["undone"] == undone
        assert client.get(page_url(title)).get_json()["markdown"] == established[title]

    # --- A moderator blocks the account: its next edit is refused ------------------------------
    # A dated block: a block "until lifted" (until=null) is covered, and currently fails with a
    # 500, in test_moderation_permissions.py::test_api_block_without_end_blocks_until_lifted.
    until = (utcnow() + timedelta(days=7)).isoformat()
    response = client.post(
        f"{API}/users/Vandale/block",
        json={"until": until, "reason": BLOCK_REASON},
        headers=morgane,
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["blocked"] is True

    title = TITLES[18]
    base = client.get(page_url(title)).get_json()["revision_id"]
    refused = client.put(
        page_url(title),
        json={"markdown": "ENCORE !", "summary": "", "base_revision": base},
        headers=vandal,
    )
    assert refused.status_code == 403
    assert BLOCK_REASON in refused.get_json()["message"]
    refused = client.put(
        page_url("Casino bis"), json={"markdown": "Spam", "base_revision": None}, headers=vandal
    )
    assert refused.status_code == 403

    # --- ... and mass-rolls back the rest, deleting the pages it created -----------------------
    response = client.post(
        f"{API}/users/Vandale/rollback-all",
        json={
            "since": (started - timedelta(seconds=1)).isoformat(),
            "delete_created": True,
            "reason": "Vandalisme",
        },
        headers=morgane,
    )
    assert response.status_code == 200, response.get_json()
    report = response.get_json()
    assert sorted(report["deleted"]) == sorted(CREATED)
    assert sorted(report["reverted"]) == sorted(set(vandalized) - set(by_hand))
    # Pages already repaired by hand were edited by someone else after the vandal: left alone.
    assert sorted(report["skipped"]) == sorted(by_hand)

    # --- Afterwards: every page is back to its pre-vandalism text ------------------------------
    for title in TITLES:
        page = client.get(page_url(title)).get_json()
        assert page["markdown"] == established[title], title
    for title in CREATED:
        assert client.get(page_url(title)).status_code == 404
        assert client.get(f"/wiki/{to_url(title)}").status_code == 404
    assert client.get(f"{API}/search?q=casino").get_json()["total"] == 0

    # --- ... and every vandal revision is still in history --------------------------------------
    session.expire_all()
    for revision_id, text in vandal_revisions.items():
        stored = session.get(Revision, revision_id)
        assert stored is not None and stored.text == text
        assert stored.author.name == "Vandale"
    for title in vandalized:
        history = client.get(f"{page_url(title)}/revisions").get_json()["revisions"]
        ids = {r["id"] for r in history}
        assert {r for r in vandal_revisions if session.get(Revision, r).page.title == title} <= ids
    for title in CREATED:
        page = session.scalar(select(Page).where(Page.title == title))
        assert page.deleted_at is not None
        assert [
            r.text for r in session.scalars(select(Revision).where(Revision.page_id == page.id))
        ]

    # Nothing is left to check: the undone edits count as patrolled.
    assert moderation.unpatrolled_count(session) == 0

    # --- The public log shows the block and the mass rollback ----------------------------------
    log = html.unescape(client.get("/log").get_data(as_text=True))
    assert "a bloqué Vandale jusqu'au" in log
    assert f"(motif : {BLOCK_REASON})" in log
    assert (
        f"a annulé les modifications de Vandale : {len(vandalized) - len(by_hand)} page(s) "
        f"rétablie(s), 3 supprimée(s), {len(by_hand)} laissée(s) (motif : Vandalisme)"
    ) in log
    assert log.count("a révoqué") == len(by_hand)
