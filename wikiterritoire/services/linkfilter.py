"""The external-domain blocklist that moderators keep.

A blocked domain covers its subdomains: blocking "exemple.com" refuses links to
"https://www.exemple.com/…" and "http://promo.exemple.com". Domains are stored in lower-case
ASCII (internationalized names as IDNA "xn--" labels), without a leading "www.".
Only links an edit adds are checked, so removing a link to a blocked site is always possible.
"""

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..errors import Conflict, EditRefused, InvalidInput, NotFound
from ..models import BlockedDomain, Event, User
from . import permissions

_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
EXAMPLE = "par exemple « exemple.com »"


def _ascii_host(host: str) -> str:
    """Lower-case ASCII form of a host name; IDNA for internationalized names."""
    host = host.strip().lower().rstrip(".")
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def normalize_domain(raw) -> str:
    """A bare domain as stored in the blocklist; `InvalidInput` in French for anything else."""
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidInput(f"Indiquez un nom de domaine, {EXAMPLE}.")
    text = raw.strip().lower().rstrip(".")
    if re.search(r"[/:@?#\\\s]", text):
        raise InvalidInput(
            f"Indiquez le nom de domaine seul, sans « http:// », chemin ni espace : {EXAMPLE}."
        )
    for prefix in ("*.", "www."):
        text = text.removeprefix(prefix)
    try:
        domain = text.encode("idna").decode("ascii")
    except UnicodeError:
        domain = ""
    labels = domain.split(".")
    if (
        len(labels) < 2
        or len(domain) > 253
        or not all(_LABEL.fullmatch(label) for label in labels)
        or labels[-1].isdigit()
    ):
        raise InvalidInput(f"« {raw.strip()} » n'est pas un nom de domaine valide ({EXAMPLE}).")
    return domain


def host_of(url: str) -> str | None:
    """The host of a URL in the blocklist's form, or None when there is none."""
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return _ascii_host(unquote(host)) if host else None


def _suffixes(host: str) -> list[str]:
    labels = host.split(".")
    return [".".join(labels[i:]) for i in range(len(labels) - 1)]


def check(session: Session, urls: list[str]) -> None:
    """Raise `EditRefused` naming the domain when one of `urls` is on the blocklist."""
    candidates: dict[str, None] = {}
    for url in urls:
        host = host_of(url)
        if host:
            candidates.update(dict.fromkeys(_suffixes(host)))
    if not candidates:
        return
    blocked = session.scalars(
        select(BlockedDomain).where(BlockedDomain.domain.in_(list(candidates))).limit(1)
    ).first()
    if blocked is None:
        return
    reason = f" (motif : {blocked.reason})" if blocked.reason else ""
    raise EditRefused(
        f"Les liens vers le site « {blocked.domain} » ne sont pas acceptés sur ce wiki{reason}. "
        "Retirez ce lien pour enregistrer votre modification ; votre texte n'est pas perdu.",
        domain=blocked.domain,
    )


@dataclass
class DomainEntry:
    item: BlockedDomain
    #: Name of the moderator who added it (None if the account is gone).
    created_by: str | None


def list_domains(session: Session, user: User | None) -> list[DomainEntry]:
    """The blocklist, in alphabetical order."""
    permissions.require(user, "moderator", "Sites bloqués")
    rows = session.execute(
        select(BlockedDomain, User.name)
        .outerjoin(User, User.id == BlockedDomain.created_by_id)
        .order_by(BlockedDomain.domain)
    )
    return [DomainEntry(item, name) for item, name in rows]


def add_domain(session: Session, user: User | None, domain, reason="") -> BlockedDomain:
    """Refuse from now on every edit adding a link to `domain` or one of its subdomains."""
    permissions.require(user, "moderator", "Sites bloqués")
    domain = normalize_domain(domain)
    reason = permissions.reason(reason)
    if session.scalar(select(BlockedDomain).where(BlockedDomain.domain == domain)) is not None:
        raise Conflict(f"Le domaine « {domain} » est déjà bloqué.", domain=domain)
    item = BlockedDomain(domain=domain, reason=reason, created_by_id=user.id)
    session.add(item)
    session.add(
        Event(type="domain_blocked", user_id=user.id, data={"domain": domain, "reason": reason})
    )
    try:
        session.commit()
    except IntegrityError:
        # Another moderator blocked it a moment ago.
        session.rollback()
        raise Conflict(f"Le domaine « {domain} » est déjà bloqué.", domain=domain) from None
    return item


def remove_domain(session: Session, user: User | None, domain, reason="") -> str:
    """Allow links to `domain` again; returns the domain as it was stored."""
    permissions.require(user, "moderator", "Sites bloqués")
    domain = normalize_domain(domain)
    reason = permissions.reason(reason)
    item = session.scalar(select(BlockedDomain).where(BlockedDomain.domain == domain))
    if item is None:
        raise NotFound(f"Le domaine « {domain} » n'est pas dans la liste des sites bloqués.")
    # The log keeps what the row said, so the removal loses nothing.
    data = {"domain": domain, "reason": reason, "blocked_reason": item.reason}
    session.delete(item)
    session.add(Event(type="domain_unblocked", user_id=user.id, data=data))
    session.commit()
    return domain
