"""The OpenAPI 3 description of /api/v1, kept beside the views it documents."""

from .. import __name__ as package


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict:
    texts = {
        400: "Entrée invalide",
        401: "Authentification requise",
        403: "Permission refusée",
        404: "Introuvable",
        409: "Conflit de modification",
        413: "Trop volumineux",
        422: "Avertissement d'une règle (edit_warning) ou question à répondre (captcha_required)",
        429: "Trop d'actions en peu de temps (rate_limited, retry_after en secondes)",
    }
    return {str(c): _json(_ref("Error"), texts[c]) for c in codes}


TITLE = {"name": "title", "in": "path", "required": True, "schema": {"type": "string"},
         "description": "Titre de la page, espaces écrits en soulignés"}  # fmt: skip

SCHEMAS = {
    "Error": {
        "type": "object",
        "required": ["error", "message"],
        "properties": {
            "error": {"type": "string"},
            "message": {"type": "string"},
            "warnings": {"type": "array", "items": {"type": "string"}},
            "captcha": {
                "type": "object",
                "properties": {"id": {"type": "integer"}, "question": {"type": "string"}},
            },
            "retry_after": {"type": "integer"},
        },
    },
    "Page": {
        "type": "object",
        "properties": {
            "title": {"type": "string"},
            "url": {"type": "string"},
            "portals": {"type": "array", "items": {"type": "string"}},
            "kind": {"type": "string", "enum": ["description", "testimony"]},
            "revision_id": {"type": "integer"},
            "timestamp": {"type": "string", "format": "date-time"},
            "author": {"type": "string", "nullable": True},
            "markdown": {"type": "string"},
            "html": {"type": "string"},
        },
    },
    "Revision": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "page": {"type": "string"},
            "parent_id": {"type": "integer", "nullable": True},
            "author": {"type": "string", "nullable": True},
            "timestamp": {"type": "string", "format": "date-time"},
            "summary": {"type": "string"},
            "size": {"type": "integer"},
            "size_delta": {"type": "integer"},
            "sha1": {"type": "string"},
            "tags": {"type": "array", "items": {"type": "string"}},
            "patrolled": {"type": "boolean"},
            "status": {"type": "string", "enum": ["published", "pending", "rejected"]},
            "risk_score": {"type": "integer"},
            "risk_signals": {"type": "array", "items": {"type": "string"}},
            "text_hidden": {
                "type": "boolean",
                "description": "Texte masqué par un modérateur (vie privée)",
            },
            "markdown": {
                "type": "string",
                "nullable": True,
                "description": "null quand le texte est masqué (sauf pour les modérateurs)",
            },
        },
    },
    "SaveResult": {
        "type": "object",
        "properties": {
            "created": {"type": "boolean"},
            "changed": {"type": "boolean"},
            "held": {
                "type": "boolean",
                "description": "En attente de relecture : la page garde sa version publiée",
            },
            "page": {"type": "string"},
            "revision": _ref("Revision"),
        },
    },
    "EditConflict": {
        "type": "object",
        "properties": {
            "error": {"type": "string", "enum": ["edit_conflict"]},
            "message": {"type": "string"},
            "current": {
                "type": "object",
                "properties": {
                    "revision_id": {"type": "integer", "nullable": True},
                    "markdown": {"type": "string"},
                },
            },
            "yours": {
                "type": "object",
                "properties": {
                    "base_revision": {"type": "integer", "nullable": True},
                    "markdown": {"type": "string"},
                },
            },
        },
    },
    "EditRequest": {
        "type": "object",
        "required": ["markdown"],
        "properties": {
            "markdown": {"type": "string", "maxLength": 1048576},
            "summary": {"type": "string", "maxLength": 500},
            "base_revision": {
                "type": "integer",
                "nullable": True,
                "description": "Version de départ ; null pour créer la page",
            },
            "portals": {"type": "array", "items": {"type": "string"}},
            "kind": {"type": "string", "enum": ["description", "testimony"]},
            "acknowledge_warnings": {
                "type": "boolean",
                "description": "Publier malgré les avertissements reçus (erreur edit_warning)",
            },
            "captcha": {
                "type": "object",
                "description": "Réponse à la question reçue (erreur captcha_required)",
                "properties": {"id": {"type": "integer"}, "answer": {"type": "string"}},
            },
        },
    },
}


def _action(summary: str, properties: dict, required=(), codes=(400, 401, 403, 404)) -> dict:
    """A write operation with a JSON body, answered with a JSON object."""
    return {
        "summary": summary,
        "security": [{"bearer": []}],
        "requestBody": {
            "required": bool(required),
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": list(required),
                        "properties": properties,
                    }
                }
            },
        },
        "responses": {"200": {"description": "Fait"}, **_errors(*codes)},
    }


def _path_param(name: str, kind: str = "string") -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": kind}}


STRING = {"type": "string"}
WHEN = {"type": "string", "format": "date-time", "nullable": True}

MODERATION_PATHS = {
    "/revisions/{id}/patrol": {
        "parameters": [_path_param("id", "integer")],
        "post": _action("Marquer une version comme vérifiée (confirmés)", {}),
    },
    "/pages/{title}/rollback": {
        "parameters": [TITLE],
        "post": _action(
            "Révoquer les modifications consécutives du dernier auteur (confirmés)",
            {"summary": STRING},
            codes=(400, 401, 403, 404, 409),
        ),
    },
    "/users/{name}/rollback-all": {
        "parameters": [_path_param("name")],
        "post": _action(
            "Annuler toutes les modifications d'un compte depuis une date (modérateurs)",
            {"since": WHEN, "delete_created": {"type": "boolean"}, "reason": STRING},
            required=["since"],
        ),
    },
    "/users/{name}/block": {
        "parameters": [_path_param("name")],
        "post": _action(
            "Bloquer un compte (modérateurs) ; until absent ou null : sans limite",
            {"until": WHEN, "reason": STRING},
            required=["reason"],
        ),
        "delete": _action("Débloquer un compte (modérateurs)", {"reason": STRING}),
    },
    "/users/{name}/role": {
        "parameters": [_path_param("name")],
        "put": _action(
            "Changer le rôle d'un compte (administrateurs ; consigné au journal)",
            {
                "role": {
                    "type": "string",
                    "enum": ["contributor", "confirmed", "mediator", "moderator", "admin"],
                },
                "reason": STRING,
            },
            required=["role"],
        ),
    },
    "/pages/{title}/protection": {
        "parameters": [TITLE],
        "put": _action(
            "Protéger une page (modérateurs) ; level vide : lever la protection",
            {
                "level": {"type": "string", "enum": ["", "confirmed", "moderator"]},
                "until": WHEN,
                "reason": STRING,
            },
            required=["level"],
        ),
    },
    "/pages/{title}/restore": {
        "parameters": [TITLE],
        "post": _action("Restaurer une page supprimée (modérateurs)", {"reason": STRING}),
    },
    "/reports": {
        "post": {
            **_action(
                "Signaler une page ou une version (tout lecteur, même anonyme)",
                {"title": STRING, "revision_id": {"type": "integer"}, "reason": STRING},
                required=["title", "reason"],
                codes=(400, 404),
            ),
            "security": [],
        },
        "get": {
            "summary": "Signalements ouverts (modérateurs)",
            "security": [{"bearer": []}],
            "responses": {"200": {"description": "Les signalements"}, **_errors(401, 403)},
        },
    },
    "/watchlist": {
        "get": {
            "summary": "Pages suivies et leurs dernières modifications",
            "security": [{"bearer": []}],
            "responses": {"200": {"description": "La liste de suivi"}, **_errors(401)},
        }
    },
    "/pages/{title}/watch": {
        "parameters": [TITLE],
        "put": _action("Suivre une page", {}, codes=(401, 404)),
        "delete": _action("Ne plus suivre une page", {}, codes=(401, 404)),
    },
    "/reports/{id}/close": {
        "parameters": [_path_param("id", "integer")],
        "post": _action(
            "Clore un signalement (modérateurs)",
            {"status": {"type": "string", "enum": ["resolved", "rejected"]}},
            required=["status"],
        ),
    },
}


def openapi_document() -> dict:
    """The whole document; paths mirror the routes of `web.api`."""
    from .api_abuse import ABUSE_PATHS  # here: api_abuse imports api, which imports this module
    from .api_guard import GUARD_PATHS  # likewise
    from .api_queue import QUEUE_PATHS  # likewise

    return {
        "openapi": "3.0.3",
        "info": {
            "title": "API de wikiterritoire",
            "version": "1",
            "description": "Données ouvertes du wiki de territoire (textes sous CC BY-SA 4.0). "
            "Les écritures demandent une session avec jeton CSRF (en-tête X-CSRFToken) "
            "ou un jeton personnel (Authorization: Bearer), créé par `wikiterritoire token NOM`.",
            "x-package": package,
        },
        "servers": [{"url": "/api/v1"}],
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "paths": {
            **MODERATION_PATHS,
            **ABUSE_PATHS,
            **QUEUE_PATHS,
            **GUARD_PATHS,
            "/pages/{title}": {
                "parameters": [TITLE],
                "get": {
                    "summary": "Lire une page",
                    "responses": {"200": _json(_ref("Page"), "La page"), **_errors(400, 404)},
                },
                "delete": _action(
                    "Supprimer une page (modérateurs ; l'historique est conservé)",
                    {"reason": STRING},
                    required=["reason"],
                ),
                "put": {
                    "summary": "Créer ou modifier une page",
                    "security": [{"bearer": []}],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref("EditRequest")}},
                    },
                    "responses": {
                        "200": _json(_ref("SaveResult"), "Page modifiée (ou inchangée)"),
                        "201": _json(_ref("SaveResult"), "Page créée"),
                        "202": _json(_ref("SaveResult"), "Modification en attente de relecture"),
                        "409": _json(_ref("EditConflict"), "La page a changé depuis base_revision"),
                        **_errors(400, 401, 403, 413, 422, 429),
                    },
                },
            },
            "/pages/{title}/revisions": {
                "parameters": [
                    TITLE,
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 500}},
                    {"name": "offset", "in": "query", "schema": {"type": "integer"}},
                ],
                "get": {
                    "summary": "Historique d'une page, du plus récent au plus ancien",
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "properties": {
                                    "title": {"type": "string"},
                                    "total": {"type": "integer"},
                                    "revisions": {"type": "array", "items": _ref("Revision")},
                                },
                            },
                            "Les versions",
                        ),
                        **_errors(400, 404),
                    },
                },
            },
            "/pages/{title}/revert": {
                "parameters": [TITLE],
                "post": {
                    "summary": "Rétablir une ancienne version (ajoute une nouvelle version)",
                    "security": [{"bearer": []}],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["revision_id"],
                                    "properties": {
                                        "revision_id": {"type": "integer"},
                                        "summary": {"type": "string"},
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "200": _json(_ref("SaveResult"), "Version rétablie"),
                        **_errors(400, 401, 403, 404, 409, 429),
                    },
                },
            },
            "/revisions/{id}": {
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
                ],
                "get": {
                    "summary": "Une version, avec son texte",
                    "responses": {
                        "200": _json(_ref("Revision"), "La version"),
                        **_errors(400, 404),
                    },
                },
            },
            "/search": {
                "get": {
                    "summary": "Recherche plein texte en français",
                    "parameters": [
                        {
                            "name": "q",
                            "in": "query",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                        {"name": "portal", "in": "query", "schema": {"type": "string"}},
                        {"name": "page", "in": "query", "schema": {"type": "integer"}},
                        {"name": "per_page", "in": "query", "schema": {"type": "integer"}},
                    ],
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "properties": {
                                    "query": {"type": "string"},
                                    "total": {"type": "integer"},
                                    "page": {"type": "integer"},
                                    "suggestion": {"type": "string", "nullable": True},
                                    "results": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "properties": {
                                                "title": {"type": "string"},
                                                "url": {"type": "string"},
                                                "snippet": {"type": "string"},
                                                "portals": {
                                                    "type": "array",
                                                    "items": {"type": "string"},
                                                },
                                                "score": {"type": "number"},
                                            },
                                        },
                                    },
                                },
                            },
                            "Résultats",
                        ),
                        **_errors(400, 404),
                    },
                }
            },
            "/recent-changes": {
                "get": {
                    "summary": "Modifications récentes",
                    "parameters": [
                        {
                            "name": "limit",
                            "in": "query",
                            "schema": {"type": "integer", "maximum": 500},
                        }
                    ],
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "properties": {
                                    "changes": {"type": "array", "items": _ref("Revision")}
                                },
                            },
                            "Les dernières versions",
                        ),
                        **_errors(400),
                    },
                }
            },
            "/portals": {
                "get": {
                    "summary": "Les portails thématiques",
                    "responses": {
                        "200": _json(
                            {"type": "object", "properties": {"portals": {"type": "array"}}},
                            "Les portails",
                        )
                    },
                }
            },
            "/portals/{slug}": {
                "parameters": [
                    {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "put": {
                    "summary": "Modifier l'introduction d'un portail (modérateurs)",
                    "security": [{"bearer": []}],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["description"],
                                    "properties": {"description": {"type": "string"}},
                                }
                            }
                        },
                    },
                    "responses": {
                        "200": {"description": "Portail mis à jour"},
                        **_errors(400, 401, 403, 404),
                    },
                },
            },
        },
    }
