"""The question CAPTCHA: questions about the territory that moderators write, asked at
registration and when a new account adds links to other sites."""

import html
import re

import pytest
from conftest import FAST_HASH, Browser
from sqlalchemy import func, select

from wikiterritoire.demo import CONTENT, load_demo
from wikiterritoire.models import CaptchaQuestion, Event, User
from wikiterritoire.services import accounts, captcha, pages

API = "/api/v1"
QUESTION = "Quel fleuve traverse Brest ?"
SPAM = "Voyez [mon site](https://promo.example/brest) pour en savoir plus."


@pytest.fixture
def moderator(make_user):
    return make_user("Morgane", "moderator")


@pytest.fixture
def question(session, moderator):
    """One enabled question; its answers as moderators would type them."""
    return captcha.create_question(session, moderator, QUESTION, "La Penfeld\nPenfeld")


def question_id(page: str) -> str:
    match = re.search(r'name="captcha_id" value="(\d+)"', page)
    assert match, "no question on the page"
    return match.group(1)


def bearer(session, user) -> dict:
    return {"Authorization": f"Bearer {accounts.create_token(session, user)}"}


def answering(client, headers, question, answer: str):
    """Create "Quai" with a link through the API, answering `question` with `answer`."""
    body = {
        "markdown": SPAM,
        "base_revision": None,
        "captcha": {"id": question.id, "answer": answer},
    }
    return client.put(f"{API}/pages/Quai", json=body, headers=headers)


def register(person: Browser, name: str, **extra):
    data = {
        "name": name,
        "password": "mot-de-passe-test",
        "password_confirm": "mot-de-passe-test",
        "accept_charter": "yes",
        **extra,
    }
    return person.post("/register", data)


def account_exists(session, name: str) -> bool:
    session.expire_all()
    return accounts.find_user(session, name) is not None


# --- Comparing answers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["Penfeld", "penfeld", "PENFELD", "la Penfeld", "La  Penfeld !", " penfeld. ", "Pénfeld"],
)
def test_answers_are_compared_without_case_accents_punctuation_or_article(session, question, typed):
    assert captcha.is_right(question, typed)


@pytest.mark.parametrize("typed", ["", "Élorn", "Penfel", "la", "Penfeld Élorn"])
def test_wrong_answers_are_wrong(session, question, typed):
    assert not captcha.is_right(question, typed)


def test_elided_articles_and_typographic_apostrophes_are_ignored():
    assert captcha.fold("L’Élorn") == captcha.fold("l'elorn") == captcha.fold("Elorn") == "elorn"
    assert captcha.fold("Les Abers") == "abers"
    assert captcha.fold("Le Conquet") == "conquet"
    # Only a leading article goes: "Pointe de la Vieille" keeps its inner "la".
    assert captcha.fold("Pointe de la Vieille") == "pointe de la vieille"


# --- Registration ------------------------------------------------------------------------------


def test_registration_asks_nothing_when_no_question_is_configured(session, browser):
    form = browser.get("/register").get_data(as_text=True)
    assert "captcha_id" not in form

    assert browser.register("Lucie").status_code == 302
    assert account_exists(session, "Lucie")


def test_registration_with_the_right_answer_creates_the_account(session, browser, question):
    form = browser.get("/register").get_data(as_text=True)
    assert QUESTION in html.unescape(form)
    qid = question_id(form)

    response = register(browser, "Lucie", captcha_id=qid, captcha_answer="la penfeld")

    assert response.status_code == 302
    assert account_exists(session, "Lucie")


def test_a_wrong_answer_redisplays_the_form_with_the_pseudonym_kept(session, browser, question):
    qid = question_id(browser.get("/register").get_data(as_text=True))

    response = register(browser, "Lucie", captcha_id=qid, captcha_answer="l'Élorn")

    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert "n'est pas la bonne" in page
    assert 'value="Lucie"' in page
    assert QUESTION in page and question_id(page) == str(question.id)
    assert not account_exists(session, "Lucie")


def test_a_missing_answer_is_asked_for(session, browser, question):
    response = register(browser, "Lucie")

    assert response.status_code == 422
    assert QUESTION in html.unescape(response.get_data(as_text=True))
    assert not account_exists(session, "Lucie")


def test_a_disabled_question_is_not_asked(session, browser, question, moderator):
    captcha.update_question(session, moderator, question.id, enabled=False)

    assert "captcha_id" not in browser.get("/register").get_data(as_text=True)
    assert browser.register("Lucie").status_code == 302


def test_other_registration_errors_keep_the_question_and_the_answer(browser, question):
    qid = question_id(browser.get("/register").get_data(as_text=True))

    response = register(
        browser, "Lucie", captcha_id=qid, captcha_answer="Penfeld", password_confirm="autre"
    )

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert question_id(page) == qid
    assert 'value="Penfeld"' in page


# --- A new account adding links ----------------------------------------------------------------


def test_a_new_account_adding_links_on_the_web_answers_a_question_first(
    session, browser, make_user, question
):
    make_user("Lucie")
    browser.login("Lucie")

    asked = browser.save("Quai", SPAM, summary="Lien utile")

    assert asked.status_code == 422
    page = html.unescape(asked.get_data(as_text=True))
    assert QUESTION in page
    assert f"{SPAM}</textarea>" in page
    qid = question_id(page)
    assert pages.find_page(session, "Quai") is None

    wrong = browser.save("Quai", SPAM, captcha_id=qid, captcha_answer="Élorn")
    assert wrong.status_code == 422
    wrong_page = html.unescape(wrong.get_data(as_text=True))
    assert "n'est pas la bonne" in wrong_page and f"{SPAM}</textarea>" in wrong_page

    right = browser.save("Quai", SPAM, captcha_id=qid, captcha_answer="Penfeld")
    assert right.status_code == 302
    assert pages.get_page(session, "Quai").latest.text == SPAM


def test_a_new_account_adding_links_through_the_api_answers_a_question_first(
    client, session, make_user, question
):
    headers = bearer(session, make_user("Lucie"))
    body = {"markdown": SPAM, "base_revision": None}

    asked = client.put(f"{API}/pages/Quai", json=body, headers=headers)
    assert asked.status_code == 422
    details = asked.get_json()
    assert details["error"] == "captcha_required"
    assert details["captcha"] == {"id": question.id, "question": QUESTION}

    wrong = answering(client, headers, question, "Odet")
    assert wrong.status_code == 422
    assert "n'est pas la bonne" in wrong.get_json()["message"]

    right = answering(client, headers, question, "PENFELD")
    assert right.status_code == 201


def test_no_question_for_confirmed_contributors_edits_without_links_or_no_questions(
    client, session, make_user, moderator, question
):
    confirmed = bearer(session, make_user("Claire", "confirmed"))
    newcomer = bearer(session, make_user("Lucie"))

    put = client.put(f"{API}/pages/Quai", json={"markdown": SPAM}, headers=confirmed)
    assert put.status_code == 201
    plain = {"markdown": "Un souvenir, sans lien.", "base_revision": None}
    assert client.put(f"{API}/pages/Môle", json=plain, headers=newcomer).status_code == 201

    captcha.update_question(session, moderator, question.id, enabled=False)
    links = {"markdown": SPAM, "base_revision": None}
    assert client.put(f"{API}/pages/Digue", json=links, headers=newcomer).status_code == 201


def test_wrong_answers_count_against_the_edit_limit(app, client, session, make_user, question):
    app.config["RATE_LIMITS"] = {"edit": {"contributor": [(3, 60)]}}
    headers = bearer(session, make_user("Lucie"))
    statuses = [
        answering(client, headers, question, word).status_code
        for word in ("Élorn", "Aulne", "Odet", "Penfeld")
    ]

    assert statuses == [422, 422, 422, 429]


# --- Moderators' pages and API -----------------------------------------------------------------


def test_moderators_add_edit_and_disable_questions_on_the_web(session, browser, moderator):
    person = browser
    person.login("Morgane")

    added = person.post(
        "/moderation/questions",
        {"question": "Quelle île fait face au Conquet ?", "answers": "Molène\nl'île Molène\n"},
    )
    assert added.status_code == 302
    item = session.scalar(select(CaptchaQuestion))
    assert item.answers == "Molène\nl'île Molène" and item.enabled

    listing = html.unescape(person.get("/moderation/questions").get_data(as_text=True))
    assert "Quelle île fait face au Conquet ?" in listing
    edit = person.get(f"/moderation/questions/{item.id}")
    assert edit.status_code == 200

    changed = person.post(
        f"/moderation/questions/{item.id}",
        {"question": "Quelle île voit-on du Conquet ?", "answers": "Molène", "enabled": "yes"},
    )
    assert changed.status_code == 302
    disabled = person.post(f"/moderation/questions/{item.id}/enabled", {"enabled": "no"})
    assert disabled.status_code == 302
    session.expire_all()
    item = session.get(CaptchaQuestion, item.id)
    assert (item.question, item.answers, item.enabled) == (
        "Quelle île voit-on du Conquet ?",
        "Molène",
        False,
    )

    empty = person.post("/moderation/questions", {"question": "Sans réponse ?", "answers": " "})
    assert empty.status_code == 400
    assert "Sans réponse ?" in html.unescape(empty.get_data(as_text=True))

    log = html.unescape(person.get("/log").get_data(as_text=True))
    assert "a ajouté la question « Quelle île fait face au Conquet ? »" in log
    assert "a modifié la question" in log and "a désactivé la question" in log
    # The public log never gives the answers away.
    assert "Molène" not in log.replace("Quelle île fait face au Conquet", "")


def test_moderators_manage_questions_through_the_api(client, session, moderator):
    headers = bearer(session, moderator)

    created = client.post(
        f"{API}/captcha-questions",
        json={"question": QUESTION, "answers": ["Penfeld", "la Penfeld"]},
        headers=headers,
    )
    assert created.status_code == 201
    item = created.get_json()
    assert item["answers"] == ["Penfeld", "la Penfeld"] and item["enabled"] is True

    updated = client.put(
        f"{API}/captcha-questions/{item['id']}", json={"enabled": False}, headers=headers
    )
    assert updated.status_code == 200 and updated.get_json()["enabled"] is False
    listed = client.get(f"{API}/captcha-questions", headers=headers).get_json()["questions"]
    assert [q["id"] for q in listed] == [item["id"]]

    assert client.put(f"{API}/captcha-questions/999", json={}, headers=headers).status_code == 404
    bad = client.post(
        f"{API}/captcha-questions", json={"question": QUESTION, "answers": 3}, headers=headers
    )
    assert bad.status_code == 400
    types = {e.type for e in session.scalars(select(Event))}
    assert {"captcha_question_created", "captcha_question_disabled"} <= types


@pytest.mark.parametrize("role", ["contributor", "confirmed", "mediator"])
def test_only_moderators_may_see_or_change_questions(app, session, make_user, question, role):
    user = make_user("Personne", role)
    headers = bearer(session, user)
    client = app.test_client()
    count = session.scalar(select(func.count()).select_from(CaptchaQuestion))

    assert client.get(f"{API}/captcha-questions", headers=headers).status_code == 403
    body = {"question": "Une autre ?", "answers": ["Oui"]}
    assert client.post(f"{API}/captcha-questions", json=body, headers=headers).status_code == 403
    update = client.put(
        f"{API}/captcha-questions/{question.id}", json={"enabled": False}, headers=headers
    )
    assert update.status_code == 403

    person = Browser(app.test_client())
    person.login("Personne")
    assert person.get("/moderation/questions").status_code == 403
    assert person.get(f"/moderation/questions/{question.id}").status_code == 403
    form = {"question": "Une autre ?", "answers": "Oui"}
    assert person.post("/moderation/questions", form, form_url="/login").status_code == 403
    toggle = person.post(
        f"/moderation/questions/{question.id}/enabled", {"enabled": "no"}, form_url="/login"
    )
    assert toggle.status_code == 403

    session.expire_all()
    assert session.scalar(select(func.count()).select_from(CaptchaQuestion)) == count
    assert session.get(CaptchaQuestion, question.id).enabled


def test_anonymous_visitors_may_not_see_the_questions(client, question):
    assert client.get(f"{API}/captcha-questions").status_code == 401
    assert client.get("/moderation/questions").status_code == 401


# --- Demo --------------------------------------------------------------------------------------


def test_the_demo_asks_three_questions_whose_answers_are_in_its_articles(session, search):
    load_demo(session, search, FAST_HASH)

    questions = captcha.list_questions(
        session, session.scalar(select(User).where(User.role == "moderator"))
    )
    assert len(questions) == 3 and all(q.enabled for q in questions)
    articles = " ".join(
        path.read_text(encoding="utf-8") for path in (CONTENT / "articles").glob("*.toml")
    )
    for item in questions:
        first = item.answers.splitlines()[0]
        assert first in articles, item.question
        assert captcha.is_right(item, first.upper())


def test_a_new_account_reverting_to_a_version_with_links_is_not_asked(
    client, session, search, make_user, question
):
    """A revert form has no place for an answer; the links were already in the page's history."""
    claire = make_user("Claire", "confirmed")
    first = pages.save_edit(session, search, claire, "Quai", SPAM).revision
    pages.save_edit(session, search, claire, "Quai", "Sans lien.", base_revision_id=first.id)
    newcomer = bearer(session, make_user("Lucie"))

    response = client.post(
        f"{API}/pages/Quai/revert", json={"revision_id": first.id}, headers=newcomer
    )

    assert response.status_code == 200, response.get_json()
    assert client.get(f"{API}/pages/Quai").get_json()["markdown"] == SPAM
