"""Who may read what of a revision: held or rejected edits, and texts hidden by a moderator.

Pure rules on loaded objects, so that every reader of revisions (pages, history, the queue, the
API) asks the same questions without importing one another.
"""

from ..errors import NotFound
from ..models import Revision, User

HIDDEN_TEXT = (
    "Le texte de cette version a été masqué par un modérateur (protection de la vie privée)."
)


def may_read(user: User | None, revision: Revision) -> bool:
    """A published revision is public; a pending or rejected one is shown to its author and to
    confirmed contributors (who review the queue) only."""
    if revision.status == "published":
        return True
    return user is not None and (user.id == revision.author_id or user.has_role("confirmed"))


def check_readable(user: User | None, revision: Revision) -> Revision:
    """`revision` if `user` may read it; otherwise `NotFound`, as if it did not exist."""
    if not may_read(user, revision):
        raise NotFound(f"La version {revision.id} n'existe pas.")
    return revision


def may_read_text(user: User | None, revision: Revision) -> bool:
    """A hidden text is for moderators' eyes only."""
    return not revision.text_hidden or (user is not None and user.has_role("moderator"))
