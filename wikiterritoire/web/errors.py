"""One place that turns domain errors and HTTP errors into French pages or JSON errors."""

import logging

from flask import Flask, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..errors import WikiError

log = logging.getLogger(__name__)

HTTP_MESSAGES = {
    400: ("bad_request", "La requête est invalide."),
    401: ("authentication_required", "Vous devez être connecté."),
    403: ("forbidden", "Vous n'avez pas le droit de faire cela."),
    404: ("not_found", "Cette page n'existe pas."),
    405: ("method_not_allowed", "Cette méthode n'est pas permise à cette adresse."),
    413: ("too_large", "L'envoi est trop volumineux."),
    500: ("internal_error", "Une erreur interne est survenue ; rien de ce que vous avez écrit "
          "n'a été enregistré à moitié. Réessayez dans un instant."),
}  # fmt: skip


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, code: str, message: str, **details):
    if wants_json():
        response = jsonify({"error": code, "message": message, **details})
        response.status_code = status
        return response
    return render_template("errors/error.html", status=status, message=message), status


def register(app: Flask) -> None:
    @app.errorhandler(WikiError)
    def _domain_error(exc: WikiError):
        response = make_response(error_response(exc.status, exc.code, exc.message, **exc.details))
        if exc.status == 429 and "retry_after" in exc.details:
            response.headers["Retry-After"] = str(exc.details["retry_after"])
        return response

    @app.errorhandler(CSRFError)
    def _csrf_error(exc: CSRFError):
        return error_response(
            400,
            "csrf_failed",
            "Le jeton de sécurité du formulaire est absent ou invalide. "
            "Revenez en arrière, rechargez la page et réessayez.",
        )

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        code, message = HTTP_MESSAGES.get(exc.code or 500, ("error", exc.description or ""))
        return error_response(exc.code or 500, code, message)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("Unhandled error on %s", request.path)
        code, message = HTTP_MESSAGES[500]
        return error_response(500, code, message)
