"""Accounts: registration, authentication, roles and personal API tokens."""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from .. import usernames
from ..errors import InvalidInput, NotFound
from ..models import ROLES, ApiToken, Event, Revision, User, utcnow

MIN_PASSWORD_LENGTH = 8
#: A contributor becomes "confirmed" (may patrol and roll back) after this many edits and days.
CONFIRM_AFTER_EDITS = 10
CONFIRM_AFTER_DAYS = 4
#: Roles that can be given to a stored account (the anonymous reader cannot).
ASSIGNABLE_ROLES = ROLES[1:]
# Checked when the name is unknown, so that a login takes as long either way.
_DUMMY_HASH = generate_password_hash("dummy-password-for-timing", method="pbkdf2:sha256:1000")


def find_user(session: Session, name: str) -> User | None:
    """The user whose name folds to the same key as `name`, if any."""
    return session.scalar(select(User).where(User.name_key == usernames.key(name)))


def get_user(session: Session, name: str) -> User:
    user = find_user(session, name)
    if user is None:
        raise NotFound(f"L'utilisateur « {usernames.normalize(name)} » n'existe pas.")
    return user


def _check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            f"Le mot de passe doit contenir au moins {MIN_PASSWORD_LENGTH} caractères."
        )


def create_user(
    session: Session,
    name: str,
    password: str,
    role: str = "contributor",
    charter_version: str | None = None,
    hash_method: str = "scrypt",
) -> User:
    """Create an account; raises `InvalidInput` for a taken or malformed name or password."""
    name = usernames.validate(name)
    if role not in ASSIGNABLE_ROLES:
        raise InvalidInput(
            f"Rôle inconnu : {role}. Rôles possibles : {', '.join(ASSIGNABLE_ROLES)}."
        )
    _check_password(password)
    if find_user(session, name):
        raise InvalidInput(
            f"Le pseudonyme « {name} » est déjà pris, ou trop proche d'un pseudonyme existant."
        )
    user = User(
        name=name,
        name_key=usernames.key(name),
        password_hash=generate_password_hash(password, method=hash_method),
        role=role,
    )
    session.add(user)
    session.flush()
    if charter_version:
        _record_charter(session, user, charter_version)
    session.commit()
    return user


def register(
    session: Session,
    name: str,
    password: str,
    password_confirm: str,
    accepts_charter: bool,
    charter_version: str,
    hash_method: str = "scrypt",
) -> User:
    """Self-registration of a contributor, who must accept the current charter."""
    if password != password_confirm:
        raise InvalidInput("Les deux mots de passe ne sont pas identiques.")
    if not accepts_charter:
        raise InvalidInput("Pour écrire sur le wiki, il faut accepter la charte éditoriale.")
    return create_user(
        session, name, password, "contributor", charter_version, hash_method=hash_method
    )


def _record_charter(session: Session, user: User, version: str) -> None:
    user.charter_version = version
    user.charter_accepted_at = utcnow()
    session.add(Event(type="charter_accepted", user_id=user.id, data={"version": version}))


def authenticate(session: Session, name: str, password: str) -> User | None:
    """The user if the password matches, else None (without telling which part was wrong)."""
    user = find_user(session, name or "")
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    return user if check_password_hash(user.password_hash, password or "") else None


def set_password(session: Session, user: User, password: str, hash_method: str = "scrypt"):
    _check_password(password)
    user.password_hash = generate_password_hash(password, method=hash_method)
    session.commit()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, user: User) -> str:
    """A new personal API token for `user`; only its hash is stored, so show it now."""
    token = "wt_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=_token_hash(token)))
    session.commit()
    return token


def user_for_token(session: Session, token: str) -> User | None:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token)))
    return row.user if row else None


def promote_if_trusted(session: Session, user: User) -> bool:
    """Trust level: an active contributor becomes confirmed on their own; logged."""
    if user.role != "contributor" or utcnow() - user.created_at < timedelta(
        days=CONFIRM_AFTER_DAYS
    ):
        return False
    edits = session.scalar(
        select(func.count()).where(Revision.author_id == user.id, Revision.status == "published")
    )
    if edits < CONFIRM_AFTER_EDITS:
        return False
    user.role = "confirmed"
    session.add(
        Event(type="role_change", user_id=user.id, data={"role": "confirmed", "auto": True})
    )
    session.commit()
    return True
