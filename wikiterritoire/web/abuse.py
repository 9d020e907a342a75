"""Web pages of the abuse rules and the blocked sites, for moderators."""

from flask import Blueprint, flash, redirect, render_template, request, url_for

from ..errors import Conflict, InvalidInput
from ..models import AbuseRule
from ..services import abuse, abuse_conditions, linkfilter, permissions
from . import context

bp = Blueprint("abuse", __name__)

#: Condition rows the rule form always offers; blank ones are ignored.
CONDITION_ROWS = 5


def _value_text(value) -> str:
    if isinstance(value, list):
        return ", ".join(value)
    return "" if value is None else str(value)


def _padded(rows: list[dict]) -> list[dict]:
    count = min(max(CONDITION_ROWS, len(rows) + 1), abuse_conditions.MAX_CONDITIONS)
    blank = {"field": "added_text", "op": "contains_any", "value": ""}
    return (rows + [blank] * count)[: max(count, len(rows))]


def _form_of(rule: AbuseRule | None) -> dict:
    """The form's fields as a rule fills them (a new rule: a warning, enabled)."""
    if rule is None:
        return {
            "name": "",
            "description": "",
            "action": "warn",
            "message": "",
            "tag": "",
            "enabled": True,
            "rows": _padded([]),
        }
    return {
        "name": rule.name,
        "description": rule.description,
        "action": rule.action,
        "message": rule.message,
        "tag": rule.tag,
        "enabled": rule.enabled,
        "rows": _padded(
            [
                {"field": c.get("field"), "op": c.get("op"), "value": _value_text(c.get("value"))}
                for c in rule.conditions or []
            ]
        ),
    }


def _submitted() -> dict:
    """The form's fields as the moderator typed them, to send on or to show again."""
    form = request.form
    rows = [
        {
            "field": form.get(f"field-{i}", ""),
            "op": form.get(f"op-{i}", ""),
            "value": form.get(f"value-{i}", ""),
        }
        for i in range(abuse_conditions.MAX_CONDITIONS)
        if f"field-{i}" in form
    ]
    return {
        "name": form.get("name", ""),
        "description": form.get("description", ""),
        "action": form.get("action", ""),
        "message": form.get("message", ""),
        "tag": form.get("tag", ""),
        "enabled": form.get("enabled") == "1",
        "rows": _padded(rows),
    }


def _fields(submitted: dict) -> dict:
    """The service's arguments: rows without a value are left out."""
    conditions = [
        {"field": row["field"], "op": row["op"], "value": row["value"]}
        for row in submitted["rows"]
        if row["value"].strip()
    ]
    return {
        "name": submitted["name"],
        "description": submitted["description"],
        "action": submitted["action"],
        "message": submitted["message"],
        "tag": submitted["tag"],
        "enabled": submitted["enabled"],
        "conditions": conditions,
    }


def _render_form(form: dict, stats=None, hits=None, error: str | None = None, status: int = 200):
    return (
        render_template(
            "moderation/rule.html",
            form=form,
            stats=stats,
            hits=hits,
            error=error,
            actions=abuse.ACTIONS,
            text_fields=abuse_conditions.TEXT_FIELDS,
            number_fields=abuse_conditions.NUMBER_FIELDS,
            ops=abuse_conditions.OPS,
        ),
        status,
    )


@bp.get("/moderation/rules")
def rules():
    return render_template(
        "moderation/rules.html",
        rules=abuse.list_rules(context.db(), context.user()),
        actions=abuse.ACTIONS,
    )


@bp.route("/moderation/rules/new", methods=["GET", "POST"])
def new_rule():
    session, user = context.db(), context.user()
    if request.method == "GET":
        permissions.require(user, "moderator", "Règles anti-abus")
        return _render_form(_form_of(None))
    submitted = _submitted()
    try:
        rule = abuse.create_rule(session, user, **_fields(submitted))
    except InvalidInput as exc:
        return _render_form(submitted, error=exc.message, status=exc.status)
    flash(f"La règle « {rule.name} » est créée.", "success")
    return redirect(url_for("abuse.rule", rule_id=rule.id))


@bp.route("/moderation/rules/<int:rule_id>", methods=["GET", "POST"])
def rule(rule_id: int):
    session, user = context.db(), context.user()
    stats = abuse.get_rule(session, user, rule_id)
    hits = abuse.recent_hits(session, user, rule_id)
    if request.method == "GET":
        return _render_form(_form_of(stats.rule), stats, hits)
    submitted = _submitted()
    try:
        rule = abuse.update_rule(session, user, rule_id, **_fields(submitted))
    except InvalidInput as exc:
        return _render_form(submitted, stats, hits, error=exc.message, status=exc.status)
    flash(f"La règle « {rule.name} » est enregistrée.", "success")
    return redirect(url_for("abuse.rule", rule_id=rule.id))


@bp.post("/moderation/rules/<int:rule_id>/enabled")
def set_enabled(rule_id: int):
    enabled = request.form.get("enabled") == "1"
    rule = abuse.update_rule(context.db(), context.user(), rule_id, enabled=enabled)
    flash(f"La règle « {rule.name} » est {'activée' if rule.enabled else 'désactivée'}.", "success")
    return redirect(url_for("abuse.rules"))


def _domains_page(domain: str = "", reason: str = "", error: str | None = None, status=200):
    entries = linkfilter.list_domains(context.db(), context.user())
    return (
        render_template(
            "moderation/blocked_domains.html",
            entries=entries,
            domain=domain,
            reason=reason,
            error=error,
        ),
        status,
    )


@bp.route("/moderation/blocked-domains", methods=["GET", "POST"])
def blocked_domains():
    if request.method == "GET":
        return _domains_page()
    domain, reason = request.form.get("domain", ""), request.form.get("reason", "")
    try:
        item = linkfilter.add_domain(context.db(), context.user(), domain, reason)
    except (InvalidInput, Conflict) as exc:
        return _domains_page(domain, reason, exc.message, exc.status)
    flash(
        f"Les liens vers « {item.domain} » et ses sous-domaines sont désormais refusés.", "success"
    )
    return redirect(url_for("abuse.blocked_domains"))


@bp.post("/moderation/blocked-domains/remove")
def unblock_domain():
    domain = linkfilter.remove_domain(
        context.db(), context.user(), request.form.get("domain", ""), request.form.get("reason")
    )
    flash(f"Les liens vers « {domain} » sont de nouveau acceptés.", "success")
    return redirect(url_for("abuse.blocked_domains"))
