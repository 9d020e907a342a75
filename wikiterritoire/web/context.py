"""Access to the application's parts from views, so that views stay one-liners."""

from flask import current_app
from flask_login import current_user
from sqlalchemy.orm import Session

from ..charter import Charter
from ..models import User
from ..search import SearchBackend


def db() -> Session:
    return current_app.extensions["wiki"].db.session


def search() -> SearchBackend:
    return current_app.extensions["wiki"].search


def charter() -> Charter:
    return current_app.extensions["wiki"].charter


def user() -> User | None:
    """The logged-in user, or None for an anonymous reader."""
    return current_user if current_user.is_authenticated else None


def hash_method() -> str:
    return current_app.config["PASSWORD_HASH_METHOD"]


def site_name() -> str:
    return current_app.config["SITE_NAME"]
