"""Questions about the territory, asked at registration and when a new account adds links.

Moderators write the questions ("Quel fleuve traverse Brest ?") and their accepted answers; a
person from here answers at once, a spam robot cannot, and no third-party service is involved.
Answers are compared folded: case, accents, punctuation, extra spaces and a leading French
article (le, la, les, l') do not matter. With no enabled question, nothing is ever asked.
"""

import random
import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import MAX_ID
from ..errors import CaptchaRequired, InvalidInput, NotFound
from ..models import CaptchaQuestion, Event, User
from . import permissions

MAX_QUESTION = 300
MAX_ANSWERS = 2000
_ARTICLE = re.compile(r"^(?:(?:les|le|la)\s+|l\s*'\s*)")
_PUNCTUATION = re.compile(r"[\W_]+")


@dataclass
class Answer:
    question_id: int | str | None
    text: str


def fold(text: str) -> str:
    """An answer as compared: 'L’Élorn !' and 'elorn' fold to the same 'elorn'."""
    text = unicodedata.normalize("NFKD", (text or "").casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("\u2019", "'").replace("`", "'").strip()
    text = _ARTICLE.sub("", text)
    return " ".join(_PUNCTUATION.sub(" ", text).split())


def accepted(question: CaptchaQuestion) -> set[str]:
    return {f for f in (fold(line) for line in question.answers.splitlines()) if f}


def is_right(question: CaptchaQuestion, text: str) -> bool:
    folded = fold(text)
    return bool(folded) and folded in accepted(question)


def _enabled(session: Session) -> list[CaptchaQuestion]:
    return list(
        session.scalars(
            select(CaptchaQuestion)
            .where(CaptchaQuestion.enabled.is_(True))
            .order_by(CaptchaQuestion.id)
        )
    )


def _find(session: Session, question_id) -> CaptchaQuestion | None:
    text = str(question_id if question_id is not None else "").strip()
    if not text.isdigit() or not 0 < int(text) <= MAX_ID:
        return None
    return session.get(CaptchaQuestion, int(text))


def _asked(question: CaptchaQuestion) -> dict:
    return {"id": question.id, "question": question.question}


def pick(session: Session) -> dict | None:
    """{"id", "question"} of an enabled question chosen at random, or None when there is none."""
    questions = _enabled(session)
    return _asked(random.choice(questions)) if questions else None


def question_for(session: Session, question_id: int | str) -> dict | None:
    """{"id", "question"} of an enabled question, to ask it again (None if there is none)."""
    question = _find(session, question_id)
    return _asked(question) if question is not None and question.enabled else None


def check(session: Session, answer: Answer | None, reason: str = "") -> None:
    """Raise `CaptchaRequired` with a question unless `answer` answers an enabled one rightly.

    Nothing is asked when no question is enabled. `reason` says why the question is asked; a
    wrong answer is told as such and a question (perhaps another one) is asked again.
    """
    questions = _enabled(session)
    if not questions:
        return
    if answer is not None and (answer.text or "").strip():
        question = next((q for q in questions if str(q.id) == str(answer.question_id)), None)
        if question is not None and is_right(question, answer.text):
            return
        message = (
            "La réponse à la question sur le territoire n'est pas la bonne. "
            "Essayez à nouveau avec cette question."
        )
    else:
        message = reason or "Répondez d'abord à la question sur le territoire."
    raise CaptchaRequired(message, captcha=_asked(random.choice(questions)))


def require_for_links(session: Session, edit, answer: Answer | None) -> None:
    """Raise `CaptchaRequired` when a new account adds external links without a right answer."""
    if edit.user.has_role("confirmed") or not edit.added_links:
        return
    check(
        session,
        answer,
        reason="Votre modification ajoute des liens vers d'autres sites : comme nouveau "
        "contributeur, répondez d'abord à une question sur le territoire (c'est notre protection "
        "contre les robots publicitaires). Votre texte n'est pas perdu.",
    )


# --- Moderators' management ---------------------------------------------------------------------


def _question_text(value) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput("Écrivez la question.")
    text = " ".join(value.split())
    if len(text) > MAX_QUESTION:
        raise InvalidInput(f"La question ne doit pas dépasser {MAX_QUESTION} caractères.")
    return text


def _answers_text(value) -> str:
    """Accepted answers, one per line (a list of strings is accepted too)."""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        lines = value
    elif isinstance(value, str):
        lines = value.splitlines()
    else:
        raise InvalidInput("Les réponses acceptées sont un texte, une réponse par ligne.")
    lines = list(dict.fromkeys(" ".join(line.split()) for line in lines if line.strip()))
    if not any(fold(line) for line in lines):
        raise InvalidInput("Indiquez au moins une réponse acceptée (une par ligne).")
    text = "\n".join(lines)
    if len(text) > MAX_ANSWERS:
        raise InvalidInput(f"Les réponses ne doivent pas dépasser {MAX_ANSWERS} caractères.")
    return text


def _log(session: Session, type_: str, user: User, question: CaptchaQuestion, **data) -> None:
    # The public log names the question, never its answers.
    session.add(
        Event(
            type=type_,
            user_id=user.id,
            data={"question_id": question.id, "question": question.question, **data},
        )
    )


def list_questions(session: Session, user: User | None) -> list[CaptchaQuestion]:
    """Every question, enabled or not, oldest first."""
    permissions.require(user, "moderator", "Questions sur le territoire")
    return list(session.scalars(select(CaptchaQuestion).order_by(CaptchaQuestion.id)))


def get_question(session: Session, user: User | None, question_id) -> CaptchaQuestion:
    permissions.require(user, "moderator", "Questions sur le territoire")
    question = _find(session, question_id)
    if question is None:
        raise NotFound(f"La question n° {question_id} n'existe pas.")
    return question


def create_question(
    session: Session, user: User | None, question, answers, enabled: bool = True
) -> CaptchaQuestion:
    """A new question, asked from now on (if enabled)."""
    permissions.require(user, "moderator", "Questions sur le territoire")
    item = CaptchaQuestion(
        question=_question_text(question),
        answers=_answers_text(answers),
        enabled=bool(enabled),
        created_by_id=user.id,
    )
    session.add(item)
    session.flush()
    _log(session, "captcha_question_created", user, item, enabled=item.enabled)
    session.commit()
    return item


def update_question(
    session: Session,
    user: User | None,
    question_id,
    question=None,
    answers=None,
    enabled: bool | None = None,
) -> CaptchaQuestion:
    """Change the fields given (not None); disabling a question stops asking it."""
    item = get_question(session, user, question_id)
    changes = {}
    if question is not None:
        changes["question"] = _question_text(question)
    if answers is not None:
        changes["answers"] = _answers_text(answers)
    if enabled is not None:
        changes["enabled"] = bool(enabled)
    changed = sorted(key for key, value in changes.items() if getattr(item, key) != value)
    if not changed:
        return item
    for key in changed:
        setattr(item, key, changes[key])
    if changed == ["enabled"]:
        kind = "enabled" if item.enabled else "disabled"
        _log(session, f"captcha_question_{kind}", user, item)
    else:
        _log(session, "captcha_question_updated", user, item, changed=changed, enabled=item.enabled)
    session.commit()
    return item
