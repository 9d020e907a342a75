"""Registration, login and logout."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import login_user, logout_user

from ..errors import CaptchaRequired, RateLimited, WikiError
from ..services import accounts, captcha, ipblocks
from . import context, guard

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only local paths: `next=` must never send a user to another site."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and "\\" not in target:
            return target
    return url_for("portals.home")


def _start_session(user) -> None:
    # A new session at login, so that a session fixed before it is worthless.
    session.clear()
    login_user(user)


def _register_form(
    name="", next="", error=None, question=None, answer="", status=200, headers=None
):
    """The registration form, with a question about the territory when any is enabled."""
    if question is None:
        question = captcha.pick(context.db())
    return (
        render_template(
            "auth/register.html",
            name=name,
            error=error,
            next=next,
            question=question,
            answer=answer if question else "",
        ),
        status,
        headers or {},
    )


@bp.route("/register", methods=["GET", "POST"])
def register():
    charter = context.charter()
    session = context.db()
    if request.method == "GET":
        return _register_form(next=request.args.get("next", ""))
    form = request.form
    kept = {"name": form.get("name", ""), "next": form.get("next", "")}
    answer = captcha.Answer(form.get("captcha_id"), form.get("captcha_answer", ""))
    try:
        ipblocks.check_registration(session, guard.client_ip())
        with guard.limited("register"):
            captcha.check(session, answer)
            user = accounts.register(
                session,
                form.get("name", ""),
                form.get("password", ""),
                form.get("password_confirm", ""),
                accepts_charter=form.get("accept_charter") == "yes",
                charter_version=charter.version,
                hash_method=context.hash_method(),
            )
    except CaptchaRequired as exc:
        return _register_form(
            **kept, error=exc.message, question=exc.details["captcha"], status=exc.status
        )
    except RateLimited as exc:
        return _register_form(
            **kept, error=exc.message, status=exc.status, headers=guard.retry_after(exc)
        )
    except WikiError as exc:
        # Ask the same question again, with the answer given, when it is still enabled.
        return _register_form(
            **kept,
            error=exc.message,
            question=captcha.question_for(session, answer.question_id or ""),
            answer=answer.text,
            status=exc.status,
        )
    _start_session(user)
    flash(
        f"Bienvenue, {user.name} ! Votre compte est créé : vous pouvez écrire dès maintenant.",
        "success",
    )
    return redirect(_safe_next(form.get("next")))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "GET":
        return render_template(
            "auth/login.html", name="", error=None, next=request.args.get("next", "")
        )
    form = request.form
    name = form.get("name", "")
    try:
        guard.ensure_login_allowed(name)
    except RateLimited as exc:
        # The same answer whether the account exists or not.
        return (
            render_template(
                "auth/login.html", name=name, error=exc.message, next=form.get("next", "")
            ),
            exc.status,
            guard.retry_after(exc),
        )
    user = accounts.authenticate(context.db(), name, form.get("password", ""))
    if user is None:
        guard.count_failed_login(name)
        return (
            render_template(
                "auth/login.html",
                name=form.get("name", ""),
                error="Pseudonyme ou mot de passe incorrect.",
                next=form.get("next", ""),
            ),
            401,
        )
    _start_session(user)
    flash(f"Bonjour, {user.name} !", "success")
    return redirect(_safe_next(form.get("next")))


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    session.clear()
    flash("Vous êtes déconnecté. À bientôt !", "info")
    return redirect(url_for("portals.home"))
