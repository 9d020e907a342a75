"""Recent changes across the wiki."""

from flask import Blueprint, render_template, request

from ..services import moderation, pages
from . import context

bp = Blueprint("changes", __name__)


@bp.route("/recent-changes")
def recent():
    limit = request.args.get("limit", "100")
    limit = min(int(limit), 500) if limit.isdigit() and int(limit) > 0 else 100
    only_unpatrolled = request.args.get("unpatrolled") == "1"
    session = context.db()
    revisions = pages.recent_changes(session, limit=limit, unpatrolled=only_unpatrolled)
    return render_template(
        "changes/recent.html",
        revisions=revisions,
        limit=limit,
        only_unpatrolled=only_unpatrolled,
        unpatrolled=moderation.unpatrolled_count(session),
    )
