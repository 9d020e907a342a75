"""Registration, login and logout."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import login_user, logout_user

from ..errors import WikiError
from ..services import accounts
from . import context

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


@bp.route("/register", methods=["GET", "POST"])
def register():
    charter = context.charter()
    if request.method == "GET":
        return render_template(
            "auth/register.html", name="", error=None, next=request.args.get("next", "")
        )
    form = request.form
    try:
        user = accounts.register(
            context.db(),
            form.get("name", ""),
            form.get("password", ""),
            form.get("password_confirm", ""),
            accepts_charter=form.get("accept_charter") == "yes",
            charter_version=charter.version,
            hash_method=context.hash_method(),
        )
    except WikiError as exc:
        return (
            render_template(
                "auth/register.html",
                name=form.get("name", ""),
                error=exc.message,
                next=form.get("next", ""),
            ),
            400,
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
    user = accounts.authenticate(context.db(), form.get("name", ""), form.get("password", ""))
    if user is None:
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
