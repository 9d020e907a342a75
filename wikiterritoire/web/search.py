"""Full-text search page."""

from flask import Blueprint, render_template, request

from .. import titles
from ..errors import InvalidTitle
from ..services import pages, portals
from ..services import search as search_service
from . import context

bp = Blueprint("search", __name__)


@bp.route("/search")
def results():
    query = request.args.get("q", "").strip()
    portal = request.args.get("portal", "").strip() or None
    page_number = request.args.get("page", "1")
    session = context.db()
    found = search_service.search(
        session, context.search(), query, portal, int(page_number) if page_number.isdigit() else 1
    )
    try:
        create_title = titles.validate(query) if query else None
    except InvalidTitle:
        create_title = None
    exact = pages.find_page(session, create_title) if create_title else None
    return render_template(
        "search/results.html",
        query=query,
        portal=portal,
        results=found,
        all_portals=portals.ordered(session),
        create_title=None if exact else create_title,
        exact=exact,
    )
