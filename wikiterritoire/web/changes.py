"""Recent changes across the wiki."""

from flask import Blueprint, render_template, request

from ..services import pages
from . import context

bp = Blueprint("changes", __name__)


@bp.route("/recent-changes")
def recent():
    limit = request.args.get("limit", "100")
    limit = min(int(limit), 500) if limit.isdigit() and int(limit) > 0 else 100
    revisions = pages.recent_changes(context.db(), limit=limit)
    return render_template("changes/recent.html", revisions=revisions, limit=limit)
