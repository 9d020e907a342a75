"""API twins of the review pages: the queue of held edits, its settings, hidden texts."""

from flask import Blueprint, jsonify, request

from ..errors import InvalidInput
from ..services import queue, suppression
from . import context
from .api import authenticate, body, field, int_arg, revision_json
from .openapi import STRING, _action, _errors, _json, _path_param, _ref

bp = Blueprint("api_queue", __name__, url_prefix="/api/v1")
bp.before_request(authenticate)


def _optional_body() -> dict:
    """The JSON body when there is one (every field of these actions is optional)."""
    if not request.get_data():
        return {}
    return body()


def pending_json(item: queue.PendingEdit) -> dict:
    revision = item.revision
    return {
        **revision_json(revision),
        "page_exists": revision.page.latest_revision_id is not None,
        "outdated": item.outdated,
        "markdown": None if item.masked else revision.text,
        "diff": item.unified,
    }


def settings_json(settings: queue.QueueSettings) -> dict:
    return {
        "enabled": settings.enabled,
        "all_pages": settings.all_pages,
        "first_edits": settings.first_edits,
        "portals": settings.portals,
    }


@bp.get("/moderation-queue")
def list_pending():
    session = context.db()
    items = queue.pending(session, context.user(), limit=int_arg("limit", 200, 500) or 200)
    return jsonify(
        {"total": queue.pending_count(session), "pending": [pending_json(i) for i in items]}
    )


@bp.post("/revisions/<revision_id>/approve")
def approve(revision_id: str):
    revision = queue.approve(context.db(), context.search(), context.user(), revision_id)
    return jsonify(revision_json(revision))


@bp.post("/revisions/<revision_id>/reject")
def reject(revision_id: str):
    data = _optional_body()
    revision = queue.reject(
        context.db(), context.user(), revision_id, field(data, "reason", str, default="")
    )
    return jsonify(revision_json(revision))


@bp.get("/moderation-queue/settings")
def get_settings():
    return jsonify(settings_json(queue.get_settings(context.db())))


@bp.put("/moderation-queue/settings")
def put_settings():
    data = body()
    slugs = field(data, "portals", list)
    if slugs is not None and not all(isinstance(s, str) for s in slugs):
        raise InvalidInput("« portals » doit être une liste d'identifiants de portails.")
    settings = queue.update_settings(
        context.db(),
        context.user(),
        all_pages=field(data, "all_pages", bool),
        first_edits=field(data, "first_edits", int),
        portals=slugs,
    )
    return jsonify(settings_json(settings))


@bp.post("/revisions/<revision_id>/hide")
def hide(revision_id: str):
    data = body()
    revision = suppression.hide_text(
        context.db(), context.user(), revision_id, field(data, "reason", str, required=True)
    )
    return jsonify(revision_json(revision))


@bp.delete("/revisions/<revision_id>/hide")
def unhide(revision_id: str):
    data = _optional_body()
    revision = suppression.unhide_text(
        context.db(), context.user(), revision_id, field(data, "reason", str, default="")
    )
    return jsonify(revision_json(revision))


_SETTINGS = {
    "type": "object",
    "properties": {
        "enabled": {"type": "boolean", "description": "Retenue active quelque part"},
        "all_pages": {"type": "boolean"},
        "first_edits": {"type": "integer", "minimum": 1, "maximum": queue.MAX_FIRST_EDITS},
        "portals": {"type": "array", "items": STRING},
    },
}
_PENDING = {
    "allOf": [
        _ref("Revision"),
        {
            "type": "object",
            "properties": {
                "page_exists": {
                    "type": "boolean",
                    "description": "Faux pour une création de page en attente",
                },
                "outdated": {
                    "type": "boolean",
                    "description": "La page a changé depuis : l'accepter est impossible (409)",
                },
                "markdown": {"type": "string", "nullable": True},
                "diff": {
                    "type": "string",
                    "nullable": True,
                    "description": "Différences avec la version de départ (format unifié) ; "
                    "null si un texte est masqué",
                },
            },
        },
    ]
}


def _done(operation: dict, description: str) -> dict:
    """An action answered with the revision it changed."""
    responses = {**operation["responses"], "200": _json(_ref("Revision"), description)}
    return {**operation, "responses": responses}


QUEUE_PATHS = {
    "/moderation-queue": {
        "get": {
            "summary": "Modifications en attente de relecture, des plus anciennes aux plus "
            "récentes (contributeurs confirmés)",
            "security": [{"bearer": []}],
            "parameters": [
                {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 500}}
            ],
            "responses": {
                "200": _json(
                    {
                        "type": "object",
                        "properties": {
                            "total": {"type": "integer"},
                            "pending": {"type": "array", "items": _PENDING},
                        },
                    },
                    "La file",
                ),
                **_errors(400, 401, 403),
            },
        }
    },
    "/moderation-queue/settings": {
        "get": {
            "summary": "Réglages de la file de relecture (public)",
            "responses": {"200": _json(_SETTINGS, "Les réglages")},
        },
        "put": {
            **_action(
                "Changer les réglages de la file (modérateurs ; champs absents inchangés ; "
                "consigné au journal)",
                {
                    "all_pages": {"type": "boolean"},
                    "first_edits": {"type": "integer"},
                    "portals": {
                        "type": "array",
                        "items": STRING,
                        "description": "Portails relus (remplace la liste)",
                    },
                },
                codes=(400, 401, 403),
            ),
            "responses": {"200": _json(_SETTINGS, "Les réglages"), **_errors(400, 401, 403)},
        },
    },
    "/revisions/{id}/approve": {
        "parameters": [_path_param("id", "integer")],
        "post": _done(
            _action(
                "Accepter une modification en attente : elle devient la version actuelle "
                "(contributeurs confirmés) ; 409 si la page a changé depuis",
                {},
                codes=(400, 401, 403, 404, 409),
            ),
            "La version publiée",
        ),
    },
    "/revisions/{id}/reject": {
        "parameters": [_path_param("id", "integer")],
        "post": _done(
            _action(
                "Refuser une modification en attente (contributeurs confirmés ; conservée)",
                {"reason": STRING},
            ),
            "La version refusée",
        ),
    },
    "/revisions/{id}/hide": {
        "parameters": [_path_param("id", "integer")],
        "post": _done(
            _action(
                "Masquer le texte d'une ancienne version, pour la vie privée (modérateurs ; "
                "refusé pour la version actuelle ; consigné au journal)",
                {"reason": STRING},
                required=["reason"],
            ),
            "La version, text_hidden à true",
        ),
        "delete": _done(
            _action("Rendre visible le texte d'une version (modérateurs)", {"reason": STRING}),
            "La version, text_hidden à false",
        ),
    },
}
