"""Who may act, and the reason they give: the checks every self-regulation service shares.

Kept free of other services so that any of them can import it without a cycle.
"""

from ..errors import AuthenticationRequired, InvalidInput, PermissionDenied
from ..models import User

MAX_REASON = 500
_WHO = {
    "confirmed": "aux contributeurs confirmés",
    "moderator": "aux modérateurs",
    "admin": "aux administrateurs",
}


def check_can_write(user: User | None) -> User:
    """Any write needs an account that is not blocked."""
    if user is None:
        raise AuthenticationRequired("Connectez-vous pour modifier les pages du wiki.")
    if user.is_blocked():
        until = user.blocked_until
        when = (
            "sans limite de durée"
            if until.year >= 9999
            else f"jusqu'au {until:%d/%m/%Y à %H:%M} (UTC)"
        )
        reason = f" Motif : {user.block_reason}" if user.block_reason else ""
        raise PermissionDenied(f"Votre compte est bloqué {when}.{reason}")
    return user


def require(user: User | None, role: str, action: str) -> User:
    """An unblocked account with at least `role`; the refusal names the action."""
    check_can_write(user)
    if not user.has_role(role):
        raise PermissionDenied(f"{action} : action réservée {_WHO[role]}.")
    return user


def reason(text: str | None, required: bool = False) -> str:
    """A reason as it is logged: one line, bounded, present when `required`."""
    if text is not None and not isinstance(text, str):
        raise InvalidInput("Le motif doit être un texte.")
    text = " ".join((text or "").split())
    if required and not text:
        raise InvalidInput("Indiquez un motif.")
    if len(text) > MAX_REASON:
        raise InvalidInput(f"Le motif ne doit pas dépasser {MAX_REASON} caractères.")
    return text
