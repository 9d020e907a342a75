"""Domain errors raised by services; each front (web, API, CLI) maps them to its own output.

Every message is French because it reaches the user as it is.
"""


class WikiError(Exception):
    """Base of domain errors: a stable machine code, a French message and an HTTP status."""

    code = "error"
    status = 400

    def __init__(self, message: str, **details):
        super().__init__(message)
        self.message = message
        self.details = details


class InvalidInput(WikiError):
    code = "invalid_input"


class InvalidTitle(WikiError):
    code = "invalid_title"


class NotFound(WikiError):
    code = "not_found"
    status = 404


class PermissionDenied(WikiError):
    code = "permission_denied"
    status = 403


class AuthenticationRequired(WikiError):
    code = "authentication_required"
    status = 401


class Conflict(WikiError):
    code = "conflict"
    status = 409


class EditConflict(Conflict):
    """Someone saved the page after the editor was opened; carries both texts."""

    code = "edit_conflict"


class TooLarge(WikiError):
    code = "too_large"
    status = 413
