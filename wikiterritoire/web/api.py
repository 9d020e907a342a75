"""The JSON API (/api/v1): same services, same permission checks as the web pages."""

from flask import Blueprint, g, jsonify, request, url_for

from .. import titles
from ..errors import AuthenticationRequired, EditConflict, InvalidInput
from ..models import Page, Revision
from ..services import accounts, captcha, history, pages, portals, visibility, watchlist
from ..services import search as search_service
from . import context, guard
from .changes import filters_from
from .openapi import openapi_document

bp = Blueprint("api", __name__, url_prefix="/api/v1")


#: Write endpoints open to anonymous readers (no session, so nothing for CSRF to protect).
ANONYMOUS_WRITES = {"api_moderation.create_report"}


def authenticate():
    """Bearer token, or a session whose writes carry the CSRF token (X-CSRFToken header)."""
    header = request.headers.get("Authorization", "")
    if header:
        owner = (
            accounts.user_for_token(context.db(), header[7:].strip())
            if header.startswith("Bearer ")
            else None
        )
        if owner is None:
            raise AuthenticationRequired("Jeton d'API invalide ou révoqué.")
        # The token speaks for its owner, whoever the session cookie belongs to. Flask-Login
        # reads the current user from g._login_user; setting it leaves the session untouched.
        g._login_user = owner
        return
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        if context.user() is None and request.endpoint in ANONYMOUS_WRITES:
            return
        if context.user() is None:
            raise AuthenticationRequired(
                "Connectez-vous ou utilisez un jeton d'API (Authorization: Bearer) pour écrire."
            )
        # Session-authenticated writes must carry the CSRF token (X-CSRFToken header).
        from . import csrf

        csrf.protect()


bp.before_request(authenticate)


@bp.errorhandler(EditConflict)
def _conflict(exc: EditConflict):
    d = exc.details
    response = jsonify(
        {
            "error": exc.code,
            "message": exc.message,
            "current": {"revision_id": d["current_revision_id"], "markdown": d["current_text"]},
            "yours": {"base_revision": d["base_revision_id"], "markdown": d["your_text"]},
        }
    )
    response.status_code = 409
    return response


def body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise InvalidInput("Le corps de la requête doit être un objet JSON valide.")
    return data


def field(data: dict, name: str, kind: type | tuple, required: bool = False, default=None):
    value = data.get(name, default)
    if value is None:
        if required:
            raise InvalidInput(f"Le champ « {name} » est obligatoire.")
        return default
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise InvalidInput(f"Le champ « {name} » n'a pas le bon type.")
    return value


def revision_json(rev: Revision, with_text: bool = False) -> dict:
    data = {
        "id": rev.id,
        "page": rev.page.title,
        "parent_id": rev.parent_id,
        "author": rev.author.name if rev.author else None,
        "timestamp": rev.created_at.isoformat(),
        "summary": rev.summary,
        "size": rev.size,
        "size_delta": rev.size_delta,
        "sha1": rev.sha1,
        "tags": rev.tags,
        "patrolled": rev.patrolled,
        "status": rev.status,
        "risk_score": rev.risk_score,
        "risk_signals": rev.risk_signals,
        "text_hidden": rev.text_hidden,
    }
    if with_text:
        # A text hidden by a moderator is for moderators only.
        data["markdown"] = rev.text if visibility.may_read_text(context.user(), rev) else None
    return data


def page_json(page: Page) -> dict:
    rendered = pages.rendered(context.db(), page.latest)
    return {
        "title": page.title,
        "url": url_for("pages.show", title=titles.to_path(page.title), _external=True),
        "portals": [p.slug for p in page.portals],
        "kind": page.kind,
        "revision_id": page.latest_revision_id,
        "timestamp": page.latest.created_at.isoformat(),
        "author": page.latest.author.name if page.latest.author else None,
        "markdown": page.latest.text,
        "html": rendered.html,
    }


def int_arg(name: str, default: int, maximum: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not raw.isdigit():
        raise InvalidInput(f"Le paramètre « {name} » doit être un entier positif.")
    return min(int(raw), maximum)


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


@bp.get("/pages/<title>")
def get_page(title: str):
    return jsonify(page_json(pages.get_page(context.db(), title)))


@bp.put("/pages/<title>")
def put_page(title: str):
    data = body()
    base = data.get("base_revision")
    if base is not None and (not isinstance(base, int) or isinstance(base, bool) or base < 0):
        raise InvalidInput("« base_revision » doit être un numéro de version (entier) ou null.")
    portal_slugs = field(data, "portals", list)
    if portal_slugs is not None and not all(isinstance(s, str) for s in portal_slugs):
        raise InvalidInput("« portals » doit être une liste d'identifiants de portails.")
    creating = pages.find_page(context.db(), title) is None
    with guard.limited("edit", *(("create",) if creating else ())):
        result = pages.save_edit(
            context.db(),
            context.search(),
            context.user(),
            title,
            field(data, "markdown", str, required=True),
            summary=field(data, "summary", str, default=""),
            base_revision_id=base,
            portals=portal_slugs,
            kind=field(data, "kind", str),
            acknowledged=field(data, "acknowledge_warnings", bool, default=False),
            answer=_captcha_answer(field(data, "captcha", dict)),
        )
    saved = {
        "created": result.created,
        "changed": result.changed,
        "held": result.held,
        "page": result.page.title,
        "revision": revision_json(result.revision),
    }
    if result.held:
        return jsonify(saved), 202
    return jsonify(saved), 201 if result.created else 200


def _captcha_answer(data: dict | None) -> captcha.Answer | None:
    if data is None:
        return None
    return captcha.Answer(data.get("id"), str(data.get("answer") or ""))


@bp.get("/pages/<title>/revisions")
def list_revisions(title: str):
    session = context.db()
    page = pages.get_page(session, title)
    limit, offset = int_arg("limit", 100, 500), int_arg("offset", 0, 10**9)
    return jsonify(
        {
            "title": page.title,
            "total": history.revision_count(session, page),
            "revisions": [
                revision_json(r) for r in history.page_history(session, page, limit, offset)
            ],
        }
    )


@bp.get("/revisions/<revision_id>")
def get_revision(revision_id: str):
    revision = pages.get_revision(context.db(), revision_id)
    visibility.check_readable(context.user(), revision)
    return jsonify(revision_json(revision, with_text=True))


@bp.post("/pages/<title>/revert")
def revert(title: str):
    data = body()
    revision_id = data.get("revision_id")
    if not isinstance(revision_id, int) or isinstance(revision_id, bool):
        raise InvalidInput("« revision_id » doit être un numéro de version (entier).")
    with guard.limited("edit"):
        result = pages.revert(
            context.db(),
            context.search(),
            context.user(),
            title,
            revision_id,
            field(data, "summary", str, default=""),
        )
    return jsonify(
        {
            "changed": result.changed,
            "page": result.page.title,
            "revision": revision_json(result.revision),
        }
    )


@bp.get("/search")
def search():
    query = request.args.get("q", "")
    found = search_service.search(
        context.db(),
        context.search(),
        query,
        request.args.get("portal") or None,
        int_arg("page", 1, 1000) or 1,
        int_arg("per_page", 20, 100) or 20,
    )
    return jsonify(
        {
            "query": query,
            "total": found.total,
            "page": found.page,
            "suggestion": found.suggestion,
            "results": [
                {
                    "title": hit.title,
                    "url": url_for("pages.show", title=titles.to_path(hit.title), _external=True),
                    "snippet": hit.snippet_html,
                    "portals": hit.portals,
                    "score": round(hit.score, 4),
                }
                for hit in found.hits
            ],
        }
    )


@bp.get("/recent-changes")
def recent_changes():
    revisions = history.recent_changes(
        context.db(), limit=int_arg("limit", 50, 500) or 50, filters=filters_from(request.args)
    )
    return jsonify({"changes": [revision_json(r) for r in revisions]})


@bp.get("/portals")
def list_portals():
    return jsonify(
        {
            "portals": [
                {
                    "slug": p.slug,
                    "name": p.name,
                    "description": p.description,
                    "color": p.color,
                    "articles": n,
                    "url": url_for("portals.show", slug=p.slug, _external=True),
                }
                for p, n in portals.list_portals(context.db())
            ]
        }
    )


@bp.put("/portals/<slug>")
def update_portal(slug: str):
    data = body()
    portal = portals.update_description(
        context.db(), context.user(), slug, field(data, "description", str, required=True)
    )
    return jsonify({"slug": portal.slug, "name": portal.name, "description": portal.description})


@bp.get("/watchlist")
def get_watchlist():
    session = context.db()
    user = context.user()
    return jsonify(
        {
            "pages": watchlist.watched_titles(session, user),
            "changes": [revision_json(r) for r in watchlist.changes(session, user, limit=100)],
        }
    )


@bp.put("/pages/<title>/watch")
def watch_page(title: str):
    page = watchlist.watch(context.db(), context.user(), title)
    return jsonify({"page": page.title, "watching": True})


@bp.delete("/pages/<title>/watch")
def unwatch_page(title: str):
    page = watchlist.unwatch(context.db(), context.user(), title)
    return jsonify({"page": page.title, "watching": False})
