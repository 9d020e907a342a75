"""What an edit goes through before it is saved: the link blocklist, the abuse rules, the question
CAPTCHA for new accounts adding links, and the moderation queue.

`screen` raises when the edit may not be saved as it is (`EditRefused`, `EditWarning`,
`CaptchaRequired`) and otherwise says which tags to add and whether to hold it for review.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Page, Revision, User, utcnow
from . import abuse, captcha, linkfilter, queue

#: External links as Markdown writes them: bare, autolinked or in [label](url).
_URL = re.compile(r"""https?://[^\s<>()\[\]"'`]+""", re.I)


@dataclass
class Edit:
    """An edit about to be saved, with the facts about its author that rules look at."""

    user: User
    #: The live page, or None when the edit creates it.
    page: Page | None
    title: str
    old_text: str
    new_text: str
    summary: str
    account_edits: int
    account_age_days: float
    edits_last_5_minutes: int
    #: Slugs of the portals the author chose for the page (a creation has no page to ask).
    portals: list[str] = field(default_factory=list)

    @property
    def added_text(self) -> str:
        """Lines of the new text that were not in the old one: what the author brought."""
        before = set(self.old_text.splitlines())
        return "\n".join(line for line in self.new_text.splitlines() if line not in before)

    @property
    def removed_text(self) -> str:
        after = set(self.new_text.splitlines())
        return "\n".join(line for line in self.old_text.splitlines() if line not in after)

    @property
    def added_links(self) -> list[str]:
        """External URLs the new text has more of than the old one."""
        return list(
            (
                Counter(external_links(self.new_text)) - Counter(external_links(self.old_text))
            ).elements()
        )


@dataclass
class Verdict:
    tags: list[str] = field(default_factory=list)
    #: Keep the revision pending until a confirmed contributor approves it.
    hold: bool = False


def external_links(text: str) -> list[str]:
    return [url.rstrip(".,;:!?") for url in _URL.findall(text)]


def describe(
    session: Session,
    user: User,
    page: Page | None,
    title: str,
    old: str,
    new: str,
    summary: str,
    portals: list[str] | None = None,
) -> Edit:
    edits, recent = session.execute(
        select(
            func.count(),
            func.count().filter(Revision.created_at >= utcnow() - timedelta(minutes=5)),
        ).where(Revision.author_id == user.id, Revision.status == "published")
    ).one()
    return Edit(
        user=user,
        page=page,
        title=title,
        old_text=old,
        new_text=new,
        summary=summary,
        account_edits=edits,
        account_age_days=(utcnow() - user.created_at).total_seconds() / 86400,
        edits_last_5_minutes=recent,
        portals=list(portals or ()),
    )


def screen(
    session: Session,
    edit: Edit,
    acknowledged: bool = False,
    answer: "captcha.Answer | None" = None,
    restoring: bool = False,
) -> Verdict:
    """Refuse, warn, ask a question, or let the edit through with tags and perhaps held.

    `restoring` (a revert to an earlier version of the page) asks no question: its links were
    already in the page's history, and a revert form has no place to answer; the blocklist,
    the abuse rules and the rate limits still apply.
    """
    linkfilter.check(session, edit.added_links)
    outcome = abuse.evaluate(session, edit, acknowledged=acknowledged)
    if not restoring:
        captcha.require_for_links(session, edit, answer)
    return Verdict(tags=outcome.tags, hold=outcome.hold or queue.should_hold(session, edit))
