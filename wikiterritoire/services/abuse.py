"""Abuse rules: moderator-written conditions on an edit and what to do when they all hold.

The conditions are described and checked in `abuse_conditions`. When several rules fire, every
one of them counts a hit and the strongest action wins: refuse > hold > warn > tag.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..db import MAX_ID
from ..errors import EditRefused, EditWarning, InvalidInput, NotFound
from ..models import AbuseHit, AbuseRule, Event, User, utcnow
from . import permissions
from .abuse_conditions import Facts, fires, validate_conditions

if TYPE_CHECKING:
    from .screening import Edit

#: From the mildest to the strongest: when several rules fire, the strongest action wins.
ACTIONS = {
    "tag": "étiqueter",
    "warn": "avertir",
    "hold": "mettre en attente de relecture",
    "refuse": "refuser",
}
STRENGTH = tuple(ACTIONS)

MAX_NAME = 128
MAX_DESCRIPTION = 2000
MAX_MESSAGE = 500
MAX_TAG = 64

DEFAULT_MESSAGES = {
    "warn": "Votre modification ressemble à ce que les règles du wiki signalent comme un abus "
    "possible. Relisez-la ; si elle respecte la charte, vous pouvez l'enregistrer à nouveau.",
    "refuse": "Cette modification a été refusée par une règle anti-abus du wiki. "
    "Si vous pensez qu'il s'agit d'une erreur, contactez un modérateur.",
}


@dataclass
class Outcome:
    tags: list[str] = field(default_factory=list)
    hold: bool = False


def rule_tag(rule: AbuseRule) -> str:
    return rule.tag or f"règle:{rule.id}"


def evaluate(session: Session, edit: "Edit", acknowledged: bool = False) -> Outcome:
    """Check every enabled rule; count hits; raise `EditRefused` or `EditWarning` as they say.

    The hits are committed before anything is raised, so that a refused or warned edit still
    shows in the rules' counters; `screen` runs before the edit writes anything, so the commit
    carries nothing else of it.
    """
    rules = session.scalars(
        select(AbuseRule).where(AbuseRule.enabled.is_(True)).order_by(AbuseRule.id)
    ).all()
    if not rules:
        return Outcome()
    facts = Facts(edit)
    fired = [rule for rule in rules if fires(rule.conditions, facts)]
    if not fired:
        return Outcome()
    now = utcnow()
    for rule in fired:
        session.execute(
            update(AbuseRule)
            .where(AbuseRule.id == rule.id)
            .values(hits=AbuseRule.hits + 1, last_hit_at=now)
        )
        session.add(
            AbuseHit(
                rule_id=rule.id,
                user_id=edit.user.id if edit.user else None,
                title=edit.title[:255],
                action=rule.action,
                created_at=now,
            )
        )
    session.commit()
    by_action: dict[str, list[AbuseRule]] = {}
    for rule in fired:
        by_action.setdefault(rule.action if rule.action in ACTIONS else "tag", []).append(rule)
    if "refuse" in by_action:
        messages = _messages(by_action["refuse"], "refuse")
        raise EditRefused(" ".join(messages))
    if "warn" in by_action and "hold" not in by_action and not acknowledged:
        raise EditWarning(
            "Avant de publier, relisez votre modification : une règle du wiki la signale.",
            warnings=_messages(by_action["warn"], "warn"),
        )
    return Outcome(
        tags=list(dict.fromkeys(rule_tag(rule) for rule in fired)), hold="hold" in by_action
    )


def _messages(rules: list[AbuseRule], action: str) -> list[str]:
    return list(dict.fromkeys(rule.message or DEFAULT_MESSAGES[action] for rule in rules))


def _one_line(value: Any, label: str, limit: int, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput(f"Le champ « {label} » doit être un texte.")
    text = " ".join(value.split())
    if required and not text:
        raise InvalidInput(f"Indiquez {label}.")
    if len(text) > limit:
        raise InvalidInput(f"Le champ « {label} » ne doit pas dépasser {limit} caractères.")
    return text


def _checked_fields(changes: dict) -> dict:
    checked: dict[str, Any] = {}
    for key, value in changes.items():
        if value is None:
            continue
        if key == "name":
            checked[key] = _one_line(value, "le nom de la règle", MAX_NAME, required=True)
        elif key == "description":
            if not isinstance(value, str):
                raise InvalidInput("Le champ « description » doit être un texte.")
            checked[key] = value.replace("\r\n", "\n").strip()
            if len(checked[key]) > MAX_DESCRIPTION:
                raise InvalidInput(
                    f"La description ne doit pas dépasser {MAX_DESCRIPTION} caractères."
                )
        elif key == "action":
            if value not in ACTIONS:
                raise InvalidInput(
                    "Action inconnue : choisissez "
                    + ", ".join(f"« {code} » ({label})" for code, label in ACTIONS.items())
                    + "."
                )
            checked[key] = value
        elif key == "message":
            checked[key] = _one_line(value, "message", MAX_MESSAGE)
        elif key == "tag":
            checked[key] = _one_line(value, "étiquette", MAX_TAG)
        elif key == "enabled":
            if not isinstance(value, bool):
                raise InvalidInput("Le champ « enabled » doit valoir true ou false.")
            checked[key] = value
        elif key == "conditions":
            checked[key] = validate_conditions(value)
        else:
            raise TypeError(f"unknown abuse rule field {key!r}")
    return checked


# --- Moderators' management --------------------------------------------------------------------


def _log(session: Session, type_: str, user: User, rule: AbuseRule, **data) -> None:
    session.add(
        Event(type=type_, user_id=user.id, data={"rule_id": rule.id, "name": rule.name, **data})
    )


def create_rule(
    session: Session,
    user: User | None,
    *,
    name: str,
    action: str,
    conditions: Any,
    description: str = "",
    message: str = "",
    tag: str = "",
    enabled: bool = True,
) -> AbuseRule:
    """A new rule, checked on every save from now on (if enabled)."""
    permissions.require(user, "moderator", "Règles anti-abus")
    fields = _checked_fields(
        {
            "name": name,
            "action": action,
            "conditions": conditions,
            "description": description,
            "message": message,
            "tag": tag,
            "enabled": enabled,
        }
    )
    if "name" not in fields:
        raise InvalidInput("Indiquez le nom de la règle.")
    if "action" not in fields:
        raise InvalidInput("Choisissez l'action de la règle.")
    now = utcnow()
    rule = AbuseRule(**fields, hits=0, created_at=now, updated_at=now, updated_by_id=user.id)
    session.add(rule)
    session.flush()
    _log(session, "abuse_rule_created", user, rule, action=rule.action, enabled=rule.enabled)
    session.commit()
    return rule


def update_rule(session: Session, user: User | None, rule_id, **changes) -> AbuseRule:
    """Change some of a rule's fields (those given and not None); enabling is one of them."""
    permissions.require(user, "moderator", "Règles anti-abus")
    rule = _get(session, rule_id)
    fields = _checked_fields(changes)
    changed = sorted(key for key, value in fields.items() if getattr(rule, key) != value)
    if not changed:
        return rule
    for key in changed:
        setattr(rule, key, fields[key])
    rule.updated_at = utcnow()
    rule.updated_by_id = user.id
    if changed == ["enabled"]:
        _log(session, "abuse_rule_enabled" if rule.enabled else "abuse_rule_disabled", user, rule)
    else:
        _log(session, "abuse_rule_updated", user, rule, changed=changed)
    session.commit()
    return rule


def _get(session: Session, rule_id) -> AbuseRule:
    valid = str(rule_id).isdigit() and 0 < int(rule_id) <= MAX_ID
    rule = session.get(AbuseRule, int(rule_id)) if valid else None
    if rule is None:
        raise NotFound(f"La règle anti-abus n° {rule_id} n'existe pas.")
    return rule


@dataclass
class RuleStats:
    rule: AbuseRule
    #: Hits over the last 30 days (the rule's `hits` counts them all).
    hits_30_days: int


@dataclass
class HitEntry:
    hit: AbuseHit
    user_name: str | None


def _hits_30_days(session: Session, rule_ids: list[int]) -> dict[int, int]:
    since = utcnow() - timedelta(days=30)
    rows = session.execute(
        select(AbuseHit.rule_id, func.count())
        .where(AbuseHit.rule_id.in_(rule_ids), AbuseHit.created_at >= since)
        .group_by(AbuseHit.rule_id)
    )
    return dict(rows.all())


def list_rules(session: Session, user: User | None) -> list[RuleStats]:
    """Every rule, enabled or not, with how often it fired."""
    permissions.require(user, "moderator", "Règles anti-abus")
    rules = list(session.scalars(select(AbuseRule).order_by(AbuseRule.id)))
    recent = _hits_30_days(session, [r.id for r in rules])
    return [RuleStats(rule, recent.get(rule.id, 0)) for rule in rules]


def get_rule(session: Session, user: User | None, rule_id) -> RuleStats:
    permissions.require(user, "moderator", "Règles anti-abus")
    rule = _get(session, rule_id)
    return RuleStats(rule, _hits_30_days(session, [rule.id]).get(rule.id, 0))


def recent_hits(session: Session, user: User | None, rule_id, limit: int = 50) -> list[HitEntry]:
    """The latest firings of a rule, newest first, with the account that triggered them."""
    permissions.require(user, "moderator", "Règles anti-abus")
    rule = _get(session, rule_id)
    rows = session.execute(
        select(AbuseHit, User.name)
        .outerjoin(User, User.id == AbuseHit.user_id)
        .where(AbuseHit.rule_id == rule.id)
        .order_by(AbuseHit.id.desc())
        .limit(limit)
    )
    return [HitEntry(hit, name) for hit, name in rows]
