"""The web front: HTML pages and the JSON API, wired onto the application."""

from flask import Flask, request
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect, generate_csrf

from ..models import User
from . import caching, context, formatting

login_manager = LoginManager()
csrf = CSRFProtect()

#: No inline script or style, nothing from other hosts except article images over HTTPS.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    return context.db().get(User, int(user_id)) if user_id.isdigit() else None


def _security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def init_app(app: Flask) -> None:
    from . import (
        abuse,
        api,
        api_abuse,
        api_guard,
        api_moderation,
        api_queue,
        auth,
        changes,
        errors,
        feeds,
        guard,
        moderation,
        pages,
        portals,
        queue,
        search,
        users,
        watch,
    )

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Connectez-vous pour accéder à cette page."
    csrf.init_app(app)
    formatting.register(app)
    caching.init_app(app)
    for module in (
        pages,
        auth,
        portals,
        search,
        changes,
        users,
        moderation,
        queue,
        watch,
        feeds,
        abuse,
        guard,
        api,
        api_moderation,
        api_queue,
        api_abuse,
        api_guard,
    ):
        app.register_blueprint(module.bp)
    csrf.exempt(api.bp)
    csrf.exempt(api_moderation.bp)
    csrf.exempt(api_queue.bp)
    csrf.exempt(api_abuse.bp)
    csrf.exempt(api_guard.bp)
    errors.register(app)
    app.after_request(_security_headers)

    @app.context_processor
    def _globals():
        return {
            "site_name": app.config["SITE_NAME"],
            "territory": app.config["TERRITORY"],
            "csrf_token": generate_csrf,
            "current_path": request.full_path.rstrip("?"),
        }
