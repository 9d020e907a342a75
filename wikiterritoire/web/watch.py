"""Following pages: the watchlist page and the follow / unfollow buttons."""

from flask import Blueprint, flash, redirect, render_template, request, url_for

from .. import titles
from ..services import watchlist
from . import context

bp = Blueprint("watch", __name__)


def _back(title: str):
    return redirect(url_for("pages.show", title=titles.to_path(title)))


@bp.post("/wiki/<title>/watch")
def watch(title: str):
    page = watchlist.watch(context.db(), context.user(), title)
    flash(f"Vous suivez maintenant « {page.title} ».", "success")
    return _back(page.title)


@bp.post("/wiki/<title>/unwatch")
def unwatch(title: str):
    page = watchlist.unwatch(context.db(), context.user(), title)
    flash(f"Vous ne suivez plus « {page.title} ».", "info")
    return _back(page.title)


@bp.route("/watchlist", methods=["GET", "POST"])
def show():
    session = context.db()
    user = context.user()
    if user is None:
        return redirect(url_for("auth.login", next=url_for("watch.show")))
    if request.method == "POST":
        if request.form.get("action") == "renew-feed":
            watchlist.feed_token(session, user, renew=True)
            flash("Nouvelle adresse de flux créée ; l'ancienne ne fonctionne plus.", "success")
        else:
            watchlist.set_auto_watch(session, user, request.form.get("auto_watch") == "yes")
            flash("Préférence enregistrée.", "success")
        return redirect(url_for("watch.show"))
    return render_template(
        "watch/watchlist.html",
        changes=watchlist.changes(session, user),
        watched=watchlist.watched_titles(session, user),
        feed_url=url_for(
            "feeds.watchlist_feed", token=watchlist.feed_token(session, user), _external=True
        ),
    )
