"""Rate limits: how many edits, page creations, uploads, registrations and failed logins an
account or an address may make in a sliding window of time.

Each counted action is a row of `rate_events`, so the limits hold across worker processes and
restarts. Keys are "user:<id>" (the account), "ip:<address>" (IPv6 addresses count per /64,
the block one subscriber usually holds) and, for failed logins, "name:<folded name>" (the
account name typed, whether or not it exists, so that the answer reveals nothing).

Limits depend on trust: new accounts ("contributor") are held tight, confirmed contributors and
mediators loosely; moderators and administrators are never limited. Per-address limits apply to
anonymous visitors and new accounts only, and are wide enough for a workshop of a dozen people
sharing a library's connection. Two processes racing on the same key may each let one action
too many through; that is fine for a limit meant to slow robots down.

`ensure_allowed` refuses with `RateLimited` (retry_after in seconds) and `record` counts; the
fronts call the first before an action and the second once it went through (see
`web.guard.limited`), so a refused attempt never counts and waiting `retry_after` is enough.
`check` does both at once.
"""

import ipaddress
import math
from collections.abc import Iterable, Iterator
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from .. import usernames
from ..errors import RateLimited
from ..models import RateEvent, User, utcnow

MINUTE = 60
HOUR = 3600
DAY = 86400

#: action → scope → [(most actions, window in seconds), …]; every window must hold.
#: Scopes: "contributor" (new accounts), "confirmed" (confirmed contributors and mediators),
#: "ip" (anonymous visitors and new accounts, per address) and "name" (failed logins, per
#: account name typed). Overridden per action and scope by the RATE_LIMITS setting, e.g.
#: create_app({"RATE_LIMITS": {"edit": {"contributor": [(3, 60)]}}}); None lifts a limit.
LIMITS: dict[str, dict[str, list[tuple[int, int]]]] = {
    "edit": {
        "contributor": [(10, MINUTE), (100, HOUR)],
        "confirmed": [(60, MINUTE), (1000, HOUR)],
        "ip": [(30, MINUTE), (300, HOUR)],
    },
    # Counted on top of "edit" when the edit creates the page.
    "create": {
        "contributor": [(5, 10 * MINUTE), (30, DAY)],
        "confirmed": [(30, 10 * MINUTE)],
        "ip": [(15, 10 * MINUTE)],
    },
    "upload": {
        "contributor": [(10, 10 * MINUTE), (50, DAY)],
        "confirmed": [(60, 10 * MINUTE)],
        "ip": [(30, 10 * MINUTE)],
    },
    "register": {"ip": [(10, HOUR), (30, DAY)]},
    "failed-login": {"name": [(10, 15 * MINUTE)], "ip": [(30, 15 * MINUTE)]},
}

#: What the refusal says was done too often, per action.
WHAT = {
    "edit": "Vous avez enregistré beaucoup de modifications en peu de temps",
    "create": "Vous avez créé beaucoup de pages en peu de temps",
    "upload": "Vous avez envoyé beaucoup de fichiers en peu de temps",
    "register": "Beaucoup de comptes ont été créés depuis votre adresse en peu de temps",
    "failed-login": "Trop de tentatives de connexion ont échoué",
}
#: Old events are deleted once in this many recorded ones.
PRUNE_EVERY = 200


def effective_limits(overrides: dict | None = None) -> dict[str, dict[str, list]]:
    """The default table with `overrides` (the RATE_LIMITS setting) laid over it."""
    table = {action: dict(scopes) for action, scopes in LIMITS.items()}
    for action, scopes in (overrides or {}).items():
        if scopes is None:
            table[action] = {}
        else:
            table.setdefault(action, {}).update(scopes)
    return table


def exempt(user: User | None) -> bool:
    return user is not None and user.has_role("moderator")


def address_key(ip: str | None) -> str | None:
    """ "ip:<address>", an IPv6 address counted by its /64 network; None when unknown."""
    try:
        address = ipaddress.ip_address((ip or "").strip())
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    if address.version == 6:
        return f"ip:{ipaddress.ip_network(f'{address}/64', strict=False)}"
    return f"ip:{address}"


def _keys(user: User | None, ip: str | None, name: str | None) -> Iterator[tuple[str, str]]:
    """(scope, key) pairs an action by `user` from `ip` counts against."""
    if user is not None:
        yield ("contributor" if user.role == "contributor" else "confirmed"), f"user:{user.id}"
    if user is None or user.role == "contributor":
        key = address_key(ip)
        if key:
            yield "ip", key
    if name is not None:
        folded = usernames.key(name)[:100]
        if folded:
            yield "name", f"name:{folded}"


def _pairs(actions, user, ip, name, overrides) -> list[tuple[str, str, list[tuple[int, int]]]]:
    """(action, key, windows) for every limit that applies."""
    if exempt(user):
        return []
    table = effective_limits(overrides)
    actions = [actions] if isinstance(actions, str) else list(actions)
    pairs = []
    for action in actions:
        scopes = table.get(action) or {}
        for scope, key in _keys(user, ip, name):
            windows = [(int(n), int(s)) for n, s in scopes.get(scope) or () if n and s]
            if windows:
                pairs.append((action, key, windows))
    return pairs


def _wait(session: Session, action: str, key: str, windows: list[tuple[int, int]]) -> int:
    """Seconds until one more `action` under `key` fits in every window (0: now)."""
    now = utcnow()
    longest = max(seconds for _, seconds in windows)
    most = max(count for count, _ in windows)
    times = session.scalars(
        select(RateEvent.created_at)
        .where(
            RateEvent.action == action,
            RateEvent.key == key,
            RateEvent.created_at > now - timedelta(seconds=longest),
        )
        .order_by(RateEvent.created_at.desc())
        .limit(most)
    ).all()
    wait = 0
    for count, seconds in windows:
        inside = [t for t in times if t > now - timedelta(seconds=seconds)]
        if len(inside) >= count:
            # Free again when the count-th most recent action leaves the window.
            free_at = inside[count - 1] + timedelta(seconds=seconds)
            wait = max(wait, math.ceil((free_at - now).total_seconds()), 1)
    return wait


def in_words(seconds: int) -> str:
    """'45 secondes', '3 minutes', '1 heure et 5 minutes'."""
    if seconds < 60:
        return f"{seconds} seconde{'s' if seconds > 1 else ''}"
    minutes = math.ceil(seconds / 60)
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes > 1 else ''}"
    hours, minutes = divmod(minutes, 60)
    text = f"{hours} heure{'s' if hours > 1 else ''}"
    return text + (f" et {minutes} minute{'s' if minutes > 1 else ''}" if minutes else "")


def ensure_allowed(
    session: Session,
    actions: str | Iterable[str],
    user: User | None = None,
    ip: str | None = None,
    *,
    name: str | None = None,
    limits: dict | None = None,
) -> None:
    """Raise `RateLimited` (with retry_after, in seconds) if one more action would exceed a limit."""
    worst, worst_action = 0, None
    for action, key, windows in _pairs(actions, user, ip, name, limits):
        wait = _wait(session, action, key, windows)
        if wait > worst:
            worst, worst_action = wait, action
    if worst_action is not None:
        what = WHAT.get(worst_action, "Trop d'actions en peu de temps")
        raise RateLimited(
            f"{what} : attendez {in_words(worst)} avant de réessayer. "
            "Cette limite protège le wiki des robots.",
            retry_after=worst,
        )


def record(
    session: Session,
    actions: str | Iterable[str],
    user: User | None = None,
    ip: str | None = None,
    *,
    name: str | None = None,
    limits: dict | None = None,
) -> None:
    """Count one action against every limit that applies (and commit)."""
    pairs = _pairs(actions, user, ip, name, limits)
    if not pairs:
        return
    now = utcnow()
    events = [RateEvent(action=action, key=key, created_at=now) for action, key, _ in pairs]
    session.add_all(events)
    session.flush()
    if any(event.id % PRUNE_EVERY == 0 for event in events):
        prune(session, limits)
    session.commit()


def check(
    session: Session,
    actions: str | Iterable[str],
    user: User | None = None,
    ip: str | None = None,
    *,
    name: str | None = None,
    limits: dict | None = None,
) -> None:
    """Refuse with `RateLimited`, or count the action: the usual guard before doing it.

    A refused attempt is not counted, so waiting `retry_after` seconds is always enough.
    """
    ensure_allowed(session, actions, user, ip, name=name, limits=limits)
    record(session, actions, user, ip, name=name, limits=limits)


def prune(session: Session, limits: dict | None = None) -> int:
    """Delete events older than the longest window (and commit); returns how many."""
    table = effective_limits(limits)
    longest = max(
        [DAY] + [int(s) for scopes in table.values() for ws in scopes.values() for _, s in ws or ()]
    )
    result = session.execute(
        delete(RateEvent).where(RateEvent.created_at < utcnow() - timedelta(seconds=longest))
    )
    session.commit()
    return result.rowcount
