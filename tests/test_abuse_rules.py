"""Abuse rules (issue 4): conditions, actions through the editor and the API, hit counts, the
default rule set, moderators' pages and API, on a real SQLite + Whoosh."""

import html
import re
from datetime import timedelta

import pytest
from conftest import Browser
from sqlalchemy import func, select, update

from wikiterritoire.errors import EditRefused, EditWarning, InvalidInput, PermissionDenied
from wikiterritoire.models import AbuseHit, AbuseRule, Event, Page, Revision, User, utcnow
from wikiterritoire.services import abuse, abuse_conditions, accounts, pages
from wikiterritoire.services.screening import Edit
from wikiterritoire.titles import to_url

API = "/api/v1"
#: The rule set the migration ships: name → action.
DEFAULT_RULES = {
    "Publicité indésirable (spam)": "refuse",
    "Insultes ajoutées par un nouveau compte": "warn",
    "Page presque vidée par un nouveau compte": "warn",
    "Nombreux liens externes ajoutés par un nouveau compte": "hold",
    "Résumé en majuscules": "tag",
    "Titre en majuscules": "tag",
}
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


# --- Helpers -------------------------------------------------------------------------------------


@pytest.fixture
def morgane(make_user):
    return make_user("Morgane", "moderator")


@pytest.fixture
def lucie(make_user):
    """A contributor, new: 0 edits, account created today."""
    return make_user("Lucie")


@pytest.fixture
def veteran(session, make_user):
    """A contributor with a year of history and a dozen published edits."""
    user = make_user("Yann", "confirmed")
    year_ago = utcnow() - timedelta(days=365)
    session.execute(update(User).where(User.id == user.id).values(created_at=year_ago))
    session.commit()
    for i in range(12):
        page = pages.find_page(session, "Brouillon de Yann")
        pages.save_edit(
            session,
            None,
            user,
            "Brouillon de Yann",
            f"Version {i} du brouillon.",
            base_revision_id=page.latest_revision_id if page else None,
            when=year_ago,
        )
    return user


def bearer(session, user) -> dict:
    return {"Authorization": f"Bearer {accounts.create_token(session, user)}"}


def make_rule(session, moderator, action="warn", conditions=None, **kw):
    kw.setdefault("name", f"Règle {action}")
    kw.setdefault("message", f"Message de la règle {action}.")
    return abuse.create_rule(
        session,
        moderator,
        action=action,
        conditions=conditions
        or [{"field": "added_text", "op": "contains_any", "value": ["goéland"]}],
        **kw,
    )


def edit_of(old="", new="", summary="", title="Rue de Siam", edits=50, age=400.0) -> Edit:
    return Edit(
        user=None,
        page=None,
        title=title,
        old_text=old,
        new_text=new,
        summary=summary,
        account_edits=edits,
        account_age_days=age,
        edits_last_5_minutes=0,
    )


def hits_of(session, rule_id: int) -> tuple[int, int]:
    """(the rule's counter, its AbuseHit rows)."""
    session.expire_all()
    counter = session.get(AbuseRule, rule_id).hits
    rows = session.scalar(select(func.count()).where(AbuseHit.rule_id == rule_id))
    return counter, rows


def revisions_of(session, title: str) -> list[Revision]:
    session.expire_all()
    page = session.scalar(select(Page).where(Page.title == title))
    if page is None:
        return []
    return list(session.scalars(select(Revision).where(Revision.page_id == page.id)))


def logged_in(app, name: str) -> Browser:
    person = Browser(app.test_client())
    assert person.login(name).status_code == 302
    return person


def page_api(title: str) -> str:
    return f"{API}/pages/{to_url(title)}"


# --- Conditions ----------------------------------------------------------------------------------


def words(field, *terms):
    return [{"field": field, "op": "contains_any", "value": list(terms)}]


def regex(field, pattern):
    return [{"field": field, "op": "matches", "value": pattern}]


def number(field, op, value):
    return [{"field": field, "op": op, "value": value}]


CONDITION_CASES = [
    # contains_any: case, accents, word boundaries, expressions, final wildcard
    (words("added_text", "goéland"), edit_of("", "Un GOELAND sur le port."), True),
    (words("added_text", "goeland"), edit_of("", "Un goéland."), True),
    (words("added_text", "land"), edit_of("", "Un goéland."), False),
    (words("added_text", "prêt rapide"), edit_of("", "Un PRET   rapide !"), True),
    (words("added_text", "crétin*"), edit_of("", "Ces Crétins-là."), True),
    (words("added_text", "crétin"), edit_of("", "Ces crétins."), False),
    (words("added_text", "l'argent"), edit_of("", "Tout l\u2019argent."), True),
    # added_text only looks at the lines the edit brings
    (words("added_text", "goéland"), edit_of("Un goéland.", "Un goéland.\nUne mouette."), False),
    (words("removed_text", "goéland"), edit_of("Un goéland.\nUne mouette.", "Une mouette."), True),
    (words("removed_text", "mouette"), edit_of("Un goéland.\nUne mouette.", "Une mouette."), False),
    (words("summary", "spam"), edit_of(summary="Retrait du SPAM"), True),
    (words("title", "recouvrance"), edit_of(title="Pont de Recouvrance"), True),
    (words("title", "recouvrance"), edit_of(title="Rue de Siam"), False),
    # matches: accent-insensitive, case-sensitive unless (?i)
    (regex("added_text", r"\d{2} \d{2} \d{2} \d{2} \d{2}"), edit_of("", "Appelez 02 98 00 00 00"), True),
    (regex("summary", r"^[^a-z]*[A-Z]{3,}\b[^a-z]*\b[A-Z]{3,}[^a-z]*$"), edit_of(summary="BANDE DE CRÉTINS"), True),
    (regex("summary", r"^[^a-z]*[A-Z]{3,}\b[^a-z]*\b[A-Z]{3,}[^a-z]*$"), edit_of(summary="Ajout SNCF"), False),
    (regex("title", "chateau"), edit_of(title="Château de Brest"), False),
    (regex("title", "(?i)chateau"), edit_of(title="Château de Brest"), True),
    (regex("removed_text", "^# "), edit_of("# Titre\nTexte", "Texte"), True),
    # numbers
    (number("account_age_days", "lt", 1), edit_of(age=0.2), True),
    (number("account_age_days", "lt", 1), edit_of(age=3), False),
    (number("account_edits", "lt", 10), edit_of(edits=9), True),
    (number("account_edits", "gt", 10), edit_of(edits=10), False),
    (number("added_links", "gt", 1), edit_of("", "https://a.example https://b.example"), True),
    (number("added_links", "gt", 1), edit_of("https://a.example", "https://a.example https://b.example"), False),
    (number("removed_ratio", "gt", 90), edit_of("Un texte de six mots ici.", ""), True),
    (number("removed_ratio", "gt", 90), edit_of("Un texte de six mots ici.", "Un texte de six mots là."), False),
    (number("removed_ratio", "lt", 1), edit_of("", "Nouvelle page"), True),
    (number("size_delta", "lt", -5), edit_of("0123456789", "0123"), True),
    (number("size_delta", "gt", 3), edit_of("", "é" * 2), True),  # bytes, not characters
    (number("size_delta", "gt", 4), edit_of("", "é" * 2), False),
    # all conditions must hold
    (words("added_text", "goéland") + number("account_edits", "lt", 10), edit_of("", "goéland", edits=3), True),
    (words("added_text", "goéland") + number("account_edits", "lt", 10), edit_of("", "goéland", edits=30), False),
]  # fmt: skip


@pytest.mark.parametrize(("conditions", "edit", "expected"), CONDITION_CASES)
def test_condition(conditions, edit, expected):
    assert (
        abuse_conditions.conditions_hold(abuse_conditions.validate_conditions(conditions), edit)
        is expected
    )


def test_regex_looks_only_at_the_beginning_of_a_long_text():
    far = "x " * abuse_conditions.MAX_MATCH_CHARS + "goéland"
    assert abuse_conditions.conditions_hold(regex("added_text", "goeland"), edit_of("", "goéland"))
    assert not abuse_conditions.conditions_hold(regex("added_text", "goeland"), edit_of("", far))
    # word lists read the whole text
    assert abuse_conditions.conditions_hold(words("added_text", "goéland"), edit_of("", far))


@pytest.mark.parametrize(
    ("conditions", "expected"),
    [
        ([], "au moins une condition"),
        ("added_text", "liste"),
        ([{"field": "couleur", "op": "lt", "value": 1}], "champ inconnu"),
        (number("added_text", "lt", 3), "ne s'applique pas"),
        (words("account_edits", "a"), "ne s'applique pas"),
        (words("added_text"), "au moins un mot"),
        (words("added_text", "cré*tin"), "astérisque"),
        (words("added_text", "!!!"), "aucune lettre"),
        (regex("added_text", "(goéland"), "n'est pas valide"),
        (regex("added_text", "[a-"), "n'est pas valide"),
        (regex("added_text", "(a+)+$"), "répétition dans une répétition"),
        (regex("added_text", r"(\w+\s?)*$"), "répétition dans une répétition"),
        (regex("added_text", "(a|ab)*c"), "répétition d'alternatives"),
        (regex("added_text", r"(a)\1"), "références arrière"),
        (regex("added_text", "x" * 301), "300 caractères"),
        (number("account_edits", "lt", "dix"), "n'est pas un nombre"),
        (number("account_edits", "lt", True), "nombre"),
        (number("account_edits", "lt", None), "nombre"),
        ([{"field": "summary", "op": "matches"}] * 11, "plus de 10 conditions"),
    ],
)
def test_invalid_conditions_are_refused_in_french(conditions, expected):
    with pytest.raises(InvalidInput) as caught:
        abuse_conditions.validate_conditions(conditions)
    assert expected in caught.value.message


def test_conditions_are_normalized():
    assert abuse_conditions.validate_conditions(
        [
            {"field": "added_text", "op": "contains_any", "value": " goéland ,  prêt   rapide,,"},
            {"field": "account_edits", "op": "lt", "value": "10"},
            {"field": "removed_ratio", "op": "gt", "value": "87,5"},
        ]
    ) == [
        {"field": "added_text", "op": "contains_any", "value": ["goéland", "prêt rapide"]},
        {"field": "account_edits", "op": "lt", "value": 10},
        {"field": "removed_ratio", "op": "gt", "value": 87.5},
    ]


# --- The default rule set ------------------------------------------------------------------------


def test_default_rules_ship_with_the_wiki_valid_and_enabled(session):
    rules = list(session.scalars(select(AbuseRule).order_by(AbuseRule.id)))
    assert {r.name: r.action for r in rules} == DEFAULT_RULES
    for rule in rules:
        assert rule.enabled and rule.hits == 0 and rule.tag
        assert abuse_conditions.validate_conditions(rule.conditions) == rule.conditions
        if rule.action in ("warn", "refuse", "hold"):
            assert len(rule.message) > 40  # a real explanation for a beginner


def _default_outcome(session, edit: Edit, **kw):
    return abuse.evaluate(session, edit, **kw)


def test_default_rules_catch_classic_abuse_by_new_accounts(session, lucie):
    def edit(**kw):
        kw.setdefault("edits", 2)
        kw.setdefault("age", 0.5)
        e = edit_of(**kw)
        e.user = lucie
        return e

    with pytest.raises(EditRefused) as refused:
        abuse.evaluate(session, edit(new="Le meilleur CASINO EN LIGNE, viagra pas cher !"))
    assert "publicité" in refused.value.message
    with pytest.raises(EditWarning) as warned:
        abuse.evaluate(session, edit(new="Bande de crétins !"))
    assert "respect" in warned.value.details["warnings"][0]
    with pytest.raises(EditWarning) as warned:
        abuse.evaluate(session, edit(old="Le port de Brest et son histoire. " * 10))
    assert "effacer" in warned.value.details["warnings"][0]
    links = " ".join(f"https://promo{i}.example" for i in range(4))
    held = abuse.evaluate(session, edit(new=f"Voir {links}"))
    assert held.hold and held.tags == ["liens externes"]
    tagged = abuse.evaluate(session, edit(new="Texte calme.", summary="BREST C'EST NUL !!!"))
    assert tagged == abuse.Outcome(tags=["résumé en majuscules"], hold=False)
    tagged = abuse.evaluate(session, edit(new="Texte calme.", title="BREST C'EST NUL"))
    assert tagged.tags == ["titre en majuscules"]


def test_default_rules_spare_established_accounts_and_ordinary_edits(session, lucie):
    veteran = edit_of(new="Ces crétins de goélands.", edits=40)
    veteran.user = lucie
    assert abuse.evaluate(session, veteran) == abuse.Outcome()
    beginner = edit_of(
        old="Le port de Brest accueille des navires. Il est grand.",
        new="Le port de Brest accueille des navires de commerce. Il est très grand.",
        summary="Ajout SNCF et UBO",
        title="CROUS",
        edits=0,
    )
    beginner.user = lucie
    assert abuse.evaluate(session, beginner) == abuse.Outcome()
    # a complete rewrite that grows the page is not a blanking
    rewrite = edit_of(
        old="Ébauche.", new="Un article entièrement réécrit, bien plus long.", edits=0
    )
    rewrite.user = lucie
    assert abuse.evaluate(session, rewrite) == abuse.Outcome()
    assert session.scalar(select(func.count()).select_from(AbuseHit)) == 0


# --- Actions through the web editor --------------------------------------------------------------


def test_warn_in_the_editor_then_saving_again_goes_through_tagged(app, session, morgane, lucie):
    rule = make_rule(session, morgane, "warn", tag="goéland", message="Pas de goélands ici ?")
    person = logged_in(app, "Lucie")

    response = person.save("Port du Château", "Un goéland vole.", "Ajout")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Pas de goélands ici ?" in html.unescape(page)
    assert 'name="acknowledged" value="1"' in page
    assert "Un goéland vole." in page  # the text is kept
    assert revisions_of(session, "Port du Château") == []
    assert hits_of(session, rule.id) == (1, 1)

    response = person.save("Port du Château", "Un goéland vole.", "Ajout", acknowledged="1")
    assert response.status_code == 302
    [revision] = revisions_of(session, "Port du Château")
    assert revision.status == "published" and "goéland" in revision.tags
    assert hits_of(session, rule.id) == (2, 2)
    changes = html.unescape(app.test_client().get("/recent-changes").get_data(as_text=True))
    assert '<span class="tag">goéland</span>' in changes


def test_refuse_in_the_editor_keeps_the_text_and_nothing_but_the_hit(app, session, morgane, lucie):
    rule = make_rule(session, morgane, "refuse", message="Les goélands sont interdits.")
    person = logged_in(app, "Lucie")

    for acknowledged in ("", "1"):
        response = person.save("Port du Château", "Un goéland vole.", acknowledged=acknowledged)
        assert response.status_code == 403
        page = html.unescape(response.get_data(as_text=True))
        assert "Les goélands sont interdits." in page
        assert "Un goéland vole." in page
    assert revisions_of(session, "Port du Château") == []
    assert hits_of(session, rule.id) == (2, 2)
    hit = session.scalar(select(AbuseHit).where(AbuseHit.rule_id == rule.id))
    assert (hit.user_id, hit.title, hit.action) == (lucie.id, "Port du Château", "refuse")


def test_hold_in_the_editor_saves_a_pending_revision(app, session, morgane, veteran, lucie):
    pages.save_edit(session, None, veteran, "Port du Château", "Le port.")
    rule = make_rule(session, morgane, "hold", tag="à relire")
    person = logged_in(app, "Lucie")
    base = pages.get_page(session, "Port du Château").latest_revision_id

    response = person.save("Port du Château", "Le port et son goéland.", base=base)
    assert response.status_code == 302
    revisions = revisions_of(session, "Port du Château")
    assert [r.status for r in revisions] == ["published", "pending"]
    assert "à relire" in revisions[1].tags
    assert pages.get_page(session, "Port du Château").latest.text == "Le port."
    assert hits_of(session, rule.id) == (1, 1)


def test_tag_rule_adds_its_tag_or_a_default_one(app, session, morgane, lucie):
    named = make_rule(session, morgane, "tag", tag="oiseaux")
    unnamed = make_rule(session, morgane, "tag", name="Sans étiquette")
    person = logged_in(app, "Lucie")

    assert person.save("Port du Château", "Un goéland vole.").status_code == 302
    [revision] = revisions_of(session, "Port du Château")
    assert revision.tags == ["oiseaux", f"règle:{unnamed.id}"]
    assert hits_of(session, named.id) == (1, 1) and hits_of(session, unnamed.id) == (1, 1)


def test_strongest_action_wins_and_every_fired_rule_counts(session, morgane, lucie):
    rules = [make_rule(session, morgane, action) for action in ("tag", "warn", "hold")]
    held = pages.save_edit(session, None, lucie, "Port du Château", "Un goéland.")
    assert held.held and held.revision.status == "pending"  # hold beats warn: no warning
    refuse = make_rule(session, morgane, "refuse", message="Non.")
    with pytest.raises(EditRefused, match="Non."):
        pages.save_edit(session, None, lucie, "Port de Brest", "Un goéland.")
    assert [hits_of(session, r.id) for r in rules] == [(2, 2)] * 3
    assert hits_of(session, refuse.id) == (1, 1)


def test_disabled_rule_does_not_fire(session, morgane, lucie):
    rule = make_rule(session, morgane, "refuse")
    abuse.update_rule(session, morgane, rule.id, enabled=False)
    result = pages.save_edit(session, None, lucie, "Port du Château", "Un goéland.")
    assert result.revision.status == "published"
    assert hits_of(session, rule.id) == (0, 0)


# --- Actions through the API ---------------------------------------------------------------------


def test_api_warn_then_acknowledged(client, session, morgane, lucie):
    make_rule(session, morgane, "warn", tag="goéland", message="Pas de goélands ici ?")
    auth = bearer(session, lucie)
    body = {"markdown": "Un goéland.", "summary": "", "base_revision": None}

    response = client.put(page_api("Port du Château"), json=body, headers=auth)
    assert response.status_code == 422
    assert response.get_json()["error"] == "edit_warning"
    assert response.get_json()["warnings"] == ["Pas de goélands ici ?"]

    response = client.put(
        page_api("Port du Château"), json={**body, "acknowledge_warnings": True}, headers=auth
    )
    assert response.status_code == 201
    assert "goéland" in response.get_json()["revision"]["tags"]


def test_api_refuse_and_hold(client, session, morgane, lucie, veteran):
    pages.save_edit(session, None, veteran, "Port du Château", "Le port.")
    base = pages.get_page(session, "Port du Château").latest_revision_id
    make_rule(session, morgane, "hold", conditions=words("added_text", "mouette"))
    refuse = make_rule(session, morgane, "refuse", message="Les goélands sont interdits.")
    auth = bearer(session, lucie)

    response = client.put(
        page_api("Port du Château"),
        json={"markdown": "Un goéland.", "base_revision": base, "acknowledge_warnings": True},
        headers=auth,
    )
    assert response.status_code == 403
    assert response.get_json() == {
        "error": "edit_refused",
        "message": "Les goélands sont interdits.",
    }
    assert hits_of(session, refuse.id) == (1, 1)

    response = client.put(
        page_api("Port du Château"),
        json={"markdown": "Une mouette.", "base_revision": base},
        headers=auth,
    )
    assert response.status_code == 202
    assert response.get_json()["held"] is True
    assert response.get_json()["revision"]["status"] == "pending"
    assert client.get(page_api("Port du Château")).get_json()["markdown"] == "Le port."


# --- Counting ------------------------------------------------------------------------------------


def test_hits_are_counted_in_total_and_over_30_days(session, morgane, lucie):
    rule = make_rule(session, morgane, "tag")
    for i in range(3):
        pages.save_edit(session, None, lucie, f"Page {i}", "Un goéland.")
    # one old hit, as if it had happened two months ago
    session.add(
        AbuseHit(
            rule_id=rule.id,
            user_id=lucie.id,
            title="Vieille page",
            action="tag",
            created_at=utcnow() - timedelta(days=60),
        )
    )
    session.execute(update(AbuseRule).where(AbuseRule.id == rule.id).values(hits=4))
    session.commit()

    [stats] = [s for s in abuse.list_rules(session, morgane) if s.rule.id == rule.id]
    assert (stats.rule.hits, stats.hits_30_days) == (4, 3)
    assert stats.rule.last_hit_at > utcnow() - timedelta(minutes=1)
    recent = abuse.recent_hits(session, morgane, rule.id)
    assert [e.hit.title for e in recent] == ["Vieille page", "Page 2", "Page 1", "Page 0"]
    assert {e.user_name for e in recent} == {"Lucie"}
    others = [s for s in abuse.list_rules(session, morgane) if s.rule.id != rule.id]
    assert all(s.rule.hits == 0 and s.hits_30_days == 0 for s in others)


# --- Management: service ---------------------------------------------------------------------------


def test_create_and_update_are_validated_and_logged(session, morgane):
    with pytest.raises(InvalidInput, match="nom de la règle"):
        make_rule(session, morgane, name="   ")
    with pytest.raises(InvalidInput, match="Action inconnue"):
        make_rule(session, morgane, action="delete")
    with pytest.raises(InvalidInput, match="128 caractères"):
        make_rule(session, morgane, name="x" * 129)
    rule = make_rule(session, morgane, "warn", name="Goélands")
    with pytest.raises(InvalidInput, match="n'est pas valide"):
        abuse.update_rule(session, morgane, rule.id, name="Autre", conditions=regex("title", "("))
    session.expire_all()
    assert session.get(AbuseRule, rule.id).name == "Goélands"  # nothing half-changed

    abuse.update_rule(session, morgane, rule.id, action="refuse", message="Non merci.")
    abuse.update_rule(session, morgane, rule.id, enabled=False)
    abuse.update_rule(session, morgane, rule.id, enabled=False)  # no change, no event
    abuse.update_rule(session, morgane, rule.id, enabled=True)
    events = list(
        session.scalars(select(Event).where(Event.type.like("abuse_rule%")).order_by(Event.id))
    )
    assert [(e.type, e.data["name"]) for e in events] == [
        ("abuse_rule_created", "Goélands"),
        ("abuse_rule_updated", "Goélands"),
        ("abuse_rule_disabled", "Goélands"),
        ("abuse_rule_enabled", "Goélands"),
    ]
    assert events[1].data["changed"] == ["action", "message"]
    assert all(e.user_id == morgane.id for e in events)


@pytest.mark.parametrize("role", ["contributor", "confirmed", "mediator"])
def test_only_moderators_manage_rules(session, make_user, morgane, role):
    user = make_user("Quelquun", role)
    rule = make_rule(session, morgane)
    for call in (
        lambda: make_rule(session, user),
        lambda: abuse.update_rule(session, user, rule.id, enabled=False),
        lambda: abuse.list_rules(session, user),
        lambda: abuse.get_rule(session, user, rule.id),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert session.scalar(select(func.count()).select_from(AbuseRule)) == len(DEFAULT_RULES) + 1


# --- Management: web pages -----------------------------------------------------------------------


def _rule_form(name="Goélands", action="warn", rows=(("added_text", "contains_any", "goéland"),)):
    form = {"name": name, "description": "", "action": action, "message": "Attention.", "tag": ""}
    form["enabled"] = "1"
    for i in range(5):
        field, op, value = rows[i] if i < len(rows) else ("added_text", "contains_any", "")
        form.update({f"field-{i}": field, f"op-{i}": op, f"value-{i}": value})
    return form


def test_moderator_creates_edits_and_disables_a_rule_on_the_web(app, session, morgane):
    person = logged_in(app, "Morgane")
    listing = html.unescape(person.get("/moderation/rules").get_data(as_text=True))
    for name in DEFAULT_RULES:
        assert name in listing
    hub = person.get("/moderation").get_data(as_text=True)
    assert 'href="/moderation/rules"' in hub and 'href="/moderation/blocked-domains"' in hub

    form = _rule_form(
        rows=[("added_text", "contains_any", "goéland, mouette"), ("account_edits", "lt", "5")]
    )
    response = person.post("/moderation/rules/new", form)
    assert response.status_code == 302
    rule = session.scalar(select(AbuseRule).where(AbuseRule.name == "Goélands"))
    assert rule.conditions == [
        {"field": "added_text", "op": "contains_any", "value": ["goéland", "mouette"]},
        {"field": "account_edits", "op": "lt", "value": 5},
    ]
    assert response.headers["Location"].endswith(f"/moderation/rules/{rule.id}")

    page = html.unescape(person.get(f"/moderation/rules/{rule.id}").get_data(as_text=True))
    assert 'value="goéland, mouette"' in page and 'value="5"' in page
    assert "ne s'est pas encore déclenchée" in page

    form = _rule_form(name="Oiseaux", action="refuse", rows=[("title", "matches", "^Oiseau")])
    del form["enabled"]
    assert person.post(f"/moderation/rules/{rule.id}", form).status_code == 302
    session.expire_all()
    rule = session.get(AbuseRule, rule.id)
    assert (rule.name, rule.action, rule.enabled) == ("Oiseaux", "refuse", False)
    assert rule.conditions == [{"field": "title", "op": "matches", "value": "^Oiseau"}]

    response = person.post(
        f"/moderation/rules/{rule.id}/enabled", {"enabled": "1"}, form_url="/moderation/rules"
    )
    assert response.status_code == 302
    session.expire_all()
    assert session.get(AbuseRule, rule.id).enabled is True
    log = html.unescape(app.test_client().get("/log").get_data(as_text=True))
    assert "a créé la règle anti-abus « Goélands »" in log
    assert "a modifié la règle anti-abus « Oiseaux »" in log
    assert "a activé la règle anti-abus « Oiseaux »" in log


def test_rule_form_errors_keep_the_input(app, session, morgane):
    person = logged_in(app, "Morgane")
    form = _rule_form(name="Mal écrite", rows=[("added_text", "matches", "(goéland")])
    response = person.post("/moderation/rules/new", form)
    assert response.status_code == 400
    page = html.unescape(response.get_data(as_text=True))
    assert "n'est pas valide" in page
    assert 'value="Mal écrite"' in page and 'value="(goéland"' in page
    assert session.scalar(select(AbuseRule).where(AbuseRule.name == "Mal écrite")) is None

    rule = make_rule(session, morgane, name="Bonne")
    form = _rule_form(name="Bonne", rows=[("account_edits", "contains_any", "x")])
    response = person.post(f"/moderation/rules/{rule.id}", form)
    assert response.status_code == 400
    assert "ne s'applique pas" in html.unescape(response.get_data(as_text=True))
    form = _rule_form(name="Bonne", rows=[])
    response = person.post(f"/moderation/rules/{rule.id}", form)
    assert "au moins une condition" in html.unescape(response.get_data(as_text=True))


def test_rule_page_lists_recent_hits(app, session, morgane, lucie):
    rule = make_rule(session, morgane, "tag", name="Goélands")
    pages.save_edit(session, None, lucie, "Port du Château", "Un goéland.")
    person = logged_in(app, "Morgane")
    page = html.unescape(person.get(f"/moderation/rules/{rule.id}").get_data(as_text=True))
    assert "Déclenchée 1 fois au total, dont 1 ces 30 derniers jours" in page
    assert "Port du Château" in page and ">Lucie</a>" in page
    listing = person.get("/moderation/rules").get_data(as_text=True)
    row = re.search(r"Goélands</a></td>(.*?)</tr>", listing, re.S).group(1)
    assert re.findall(r"<td>(\d+)</td>", row) == ["1", "1"]


@pytest.mark.parametrize("role", ["contributor", "confirmed"])
def test_web_rule_pages_are_for_moderators(app, session, make_user, morgane, role):
    make_user("Quelquun", role)
    rule = make_rule(session, morgane)
    person = logged_in(app, "Quelquun")
    assert person.get("/moderation/rules").status_code == 403
    assert person.get("/moderation/rules/new").status_code == 403
    assert person.get(f"/moderation/rules/{rule.id}").status_code == 403
    response = person.post("/moderation/rules/new", _rule_form(name="Intruse"), form_url="/login")
    assert response.status_code == 403
    response = person.post(
        f"/moderation/rules/{rule.id}/enabled", {"enabled": "0"}, form_url="/login"
    )
    assert response.status_code == 403
    session.expire_all()
    assert session.get(AbuseRule, rule.id).enabled
    assert session.scalar(select(AbuseRule).where(AbuseRule.name == "Intruse")) is None
    anonymous = app.test_client()
    assert anonymous.get("/moderation/rules").status_code in (401, 403)


def test_rule_forms_need_the_csrf_token(app, morgane):
    person = logged_in(app, "Morgane")
    response = person.client.post("/moderation/rules/new", data=_rule_form())
    assert response.status_code == 400


def test_unknown_rule_is_404(app, morgane):
    person = logged_in(app, "Morgane")
    assert person.get("/moderation/rules/999999").status_code == 404


def test_rule_names_and_messages_are_rendered_inert(app, session, morgane, lucie):
    rule = make_rule(
        session, morgane, "warn", name=f"Règle {XSS}", message=f"Attention {XSS}", tag=XSS[:60]
    )
    person = logged_in(app, "Morgane")
    for url in ("/moderation/rules", f"/moderation/rules/{rule.id}"):
        page = person.get(url).get_data(as_text=True)
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;" in page
    editor = logged_in(app, "Lucie").save("Port du Château", "Un goéland.")
    page = editor.get_data(as_text=True)
    assert editor.status_code == 422
    assert "<script>alert" not in page and "&lt;script&gt;" in page


# --- Management: API -----------------------------------------------------------------------------


def test_api_manages_rules(client, session, morgane):
    auth = bearer(session, morgane)
    rules = client.get(f"{API}/abuse-rules", headers=auth).get_json()["rules"]
    assert {r["name"]: r["action"] for r in rules} == DEFAULT_RULES

    created = client.post(
        f"{API}/abuse-rules",
        json={
            "name": "Goélands",
            "action": "tag",
            "tag": "oiseaux",
            "conditions": words("added_text", "goéland"),
        },
        headers=auth,
    )
    assert created.status_code == 201
    rule = created.get_json()
    assert rule["enabled"] is True and rule["hits"] == 0 and rule["hits_30_days"] == 0
    assert rule["conditions"] == words("added_text", "goéland")
    assert rule["applied_tag"] == "oiseaux" and rule["last_hit_at"] is None

    updated = client.put(
        f"{API}/abuse-rules/{rule['id']}", json={"enabled": False}, headers=auth
    ).get_json()
    assert updated["enabled"] is False and updated["name"] == "Goélands"

    pages.save_edit(session, None, morgane, "Port du Château", "Un goéland.")  # disabled: no hit
    client.put(f"{API}/abuse-rules/{rule['id']}", json={"enabled": True}, headers=auth)
    pages.save_edit(session, None, morgane, "Port de Brest", "Un goéland.")
    detail = client.get(f"{API}/abuse-rules/{rule['id']}", headers=auth).get_json()
    assert detail["hits"] == 1 and detail["hits_30_days"] == 1 and detail["last_hit_at"]
    assert detail["recent_hits"] == [
        {
            "user": "Morgane",
            "title": "Port de Brest",
            "action": "tag",
            "timestamp": detail["recent_hits"][0]["timestamp"],
        }
    ]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"action": "tag", "conditions": words("title", "x")}, "obligatoire"),
        ({"name": "R", "action": "tag", "conditions": "x"}, "type"),
        ({"name": "R", "action": "bannir", "conditions": words("title", "x")}, "Action inconnue"),
        ({"name": "R", "action": "tag", "conditions": regex("title", "(")}, "n'est pas valide"),
        (
            {"name": "R", "action": "tag", "conditions": words("title", "x"), "enabled": "oui"},
            "type",
        ),
    ],
)
def test_api_rule_validation_errors(client, session, morgane, body, expected):
    response = client.post(f"{API}/abuse-rules", json=body, headers=bearer(session, morgane))
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_input"
    assert expected in response.get_json()["message"]


def test_api_unknown_rule_is_404(client, session, morgane):
    auth = bearer(session, morgane)
    for rule_id in ("999999", "abc", "99999999999999"):
        assert client.get(f"{API}/abuse-rules/{rule_id}", headers=auth).status_code == 404
        response = client.put(f"{API}/abuse-rules/{rule_id}", json={}, headers=auth)
        assert response.status_code == 404


@pytest.mark.parametrize("role", ["contributor", "confirmed", "mediator"])
def test_api_rules_are_for_moderators(client, session, make_user, morgane, role):
    auth = bearer(session, make_user("Quelquun", role))
    rule = make_rule(session, morgane)
    assert client.get(f"{API}/abuse-rules", headers=auth).status_code == 403
    assert client.get(f"{API}/abuse-rules/{rule.id}", headers=auth).status_code == 403
    body = {"name": "Intruse", "action": "tag", "conditions": words("title", "x")}
    assert client.post(f"{API}/abuse-rules", json=body, headers=auth).status_code == 403
    response = client.put(f"{API}/abuse-rules/{rule.id}", json={"enabled": False}, headers=auth)
    assert response.status_code == 403
    assert client.get(f"{API}/abuse-rules").status_code == 401
    assert client.post(f"{API}/abuse-rules", json=body).status_code == 401
    session.expire_all()
    assert session.get(AbuseRule, rule.id).enabled
