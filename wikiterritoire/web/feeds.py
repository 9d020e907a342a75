"""Atom feeds: recent changes (public) and each contributor's watchlist (private URL)."""

from xml.etree import ElementTree as ET

from flask import Blueprint, Response, request, url_for

from .. import titles
from ..models import Revision, utcnow
from ..services import history, watchlist
from . import context
from .changes import filters_from

bp = Blueprint("feeds", __name__)
ATOM = "http://www.w3.org/2005/Atom"


def atom(title: str, self_url: str, revisions: list[Revision]) -> Response:
    """An Atom 1.0 document, one entry per revision with a link to its diff."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": "fr"})
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    ET.SubElement(feed, f"{{{ATOM}}}id").text = self_url
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=self_url)
    updated = revisions[0].created_at if revisions else utcnow()
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = updated.isoformat()
    for rev in revisions:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        page_path = titles.to_path(rev.page.title)
        if rev.parent_id:
            link = url_for(
                "pages.compare",
                title=page_path,
                _external=True,
                **{"from": rev.parent_id, "to": rev.id},
            )
        else:
            link = url_for("pages.revision", revision_id=rev.id, _external=True)
        ET.SubElement(entry, f"{{{ATOM}}}title").text = rev.page.title
        ET.SubElement(entry, f"{{{ATOM}}}id").text = url_for(
            "pages.revision", revision_id=rev.id, _external=True
        )
        ET.SubElement(entry, f"{{{ATOM}}}link", href=link)
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = rev.created_at.isoformat()
        author = ET.SubElement(entry, f"{{{ATOM}}}author")
        ET.SubElement(author, f"{{{ATOM}}}name").text = rev.author.name if rev.author else "anonyme"
        delta = f"{rev.size_delta:+d} octets"
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = (
            f"{rev.summary} ({delta})" if rev.summary else delta
        )
    body = ET.tostring(feed, encoding="unicode", xml_declaration=True)
    return Response(body, mimetype="application/atom+xml")


@bp.get("/recent-changes/atom")
def recent_changes():
    revisions = history.recent_changes(context.db(), limit=50, filters=filters_from(request.args))
    title = f"{context.site_name()} — modifications récentes"
    return atom(title, request.url, revisions)


@bp.get("/watchlist/atom/<token>")
def watchlist_feed(token: str):
    session = context.db()
    user = watchlist.user_for_feed(session, token)
    response = atom(
        f"{context.site_name()} — pages suivies par {user.name}",
        request.url,
        watchlist.changes(session, user, limit=50),
    )
    # The URL is a secret: keep it out of shared caches and referrers.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
