"""API twins of the moderators' guard pages: questions about the territory and address blocks."""

from flask import Blueprint, jsonify

from ..errors import InvalidInput
from ..models import CaptchaQuestion, IpBlock
from ..services import captcha, ipblocks
from . import context
from .api import authenticate, body, field
from .api_moderation import parse_when
from .openapi import STRING, WHEN, _action, _errors, _json, _path_param

bp = Blueprint("api_guard", __name__, url_prefix="/api/v1")
bp.before_request(authenticate)


def question_json(item: CaptchaQuestion) -> dict:
    return {
        "id": item.id,
        "question": item.question,
        "answers": item.answers.splitlines(),
        "enabled": item.enabled,
        "created_at": item.created_at.isoformat(),
    }


def block_json(item: IpBlock) -> dict:
    return {
        "id": item.id,
        "network": item.network,
        "until": item.until.isoformat() if item.until else None,
        "reason": item.reason,
        "active": ipblocks.is_active(item),
        "created_at": item.created_at.isoformat(),
    }


def _answers(data: dict, required: bool):
    value = data.get("answers")
    if value is None and not required:
        return None
    if not isinstance(value, list | str):
        raise InvalidInput("« answers » doit être une liste de réponses acceptées.")
    return value


@bp.get("/captcha-questions")
def list_questions():
    items = captcha.list_questions(context.db(), context.user())
    return jsonify({"questions": [question_json(q) for q in items]})


@bp.post("/captcha-questions")
def create_question():
    data = body()
    item = captcha.create_question(
        context.db(),
        context.user(),
        field(data, "question", str, required=True),
        _answers(data, required=True),
        enabled=field(data, "enabled", bool, default=True),
    )
    return jsonify(question_json(item)), 201


@bp.put("/captcha-questions/<question_id>")
def update_question(question_id: str):
    data = body()
    item = captcha.update_question(
        context.db(),
        context.user(),
        question_id,
        question=field(data, "question", str),
        answers=_answers(data, required=False),
        enabled=field(data, "enabled", bool),
    )
    return jsonify(question_json(item))


@bp.get("/ip-blocks")
def list_ip_blocks():
    items = ipblocks.list_blocks(context.db(), context.user())
    return jsonify({"blocks": [block_json(b) for b in items]})


@bp.post("/ip-blocks")
def create_ip_block():
    data = body()
    item = ipblocks.block(
        context.db(),
        context.user(),
        field(data, "network", str, required=True),
        parse_when(data.get("until"), "until"),
        field(data, "reason", str, default=""),
    )
    return jsonify(block_json(item)), 201


@bp.delete("/ip-blocks/<block_id>")
def delete_ip_block(block_id: str):
    item = ipblocks.unblock(context.db(), context.user(), block_id)
    return jsonify({**block_json(item), "deleted": True})


# --- OpenAPI ------------------------------------------------------------------------------------

_QUESTION = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "question": STRING,
        "answers": {"type": "array", "items": STRING},
        "enabled": {"type": "boolean"},
        "created_at": {"type": "string", "format": "date-time"},
    },
}
_QUESTION_FIELDS = {
    "question": {"type": "string", "maxLength": 300},
    "answers": {
        "type": "array",
        "items": STRING,
        "description": "Réponses acceptées ; comparées sans casse, accents, ponctuation ni "
        "article en tête (le, la, les, l')",
    },
    "enabled": {"type": "boolean"},
}
_BLOCK = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "network": {"type": "string", "description": "Adresse ou réseau CIDR"},
        "until": WHEN,
        "reason": STRING,
        "active": {"type": "boolean"},
        "created_at": {"type": "string", "format": "date-time"},
    },
}


def _read(summary: str, schema: dict, description: str) -> dict:
    return {
        "summary": summary,
        "security": [{"bearer": []}],
        "responses": {"200": _json(schema, description), **_errors(401, 403)},
    }


def _created(operation: dict, schema: dict) -> dict:
    responses = {"201": _json(schema, "Créé"), **operation["responses"]}
    responses.pop("200")
    return {**operation, "responses": responses}


#: Merged into the OpenAPI document by `openapi.openapi_document`.
GUARD_PATHS = {
    "/captcha-questions": {
        "get": _read(
            "Questions sur le territoire posées à l'inscription et aux nouveaux comptes qui "
            "ajoutent des liens (modérateurs)",
            {"type": "object", "properties": {"questions": {"type": "array", "items": _QUESTION}}},
            "Les questions",
        ),
        "post": _created(
            _action(
                "Ajouter une question sur le territoire (modérateurs)",
                _QUESTION_FIELDS,
                required=["question", "answers"],
                codes=(400, 401, 403),
            ),
            _QUESTION,
        ),
    },
    "/captcha-questions/{question_id}": {
        "parameters": [_path_param("question_id", "integer")],
        "put": _action(
            "Modifier, désactiver (enabled: false) ou réactiver une question (modérateurs) ; "
            "seuls les champs présents changent",
            _QUESTION_FIELDS,
        ),
    },
    "/ip-blocks": {
        "get": _read(
            "Adresses et réseaux bloqués pour les inscriptions (modérateurs)",
            {"type": "object", "properties": {"blocks": {"type": "array", "items": _BLOCK}}},
            "Les blocages",
        ),
        "post": _created(
            _action(
                "Bloquer les inscriptions depuis une adresse ou un réseau CIDR (au plus /16 en "
                "IPv4, /19 en IPv6), jusqu'à until (absent ou null : sans limite) ; bloquer un "
                "réseau déjà bloqué remplace sa fin et son motif (modérateurs)",
                {"network": STRING, "until": WHEN, "reason": STRING},
                required=["network"],
                codes=(400, 401, 403),
            ),
            _BLOCK,
        ),
    },
    "/ip-blocks/{block_id}": {
        "parameters": [_path_param("block_id", "integer")],
        "delete": _action("Lever un blocage d'adresse (modérateurs)", {}),
    },
}
