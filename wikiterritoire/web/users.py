"""Public user pages and the charter."""

from flask import Blueprint, render_template

from ..services import accounts, history
from . import context
from .moderation import DURATIONS

bp = Blueprint("users", __name__)


@bp.route("/user/<name>")
def show(name: str):
    session = context.db()
    user = accounts.get_user(session, name)
    contributions = history.contributions(session, user)
    return render_template(
        "users/user.html", person=user, contributions=contributions, durations=DURATIONS
    )


@bp.route("/charter")
def charter():
    return render_template("charter/charter.html", charter=context.charter())
