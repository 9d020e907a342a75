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


class EditRefused(PermissionDenied):
    """An abuse rule or the link blocklist refuses this edit; the message says why."""

    code = "edit_refused"


class EditWarning(WikiError):
    """Abuse rules ask the author to think again; saving again with `acknowledged` goes through.

    details: warnings, the French messages of the rules that fired.
    """

    code = "edit_warning"
    status = 422


class CaptchaRequired(WikiError):
    """A question about the territory must be answered first.

    details: captcha = {"id", "question"}; answer with the question id and the answer text.
    """

    code = "captcha_required"
    status = 422


class RateLimited(WikiError):
    """Too many actions of one kind in a short time; details: retry_after (seconds)."""

    code = "rate_limited"
    status = 429
