"""Thematic portals: the living front pages of the wiki's themes."""

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import markup
from ..errors import InvalidInput, NotFound, PermissionDenied
from ..models import Page, Portal, User, page_portals

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass
class PortalView:
    portal: Portal
    intro_html: str
    newest: list[Page]
    recently_edited: list[Page]
    alphabetical: list[Page]


def list_portals(session: Session) -> list[tuple[Portal, int]]:
    """Every portal with its number of live articles, in display order."""
    counts = (
        select(page_portals.c.portal_id, func.count().label("n"))
        .join(Page, Page.id == page_portals.c.page_id)
        .where(Page.deleted_at.is_(None), Page.latest_revision_id.isnot(None))
        .group_by(page_portals.c.portal_id)
        .subquery()
    )
    rows = session.execute(
        select(Portal, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.portal_id == Portal.id)
        .order_by(Portal.position, Portal.name)
    )
    return [(portal, n) for portal, n in rows]


def ordered(session: Session) -> list[Portal]:
    """Every portal in display order, without counting articles."""
    return list(session.scalars(select(Portal).order_by(Portal.position, Portal.name)))


def get_portal(session: Session, slug: str) -> Portal:
    portal = session.scalar(select(Portal).where(Portal.slug == slug))
    if portal is None:
        raise NotFound(f"Le portail « {slug} » n'existe pas.")
    return portal


def portal_view(session: Session, slug: str, existing=None, limit: int = 8) -> PortalView:
    """What a portal page shows: its introduction, newest and recently edited articles, A–Z."""
    portal = get_portal(session, slug)
    members = (
        select(Page)
        .join(page_portals, page_portals.c.page_id == Page.id)
        .where(
            page_portals.c.portal_id == portal.id,
            Page.deleted_at.is_(None),
            Page.latest_revision_id.isnot(None),  # a held creation is not there yet
        )
    )
    return PortalView(
        portal=portal,
        intro_html=markup.render(portal.description, existing).html,
        newest=list(
            session.scalars(members.order_by(Page.created_at.desc(), Page.id.desc()).limit(limit))
        ),
        recently_edited=list(
            session.scalars(members.order_by(Page.touched_at.desc()).limit(limit))
        ),
        alphabetical=sorted(session.scalars(members), key=lambda p: p.title.casefold()),
    )


def create_portal(
    session: Session, slug: str, name: str, description: str = "", color: str = "#2d5f7a"
) -> Portal:
    if not _SLUG.match(slug or ""):
        raise InvalidInput("L'identifiant du portail ne peut contenir que a-z, 0-9 et des tirets.")
    if not _COLOR.match(color or ""):
        raise InvalidInput("La couleur doit être de la forme #1a2b3c.")
    if session.scalar(select(Portal).where(Portal.slug == slug)):
        raise InvalidInput(f"Le portail « {slug} » existe déjà.")
    position = session.scalar(select(func.coalesce(func.max(Portal.position), 0))) + 1
    portal = Portal(
        slug=slug, name=name.strip(), description=description, color=color, position=position
    )
    session.add(portal)
    session.commit()
    return portal


def update_description(session: Session, user: User | None, slug: str, description: str) -> Portal:
    """Portal introductions are edited by moderators."""
    if user is None or not user.has_role("moderator"):
        raise PermissionDenied(
            "Seuls les modérateurs peuvent modifier l'introduction d'un portail."
        )
    if len(description or "") > 20_000:
        raise InvalidInput("L'introduction est trop longue (20 000 caractères au plus).")
    portal = get_portal(session, slug)
    portal.description = (description or "").replace("\r\n", "\n")
    session.commit()
    return portal
