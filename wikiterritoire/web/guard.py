"""Guards at the web boundary, and the moderators' pages that configure them.

`limited` applies the rate limits of `services.ratelimit` to the current request (the web
views and the API wrap edits, reverts and registrations in it); the pages below let moderators
write the questions about the territory and block addresses from registering.

The client's address is `request.remote_addr`. Behind a reverse proxy that is the proxy's own
address unless werkzeug's ProxyFix takes it from X-Forwarded-For, which `create_app` does for
one proxy hop; served without a proxy, that header must not be trusted (clients can forge it).
"""

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from ..errors import CaptchaRequired, EditRefused, EditWarning, InvalidInput
from ..services import captcha, ipblocks, ratelimit
from . import context

# One set of durations for every moderation form, and one way to read them.
from .moderation import DURATIONS, _until

bp = Blueprint("guard", __name__)


def client_ip() -> str | None:
    return request.remote_addr


def _limits() -> dict | None:
    return current_app.config.get("RATE_LIMITS")


#: Refusals that still count as an attempt: otherwise a robot could guess the answers to the
#: questions, or probe the rules and the blocklist, as fast as it likes.
COUNTED_REFUSALS = (CaptchaRequired, EditRefused, EditWarning)


@contextmanager
def limited(*actions: str) -> Iterator[None]:
    """Refuse (`RateLimited`) up front when one more of `actions` by the current user from the
    client's address would exceed a limit; count it once it went through.

    Bad input and conflicts cost nothing, so waiting `retry_after` seconds is always enough.
    """
    session, user, ip = context.db(), context.user(), client_ip()
    if user is not None and user.is_blocked():
        # A blocked account is told why it may not write, not when to try again.
        yield
        return
    ratelimit.ensure_allowed(session, actions, user, ip, limits=_limits())
    try:
        yield
    except COUNTED_REFUSALS:
        session.rollback()
        ratelimit.record(session, actions, user, ip, limits=_limits())
        raise
    ratelimit.record(session, actions, user, ip, limits=_limits())


def ensure_login_allowed(name: str) -> None:
    """Refuse a login attempt after too many failures for this name or from this address."""
    ratelimit.ensure_allowed(
        context.db(), "failed-login", None, client_ip(), name=name, limits=_limits()
    )


def count_failed_login(name: str) -> None:
    ratelimit.record(context.db(), "failed-login", None, client_ip(), name=name, limits=_limits())


def retry_after(exc) -> dict:
    """The Retry-After header of a `RateLimited` error, for views that answer it themselves."""
    return {"Retry-After": str(exc.details.get("retry_after", 60))}


# --- Questions about the territory ---------------------------------------------------------------


def _questions_page(error=None, question="", answers="", status=200):
    items = captcha.list_questions(context.db(), context.user())
    return render_template(
        "moderation/questions.html",
        questions=items,
        error=error,
        question=question,
        answers=answers,
    ), status


@bp.route("/moderation/questions", methods=["GET", "POST"])
def questions():
    if request.method == "GET":
        return _questions_page()
    form = request.form
    try:
        item = captcha.create_question(
            context.db(), context.user(), form.get("question", ""), form.get("answers", "")
        )
    except InvalidInput as exc:
        return _questions_page(exc.message, form.get("question", ""), form.get("answers", ""), 400)
    flash(f"La question « {item.question} » est ajoutée.", "success")
    return redirect(url_for("guard.questions"))


@bp.route("/moderation/questions/<int:question_id>", methods=["GET", "POST"])
def edit_question(question_id: int):
    session = context.db()
    user = context.user()
    item = captcha.get_question(session, user, question_id)
    if request.method == "GET":
        return render_template("moderation/question.html", item=item, error=None)
    form = request.form
    try:
        captcha.update_question(
            session,
            user,
            question_id,
            question=form.get("question", ""),
            answers=form.get("answers", ""),
            enabled=form.get("enabled") == "yes",
        )
    except InvalidInput as exc:
        return render_template(
            "moderation/question.html",
            item=item,
            error=exc.message,
            question=form.get("question", ""),
            answers=form.get("answers", ""),
        ), 400
    flash("La question est enregistrée.", "success")
    return redirect(url_for("guard.questions"))


@bp.post("/moderation/questions/<int:question_id>/enabled")
def toggle_question(question_id: int):
    item = captcha.update_question(
        context.db(), context.user(), question_id, enabled=request.form.get("enabled") == "yes"
    )
    flash(
        f"La question « {item.question} » est {'réactivée' if item.enabled else 'désactivée'}.",
        "success",
    )
    return redirect(url_for("guard.questions"))


# --- Address blocks for registration ------------------------------------------------------------


def _blocks_page(error=None, values=None, status=200):
    return render_template(
        "moderation/ip_blocks.html",
        blocks=ipblocks.list_blocks(context.db(), context.user()),
        is_active=ipblocks.is_active,
        durations=DURATIONS,
        error=error,
        values=values or {"network": "", "reason": "", "hours": "720"},
    ), status


@bp.route("/moderation/ip-blocks", methods=["GET", "POST"])
def ip_blocks():
    if request.method == "GET":
        return _blocks_page()
    form = request.form
    try:
        item = ipblocks.block(
            context.db(),
            context.user(),
            form.get("network", ""),
            _until(form.get("hours")),
            form.get("reason", ""),
        )
    except InvalidInput as exc:
        return _blocks_page(exc.message, form.to_dict(), 400)
    flash(f"Les inscriptions depuis « {item.network} » sont bloquées.", "success")
    return redirect(url_for("guard.ip_blocks"))


@bp.post("/moderation/ip-blocks/<int:block_id>/delete")
def remove_ip_block(block_id: int):
    item = ipblocks.unblock(context.db(), context.user(), block_id)
    flash(f"Le blocage de « {item.network} » est levé.", "success")
    return redirect(url_for("guard.ip_blocks"))
