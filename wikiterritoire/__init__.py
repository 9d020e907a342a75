"""wikiterritoire: a territorial wiki in which inhabitants write the memory of their town."""

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config, freshness
from .charter import load as load_charter
from .db import Database
from .search import open_backend


class WikiContext:
    """The parts a request needs, built once per application."""

    def __init__(self, settings: dict):
        self.db = Database(settings["DATABASE_URL"])
        freshness.install(self.db.session.session_factory)
        self.search = open_backend(settings, self.db.engine)
        self.charter = load_charter(settings["CHARTER_DIR"])


class _SessionInterface(SecureCookieSessionInterface):
    """Secure cookies whenever the request came over HTTPS (directly or through the proxy)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        from flask import request

        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure


def create_app(overrides: dict | None = None) -> Flask:
    """Build the application: defaults → WIKI_* environment → `overrides` (used by tests)."""
    settings = config.load(overrides)
    app = Flask(
        __name__,
        template_folder=str(config.ROOT / "templates"),
        static_folder=str(config.ROOT / "static"),
    )
    app.config.update(settings)
    app.json.sort_keys = False
    app.session_interface = _SessionInterface()
    hops = settings["PROXY_HOPS"]
    if hops:
        # The proxy (nginx) tells us the client's scheme and address; nobody else may.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.extensions["wiki"] = WikiContext(settings)

    from . import web

    web.init_app(app)

    @app.teardown_appcontext
    def _remove_session(_exc):
        app.extensions["wiki"].db.session.remove()

    return app
