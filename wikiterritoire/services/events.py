"""The public log of actions that are not edits, described in French."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import ROLE_NAMES, Event, Page

LEVELS = {"confirmed": "contributeurs confirmés", "moderator": "modérateurs", "": "tous"}


@dataclass
class LogEntry:
    when: datetime
    actor: str | None
    text: str
    page_title: str | None


def describe(event: Event, page_title: str | None) -> str:
    d = event.data or {}
    reason = f" (motif : {d['reason']})" if d.get("reason") else ""
    texts = {
        "charter_accepted": f"a accepté la charte (version {d.get('version', '?')})",
        "patrol": f"a vérifié la version {d.get('revision_id')}",
        "rollback": f"a révoqué {len(d.get('undone', []))} modification(s)",
        "mass_rollback": (
            f"a annulé les modifications de {d.get('target_user')} : "
            f"{len(d.get('reverted', []))} page(s) rétablie(s), "
            f"{len(d.get('deleted', []))} supprimée(s), {len(d.get('skipped', []))} laissée(s)"
        ),
        "block": f"a bloqué {d.get('target_user')} jusqu'au {str(d.get('until', ''))[:16]}",
        "unblock": f"a débloqué {d.get('target_user')}",
        "protect": f"a protégé la page (niveau : {LEVELS.get(d.get('level', ''), d.get('level'))})",
        "unprotect": "a levé la protection de la page",
        "delete": f"a supprimé la page « {d.get('title', page_title)} »",
        "restore": f"a restauré la page « {d.get('title', page_title)} »",
        "queue_approve": f"a accepté la modification {d.get('revision_id')} de {d.get('author')}",
        "queue_reject": f"a refusé la modification {d.get('revision_id')} de {d.get('author')}",
        "queue_settings": (
            "a réglé la file de relecture : "
            + (
                "toutes les pages"
                if d.get("all_pages")
                else "portails " + ", ".join(d["portals"])
                if d.get("portals")
                else "désactivée"
            )
            + f", {d.get('first_edits')} premières modifications retenues"
        ),
        "hide_text": f"a masqué le texte de la version {d.get('revision_id')}",
        "unhide_text": f"a rendu visible le texte de la version {d.get('revision_id')}",
        "report_resolved": f"a traité le signalement {d.get('report_id')}",
        "report_rejected": f"a rejeté le signalement {d.get('report_id')}",
        "abuse_rule_created": f"a créé la règle anti-abus « {d.get('name')} »",
        "abuse_rule_updated": f"a modifié la règle anti-abus « {d.get('name')} »",
        "abuse_rule_enabled": f"a activé la règle anti-abus « {d.get('name')} »",
        "abuse_rule_disabled": f"a désactivé la règle anti-abus « {d.get('name')} »",
        "domain_blocked": f"a interdit les liens vers le site {d.get('domain')}",
        "domain_unblocked": f"a de nouveau autorisé les liens vers le site {d.get('domain')}",
        "captcha_question_created": f"a ajouté la question « {d.get('question')} »",
        "captcha_question_updated": f"a modifié la question « {d.get('question')} »",
        "captcha_question_enabled": f"a réactivé la question « {d.get('question')} »",
        "captcha_question_disabled": f"a désactivé la question « {d.get('question')} »",
        # The address itself stays out of the public log.
        "ip_block": (
            f"a bloqué les inscriptions depuis une adresse (blocage n° {d.get('block_id')}) "
            + (f"jusqu'au {str(d['until'])[:16]}" if d.get("until") else "sans limite de durée")
        ),
        "ip_unblock": f"a levé le blocage d'adresse n° {d.get('block_id')}",
        "role_change": (
            f"a donné à {d['target_user']} le rôle de "
            f"{ROLE_NAMES.get(d.get('role'), d.get('role'))} "
            f"(auparavant {ROLE_NAMES.get(d.get('previous'), d.get('previous'))})"
            if d.get("target_user")
            else f"est devenu {ROLE_NAMES.get(d.get('role'), d.get('role'))}"
            + (" automatiquement" if d.get("auto") else "")
        ),
    }
    return texts.get(event.type, event.type) + reason


def recent(session: Session, limit: int = 200, since: datetime | None = None) -> list[LogEntry]:
    """The latest events (those after `since`, if given), newest first."""
    query = (
        select(Event, Page.title)
        .outerjoin(Page, Page.id == Event.page_id)
        .order_by(Event.id.desc())
        .limit(limit)
    )
    if since is not None:
        query = query.where(Event.created_at >= since)
    rows = session.execute(query)
    return [
        LogEntry(
            event.created_at, event.user.name if event.user else None, describe(event, title), title
        )
        for event, title in rows
    ]
