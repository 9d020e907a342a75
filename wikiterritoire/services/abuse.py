"""Abuse rules: moderator-written conditions on an edit and what to do when they all hold."""

from dataclasses import dataclass, field

from sqlalchemy.orm import Session


@dataclass
class Outcome:
    tags: list[str] = field(default_factory=list)
    hold: bool = False


def evaluate(session: Session, edit, acknowledged: bool = False) -> Outcome:
    """Check every enabled rule; count hits; raise `EditRefused` or `EditWarning` as they say."""
    return Outcome()
