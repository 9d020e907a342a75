"""Blocks of addresses and networks from which no account may be registered.

Moderators block one address ("203.0.113.7") or a network in CIDR notation ("203.0.113.0/24",
"2001:db8::/48"), with an optional end and reason that the person refused is shown. Networks
wider than /16 (IPv4) or /19 (IPv6) are refused, as MediaWiki does, so that one typo cannot
close registration to a whole country. The public log says that an address was blocked, never
which one: addresses are personal data that this wiki shows nowhere else.
"""

import ipaddress
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..db import MAX_ID
from ..errors import InvalidInput, NotFound, PermissionDenied
from ..models import Event, IpBlock, User, utcnow
from . import permissions

#: The widest networks that may be blocked at once.
WIDEST_PREFIX = {4: 16, 6: 19}

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_network(raw) -> Network:
    """An address or CIDR network; `InvalidInput` in French for anything else."""
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidInput("Indiquez une adresse IP ou un réseau, par exemple « 203.0.113.0/24 ».")
    try:
        network = ipaddress.ip_network(raw.strip(), strict=False)
    except ValueError:
        raise InvalidInput(
            f"« {raw.strip()} » n'est ni une adresse IP ni un réseau "
            "(par exemple « 203.0.113.7 » ou « 203.0.113.0/24 »)."
        ) from None
    widest = WIDEST_PREFIX[network.version]
    if network.prefixlen < widest:
        raise InvalidInput(
            f"Ce réseau est trop large : on ne peut bloquer au plus qu'un /{widest} "
            f"en IPv{network.version}."
        )
    return network


def display(network: Network) -> str:
    """'203.0.113.7' for one address, '203.0.113.0/24' for a network."""
    return str(network.network_address) if network.num_addresses == 1 else str(network)


def _address(ip: str | None):
    try:
        address = ipaddress.ip_address((ip or "").strip())
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def is_active(block: IpBlock, now: datetime | None = None) -> bool:
    return block.until is None or block.until > (now or utcnow())


def block_for(session: Session, ip: str | None) -> IpBlock | None:
    """The active block covering `ip`, if any (the one lasting longest)."""
    address = _address(ip)
    if address is None:
        return None
    now = utcnow()
    covering = [
        block
        for block in session.scalars(
            select(IpBlock).where((IpBlock.until.is_(None)) | (IpBlock.until > now))
        )
        if address in ipaddress.ip_network(block.network, strict=False)
    ]
    if not covering:
        return None
    return max(covering, key=lambda b: (b.until is None, b.until or now))


def check_registration(session: Session, ip: str | None) -> None:
    """Raise `PermissionDenied`, saying why and until when, if `ip` may not register."""
    block = block_for(session, ip)
    if block is None:
        return
    when = (
        "jusqu'à nouvel ordre"
        if block.until is None
        else f"jusqu'au {block.until:%d/%m/%Y à %H:%M} (UTC)"
    )
    reason = f" Motif : {block.reason.rstrip('.')}." if block.reason else ""
    raise PermissionDenied(
        f"La création de comptes depuis votre adresse (ou votre réseau) est bloquée {when}.{reason}"
        " Si vous pensez que c'est une erreur, adressez-vous à un médiateur ou à un modérateur "
        "du wiki.",
        until=block.until.isoformat() if block.until else None,
        reason=block.reason,
    )


# --- Moderators' management ---------------------------------------------------------------------


def list_blocks(session: Session, user: User | None) -> list[IpBlock]:
    """Every block, newest first, ended ones included (see `is_active`)."""
    permissions.require(user, "moderator", "Blocages d'adresses")
    return list(session.scalars(select(IpBlock).order_by(IpBlock.id.desc())))


def block(
    session: Session, user: User | None, network, until: datetime | None = None, reason=""
) -> IpBlock:
    """Refuse registration from `network` until `until` (None: until lifted).

    Blocking a network already listed replaces its end and reason.
    """
    permissions.require(user, "moderator", "Blocages d'adresses")
    text = display(parse_network(network))
    reason = permissions.reason(reason)
    if until is not None and until <= utcnow():
        raise InvalidInput("La fin du blocage doit être dans le futur.")
    item = session.scalar(select(IpBlock).where(IpBlock.network == text))
    if item is None:
        item = IpBlock(network=text, created_by_id=user.id)
        session.add(item)
    item.until, item.reason = until, reason
    try:
        session.flush()
    except IntegrityError:
        # Another moderator blocked the same network a moment ago: update theirs.
        session.rollback()
        item = session.scalar(select(IpBlock).where(IpBlock.network == text))
        item.until, item.reason = until, reason
        session.flush()
    data = {"block_id": item.id, "until": until.isoformat() if until else None, "reason": reason}
    session.add(Event(type="ip_block", user_id=user.id, data=data))
    session.commit()
    return item


def unblock(session: Session, user: User | None, block_id) -> IpBlock:
    """Lift a block; the log keeps what it said."""
    permissions.require(user, "moderator", "Blocages d'adresses")
    text = str(block_id).strip()
    item = session.get(IpBlock, int(text)) if text.isdigit() and 0 < int(text) <= MAX_ID else None
    if item is None:
        raise NotFound(f"Le blocage d'adresse n° {block_id} n'existe pas.")
    data = {"block_id": item.id, "blocked_reason": item.reason}
    session.delete(item)
    session.add(Event(type="ip_unblock", user_id=user.id, data=data))
    session.commit()
    return item
