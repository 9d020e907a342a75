"""Self-regulation: patrol, rollback, mass rollback, protection, blocks, deletion, reports.

Nothing here destroys data: every undo is a new revision, deletion is soft, every action is
written to the event log.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from .. import titles
from ..db import MAX_ID
from ..errors import InvalidInput, NotFound, PermissionDenied
from ..models import ROLES, Event, Page, Report, Revision, User, utcnow
from ..search import SearchBackend
from . import accounts, history, pages, permissions, visibility

#: Far enough to mean "until lifted" while staying a real date in every database.
FOREVER = datetime(9999, 12, 31, tzinfo=UTC)
PROTECTION_LEVELS = ("", "confirmed", "moderator")


def require_moderator(user: User | None) -> User:
    return permissions.require(user, "moderator", "Modération")


def _log(session: Session, type_: str, user: User, page: Page | None = None, **data) -> None:
    session.add(Event(type=type_, user_id=user.id, page_id=page.id if page else None, data=data))


def patrol(session: Session, user: User | None, revision_id) -> Revision:
    """Mark a revision as checked by a confirmed contributor."""
    permissions.require(user, "confirmed", "Vérification des modifications")
    revision = pages.get_revision(session, revision_id)
    if not revision.patrolled:
        revision.patrolled = True
        _log(session, "patrol", user, revision.page, revision_id=revision.id)
        session.commit()
    return revision


def unpatrolled_count(session: Session) -> int:
    return session.scalar(
        select(func.count())
        .select_from(Revision)
        .join(Page, Page.id == Revision.page_id)
        .where(
            Revision.patrolled.is_(False),
            Revision.status == "published",
            Page.deleted_at.is_(None),
        )
    )


@dataclass
class RollbackResult:
    page: Page
    revision: Revision
    #: How many consecutive revisions of the last editor were undone.
    undone: int
    vandal: str


def rollback(
    session: Session, search: SearchBackend | None, user: User | None, title: str, summary: str = ""
) -> RollbackResult:
    """Undo the last editor's consecutive edits on a page in one new revision."""
    permissions.require(user, "confirmed", "Révocation rapide")
    page = pages.get_page(session, title)
    latest = page.latest
    undone = []
    for revision in history.page_history(session, page, limit=1000):
        if revision.author_id != latest.author_id:
            target = revision
            break
        undone.append(revision)
    else:
        raise InvalidInput(
            "Toutes les versions de cette page sont du même auteur : rien à quoi revenir. "
            "Un modérateur peut supprimer la page."
        )
    if not visibility.may_read_text(user, target):
        raise PermissionDenied(
            "Le texte de la version à laquelle revenir est masqué : seul un modérateur peut y revenir."
        )
    vandal = latest.author.name if latest.author else "anonyme"
    restored = target.author.name if target.author else "anonyme"
    result = pages.save_edit(
        session,
        search,
        user,
        page.title,
        target.text,
        summary=permissions.reason(summary)
        or f"Annulation des modifications de {vandal} ; retour à la version de {restored}",
        base_revision_id=latest.id,
        tags=["rollback"],
    )
    session.execute(
        update(Revision).where(Revision.id.in_([r.id for r in undone])).values(patrolled=True)
    )
    _log(session, "rollback", user, page, undone=[r.id for r in undone], target=target.id)
    session.commit()
    return RollbackResult(result.page, result.revision, len(undone), vandal)


@dataclass
class MassRollbackReport:
    reverted: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    #: Pages that others edited after the account: left for a person to look at.
    skipped: list[str] = field(default_factory=list)


def rollback_all(
    session: Session,
    search: SearchBackend | None,
    moderator: User | None,
    name: str,
    since: datetime,
    delete_created: bool = False,
    reason: str = "",
) -> MassRollbackReport:
    """Undo every edit of one account since `since`, across pages, in one logged action."""
    permissions.require(
        moderator, "moderator", "Annulation de toutes les modifications d'un compte"
    )
    target_user = accounts.get_user(session, name)
    reason = permissions.reason(reason)
    report = MassRollbackReport()
    page_ids = session.scalars(
        select(Revision.page_id)
        .where(
            Revision.author_id == target_user.id,
            Revision.created_at >= since,
            Revision.status == "published",
        )
        .distinct()
    )
    for page in session.scalars(
        select(Page).where(Page.id.in_(list(page_ids))).order_by(Page.title)
    ):
        if page.deleted_at is not None:
            continue
        revisions = list(reversed(history.page_history(session, page, limit=10_000)))
        first = next(
            i for i, r in enumerate(revisions)
            if r.author_id == target_user.id and r.created_at >= since
        )  # fmt: skip
        if any(r.author_id != target_user.id for r in revisions[first:]):
            report.skipped.append(page.title)
            continue
        if first == 0:
            if delete_created:
                delete_page(session, search, moderator, page.title, reason or "Création de " + name)
                report.deleted.append(page.title)
            else:
                report.skipped.append(page.title)
            continue
        target = revisions[first - 1]
        pages.save_edit(
            session,
            search,
            moderator,
            page.title,
            target.text,
            summary=f"Annulation en masse des modifications de {target_user.name}"
            + (f" : {reason}" if reason else ""),
            base_revision_id=page.latest_revision_id,
            tags=["rollback", "mass-rollback"],
        )
        session.execute(
            update(Revision)
            .where(Revision.page_id == page.id, Revision.author_id == target_user.id)
            .values(patrolled=True)
        )
        report.reverted.append(page.title)
    _log(
        session,
        "mass_rollback",
        moderator,
        target_user=target_user.name,
        since=since.isoformat(),
        reverted=report.reverted,
        deleted=report.deleted,
        skipped=report.skipped,
        reason=reason,
    )
    session.commit()
    return report


def block(
    session: Session, moderator: User | None, name: str, until: datetime | None, reason: str
) -> User:
    """Block an account until `until` (None: until lifted); it can still read."""
    permissions.require(moderator, "moderator", "Blocage d'un compte")
    target = accounts.get_user(session, name)
    if target.id == moderator.id:
        raise InvalidInput("Vous ne pouvez pas bloquer votre propre compte.")
    if target.has_role("moderator") and not moderator.has_role("admin"):
        raise PermissionDenied("Seul un administrateur peut bloquer un modérateur.")
    if until is not None and until <= utcnow():
        raise InvalidInput("La fin du blocage doit être dans le futur.")
    # Every check before the first change: a refusal must leave nothing pending in the session.
    reason = permissions.reason(reason, required=True)
    target.blocked_until = until or FOREVER
    target.block_reason = reason
    _log(
        session,
        "block",
        moderator,
        target_user=target.name,
        until=target.blocked_until.isoformat(),
        reason=target.block_reason,
    )
    session.commit()
    return target


def set_role(session: Session, admin: User | None, name: str, role: str, reason: str = "") -> User:
    """Trust levels beyond the automatic one are given (and taken back) by admins; logged."""
    permissions.require(admin, "admin", "Changement de rôle")
    if role not in ROLES[1:]:
        raise InvalidInput(f"Rôle inconnu : {role}. Rôles possibles : {', '.join(ROLES[1:])}.")
    target = accounts.get_user(session, name)
    if target.id == admin.id:
        raise InvalidInput(
            "Vous ne pouvez pas changer votre propre rôle : demandez-le à un autre administrateur."
        )
    reason = permissions.reason(reason)
    if target.role == role:
        return target
    previous, target.role = target.role, role
    _log(
        session,
        "role_change",
        admin,
        target_user=target.name,
        role=role,
        previous=previous,
        reason=reason,
    )
    session.commit()
    return target


def unblock(session: Session, moderator: User | None, name: str, reason: str = "") -> User:
    permissions.require(moderator, "moderator", "Déblocage d'un compte")
    target = accounts.get_user(session, name)
    if not target.is_blocked():
        raise InvalidInput(f"Le compte « {target.name} » n'est pas bloqué.")
    target.blocked_until = None
    target.block_reason = ""
    _log(session, "unblock", moderator, target_user=target.name, reason=permissions.reason(reason))
    session.commit()
    return target


def protect(
    session: Session,
    moderator: User | None,
    title: str,
    level: str,
    until: datetime | None = None,
    reason: str = "",
) -> Page:
    """Restrict editing of a page to confirmed contributors or moderators ("" lifts it)."""
    permissions.require(moderator, "moderator", "Protection des pages")
    if level not in PROTECTION_LEVELS:
        raise InvalidInput(
            "Niveau de protection inconnu : choisissez « », « confirmed » ou « moderator »."
        )
    if until is not None and until <= utcnow():
        raise InvalidInput("La fin de la protection doit être dans le futur.")
    reason = permissions.reason(reason, required=bool(level)) if level else ""
    page = pages.get_page(session, title)
    page.protection = level
    page.protection_until = until if level else None
    page.protection_reason = reason
    _log(
        session,
        "protect" if level else "unprotect",
        moderator,
        page,
        level=level,
        until=until.isoformat() if until else None,
        reason=page.protection_reason,
    )
    session.commit()
    return page


def delete_page(
    session: Session, search: SearchBackend | None, moderator: User | None, title: str, reason: str
) -> Page:
    """Soft-delete: the page disappears from reading and search, its history stays."""
    permissions.require(moderator, "moderator", "Suppression des pages")
    reason = permissions.reason(reason, required=True)
    page = pages.get_page(session, title)
    page.deleted_at = utcnow()
    pages.invalidate_linking(session, page.title)
    _log(session, "delete", moderator, page, title=page.title, reason=reason)
    session.commit()
    if search is not None:
        search.remove_page(page.id)
    return page


def restore_page(
    session: Session,
    search: SearchBackend | None,
    moderator: User | None,
    title: str,
    reason: str = "",
) -> Page:
    permissions.require(moderator, "moderator", "Restauration des pages")
    normalized = titles.validate(title)
    page = session.scalar(select(Page).where(Page.title == normalized))
    if page is None:
        raise NotFound(f"La page « {normalized} » n'existe pas.")
    if page.deleted_at is None:
        raise InvalidInput(f"La page « {normalized} » n'est pas supprimée.")
    page.deleted_at = None
    pages.invalidate_linking(session, page.title)
    _log(session, "restore", moderator, page, title=page.title, reason=permissions.reason(reason))
    session.commit()
    pages.index(search, page)
    return page


def report(
    session: Session, reporter: User | None, title: str, reason: str, revision_id=None
) -> Report:
    """Any reader, even anonymous, may report a page or one of its revisions."""
    page = pages.get_page(session, title)
    revision = None
    if revision_id not in (None, ""):
        revision = pages.get_revision(session, revision_id)
        if revision.page_id != page.id:
            raise InvalidInput("Cette version n'appartient pas à cette page.")
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput("Expliquez en quelques mots ce qui pose problème.")
    if len(reason) > 1000:
        raise InvalidInput("Le signalement ne doit pas dépasser 1 000 caractères.")
    item = Report(
        page_id=page.id,
        revision_id=revision.id if revision else None,
        reporter_id=reporter.id if reporter else None,
        reason=reason,
    )
    session.add(item)
    session.commit()
    return item


def open_reports(session: Session, moderator: User | None) -> list[Report]:
    permissions.require(moderator, "moderator", "File des signalements")
    return list(session.scalars(select(Report).where(Report.status == "open").order_by(Report.id)))


def close_report(session: Session, moderator: User | None, report_id, status: str) -> Report:
    permissions.require(moderator, "moderator", "Traitement des signalements")
    if status not in ("resolved", "rejected"):
        raise InvalidInput("Statut inconnu : « resolved » ou « rejected ».")
    valid = str(report_id).isdigit() and 0 < int(report_id) <= MAX_ID
    item = session.get(Report, int(report_id)) if valid else None
    if item is None:
        raise NotFound("Ce signalement n'existe pas.")
    item.status = status
    item.handled_by_id = moderator.id
    item.handled_at = utcnow()
    _log(session, "report_" + status, moderator, item.page, report_id=item.id)
    session.commit()
    return item
