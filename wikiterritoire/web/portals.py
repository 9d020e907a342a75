"""The home page and the thematic portals."""

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for

from ..errors import PermissionDenied, WikiError
from ..services import history, pages, portals
from . import caching, context

bp = Blueprint("portals", __name__)


@bp.route("/")
@caching.anonymous_cache
def home():
    session = context.db()
    return render_template(
        "portals/home.html",
        portals=portals.list_portals(session),
        recent=history.recent_changes(session, limit=10),
        page_count=pages.count_pages(session),
    )


@bp.route("/portals/<slug>")
@caching.anonymous_cache
def show(slug: str):
    session = context.db()
    view = portals.portal_view(session, slug, lambda c: pages.existing_titles(session, c))
    return render_template("portals/portal.html", view=view)


@bp.route("/portals/<slug>/edit", methods=["GET", "POST"])
def edit(slug: str):
    session = context.db()
    user = context.user()
    if user is None or not user.has_role("moderator"):
        raise PermissionDenied(
            "Seuls les modérateurs peuvent modifier l'introduction d'un portail."
        )
    portal = portals.get_portal(session, slug)
    if request.method == "GET":
        return render_template(
            "portals/edit.html", portal=portal, description=portal.description, error=None
        )
    description = request.form.get("description", "")
    try:
        portals.update_description(session, user, slug, description)
    except WikiError as exc:
        return render_template(
            "portals/edit.html", portal=portal, description=description, error=exc.message
        ), exc.status
    flash("L'introduction du portail a été mise à jour.", "success")
    return redirect(url_for("portals.show", slug=slug))


@bp.route("/portals.css")
def stylesheet():
    """Portal colours as CSS classes: the strict CSP allows no inline style attribute."""
    rules = [f".portal-{p.slug} {{ --portal: {p.color}; }}" for p in portals.ordered(context.db())]
    response = make_response("\n".join(rules) + "\n")
    response.mimetype = "text/css"
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response
