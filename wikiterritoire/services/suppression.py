"""Hiding a revision's text for privacy: moderators only, logged with the reason, reversible.

The revision stays in the history (marked), with its author, date and summary; only its text
(and diffs involving it) is withheld from everyone but moderators. See `visibility`.
"""

from sqlalchemy.orm import Session

from ..errors import InvalidInput
from ..models import Revision, User
from . import moderation, pages, permissions


def hide_text(session: Session, user: User | None, revision_id, reason: str) -> Revision:
    """Withhold an old revision's text from everyone but moderators."""
    permissions.require(user, "moderator", "Masquage du texte d'une version")
    reason = permissions.reason(reason, required=True)
    revision = pages.get_revision(session, revision_id)
    if revision.id == revision.page.latest_revision_id:
        raise InvalidInput(
            "C'est la version actuelle de la page : rétablissez d'abord une autre version "
            "(ou corrigez la page), puis masquez le texte de celle-ci."
        )
    if revision.text_hidden:
        raise InvalidInput(f"Le texte de la version {revision.id} est déjà masqué.")
    revision.text_hidden = True
    moderation._log(
        session, "hide_text", user, revision.page, revision_id=revision.id, reason=reason
    )
    session.commit()
    return revision


def unhide_text(session: Session, user: User | None, revision_id, reason: str = "") -> Revision:
    """Show a hidden text again."""
    permissions.require(user, "moderator", "Masquage du texte d'une version")
    reason = permissions.reason(reason)
    revision = pages.get_revision(session, revision_id)
    if not revision.text_hidden:
        raise InvalidInput(f"Le texte de la version {revision.id} n'est pas masqué.")
    revision.text_hidden = False
    moderation._log(
        session, "unhide_text", user, revision.page, revision_id=revision.id, reason=reason
    )
    session.commit()
    return revision
