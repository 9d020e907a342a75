"""API twins of the abuse-rule and blocked-site pages (moderators only)."""

from flask import Blueprint, jsonify, request

from ..services import abuse, abuse_conditions, linkfilter
from . import context
from .api import authenticate, body, field
from .openapi import STRING, _action, _errors, _json, _path_param

bp = Blueprint("api_abuse", __name__, url_prefix="/api/v1")
bp.before_request(authenticate)


def rule_json(stats: abuse.RuleStats) -> dict:
    rule = stats.rule
    return {
        "id": rule.id,
        "name": rule.name,
        "description": rule.description,
        "enabled": rule.enabled,
        "action": rule.action,
        "message": rule.message,
        "tag": rule.tag,
        "applied_tag": abuse.rule_tag(rule),
        "conditions": rule.conditions,
        "hits": rule.hits,
        "hits_30_days": stats.hits_30_days,
        "last_hit_at": rule.last_hit_at.isoformat() if rule.last_hit_at else None,
        "created_at": rule.created_at.isoformat(),
        "updated_at": rule.updated_at.isoformat(),
    }


def hit_json(entry: abuse.HitEntry) -> dict:
    return {
        "user": entry.user_name,
        "title": entry.hit.title,
        "action": entry.hit.action,
        "timestamp": entry.hit.created_at.isoformat(),
    }


def domain_json(entry: linkfilter.DomainEntry) -> dict:
    return {
        "domain": entry.item.domain,
        "reason": entry.item.reason,
        "created_at": entry.item.created_at.isoformat(),
        "created_by": entry.created_by,
    }


def _rule_fields(data: dict, creating: bool) -> dict:
    """The rule's fields present in the body, type-checked; the service validates the values."""
    return {
        "name": field(data, "name", str, required=creating),
        "action": field(data, "action", str, required=creating),
        "conditions": field(data, "conditions", list, required=creating),
        "description": field(data, "description", str),
        "message": field(data, "message", str),
        "tag": field(data, "tag", str),
        "enabled": field(data, "enabled", bool),
    }


@bp.get("/abuse-rules")
def list_rules():
    rules = abuse.list_rules(context.db(), context.user())
    return jsonify({"rules": [rule_json(stats) for stats in rules]})


@bp.post("/abuse-rules")
def create_rule():
    session, user = context.db(), context.user()
    fields = {k: v for k, v in _rule_fields(body(), creating=True).items() if v is not None}
    rule = abuse.create_rule(session, user, **fields)
    return jsonify(rule_json(abuse.get_rule(session, user, rule.id))), 201


@bp.get("/abuse-rules/<rule_id>")
def get_rule(rule_id: str):
    session, user = context.db(), context.user()
    data = rule_json(abuse.get_rule(session, user, rule_id))
    data["recent_hits"] = [hit_json(e) for e in abuse.recent_hits(session, user, rule_id)]
    return jsonify(data)


@bp.put("/abuse-rules/<rule_id>")
def update_rule(rule_id: str):
    session, user = context.db(), context.user()
    rule = abuse.update_rule(session, user, rule_id, **_rule_fields(body(), creating=False))
    return jsonify(rule_json(abuse.get_rule(session, user, rule.id)))


@bp.get("/blocked-domains")
def list_domains():
    entries = linkfilter.list_domains(context.db(), context.user())
    return jsonify({"domains": [domain_json(e) for e in entries]})


@bp.post("/blocked-domains")
def add_domain():
    data = body()
    item = linkfilter.add_domain(
        context.db(),
        context.user(),
        field(data, "domain", str, required=True),
        field(data, "reason", str, default=""),
    )
    user = context.user()
    return jsonify(domain_json(linkfilter.DomainEntry(item, user.name))), 201


@bp.delete("/blocked-domains/<domain>")
def remove_domain(domain: str):
    data = request.get_json(silent=True) or {}
    reason = data.get("reason", "") if isinstance(data, dict) else ""
    removed = linkfilter.remove_domain(
        context.db(), context.user(), domain, reason if isinstance(reason, str) else ""
    )
    return jsonify({"domain": removed, "blocked": False})


# --- OpenAPI ---------------------------------------------------------------------------------

_CONDITION = {
    "type": "object",
    "required": ["field", "op", "value"],
    "properties": {
        "field": {"type": "string", "enum": list(abuse_conditions.FIELDS)},
        "op": {"type": "string", "enum": list(abuse_conditions.OPS)},
        "value": {
            "description": "contains_any : liste de mots ; matches : expression régulière ; "
            "lt, gt : nombre",
            "oneOf": [
                {"type": "array", "items": {"type": "string"}},
                {"type": "string"},
                {"type": "number"},
            ],
        },
    },
}
_RULE_FIELDS = {
    "name": STRING,
    "description": STRING,
    "action": {"type": "string", "enum": list(abuse.ACTIONS)},
    "message": STRING,
    "tag": STRING,
    "enabled": {"type": "boolean"},
    "conditions": {
        "type": "array",
        "items": _CONDITION,
        "maxItems": abuse_conditions.MAX_CONDITIONS,
    },
}
_RULE = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        **_RULE_FIELDS,
        "applied_tag": STRING,
        "hits": {"type": "integer"},
        "hits_30_days": {"type": "integer"},
        "last_hit_at": {"type": "string", "format": "date-time", "nullable": True},
        "created_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": "string", "format": "date-time"},
    },
}
_DOMAIN = {
    "type": "object",
    "properties": {
        "domain": STRING,
        "reason": STRING,
        "created_at": {"type": "string", "format": "date-time"},
        "created_by": {"type": "string", "nullable": True},
    },
}


def _read(summary: str, schema: dict, description: str) -> dict:
    return {
        "summary": summary,
        "security": [{"bearer": []}],
        "responses": {"200": _json(schema, description), **_errors(401, 403, 404)},
    }


def _created(operation: dict, schema: dict) -> dict:
    responses = {"201": _json(schema, "Créé"), **operation["responses"]}
    responses.pop("200")
    return {**operation, "responses": responses}


#: Merged into the OpenAPI document by `openapi.openapi_document`.
ABUSE_PATHS = {
    "/abuse-rules": {
        "get": _read(
            "Règles anti-abus, avec leurs déclenchements (modérateurs)",
            {"type": "object", "properties": {"rules": {"type": "array", "items": _RULE}}},
            "Les règles",
        ),
        "post": _created(
            _action(
                "Créer une règle anti-abus (modérateurs)",
                _RULE_FIELDS,
                required=["name", "action", "conditions"],
                codes=(400, 401, 403),
            ),
            _RULE,
        ),
    },
    "/abuse-rules/{id}": {
        "parameters": [_path_param("id", "integer")],
        "get": _read(
            "Une règle anti-abus et ses derniers déclenchements (modérateurs)",
            {
                "allOf": [
                    _RULE,
                    {
                        "type": "object",
                        "properties": {
                            "recent_hits": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "properties": {
                                        "user": {"type": "string", "nullable": True},
                                        "title": STRING,
                                        "action": STRING,
                                        "timestamp": {"type": "string", "format": "date-time"},
                                    },
                                },
                            }
                        },
                    },
                ]
            },
            "La règle",
        ),
        "put": _action(
            "Modifier une règle anti-abus, l'activer ou la désactiver (modérateurs) ; "
            "seuls les champs présents changent",
            _RULE_FIELDS,
        ),
    },
    "/blocked-domains": {
        "get": _read(
            "Sites bloqués (modérateurs)",
            {"type": "object", "properties": {"domains": {"type": "array", "items": _DOMAIN}}},
            "Les sites bloqués",
        ),
        "post": _created(
            _action(
                "Bloquer les liens vers un site et ses sous-domaines (modérateurs)",
                {"domain": STRING, "reason": STRING},
                required=["domain"],
                codes=(400, 401, 403, 409),
            ),
            _DOMAIN,
        ),
    },
    "/blocked-domains/{domain}": {
        "parameters": [_path_param("domain")],
        "delete": _action("Débloquer un site (modérateurs)", {"reason": STRING}),
    },
}
