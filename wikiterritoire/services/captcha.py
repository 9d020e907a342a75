"""Questions about the territory, asked at registration and when a new account adds links."""

from dataclasses import dataclass

from sqlalchemy.orm import Session


@dataclass
class Answer:
    question_id: int | str | None
    text: str


def require_for_links(session: Session, edit, answer: Answer | None) -> None:
    """Raise `CaptchaRequired` when a new account adds external links without a right answer."""


def question_for(session: Session, question_id: int | str) -> dict | None:
    """{"id", "question"} of an enabled question, to ask it again (None if there is none)."""
    return None
