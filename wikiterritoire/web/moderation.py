"""Web pages of self-regulation: patrol, rollback, protection, deletion, blocks, reports, log."""

from datetime import timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for

from .. import titles, usernames
from ..errors import InvalidInput, PermissionDenied, WikiError
from ..models import ROLE_NAMES, utcnow
from ..services import events, moderation, pages
from . import context

bp = Blueprint("moderation", __name__)

#: Durations offered by the forms, in hours ("" = until lifted).
DURATIONS = [
    ("1", "1 heure"),
    ("24", "1 jour"),
    ("168", "1 semaine"),
    ("720", "1 mois"),
    ("8760", "1 an"),
    ("", "sans limite"),
]


def _duration(hours: str) -> timedelta:
    if not hours.isdigit() or not 0 < int(hours) <= 24 * 366 * 10:
        raise InvalidInput("Durée invalide.")
    return timedelta(hours=int(hours))


def _until(hours: str | None):
    """The end of a block or protection chosen in a form; None means until lifted."""
    return utcnow() + _duration(hours) if hours else None


def _page_url(title: str) -> str:
    return url_for("pages.show", title=titles.to_path(title))


@bp.post("/wiki/<title>/rollback")
def rollback(title: str):
    result = moderation.rollback(
        context.db(), context.search(), context.user(), title, request.form.get("summary", "")
    )
    flash(
        f"{result.undone} modification(s) de {result.vandal} annulée(s). "
        "Elles restent visibles dans l'historique.",
        "success",
    )
    return redirect(_page_url(result.page.title))


@bp.post("/revision/<int:revision_id>/patrol")
def patrol(revision_id: int):
    revision = moderation.patrol(context.db(), context.user(), revision_id)
    flash("Modification marquée comme vérifiée. Merci !", "success")
    target = request.form.get("next") or ""
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect(url_for("pages.revision", revision_id=revision.id))


@bp.route("/wiki/<title>/protect", methods=["GET", "POST"])
def protect(title: str):
    session = context.db()
    user = context.user()
    if request.method == "GET":
        moderation.require_moderator(user)
        page = pages.get_page(session, title)
        return render_template("moderation/page.html", page=page, durations=DURATIONS, error=None)
    try:
        page = moderation.protect(
            session,
            user,
            title,
            request.form.get("level", ""),
            _until(request.form.get("hours")),
            request.form.get("reason", ""),
        )
    except InvalidInput as exc:
        page = pages.get_page(session, title)
        return render_template(
            "moderation/page.html", page=page, durations=DURATIONS, error=exc.message
        ), 400
    flash("Protection mise à jour." if page.protection else "Protection levée.", "success")
    return redirect(_page_url(page.title))


@bp.post("/wiki/<title>/delete")
def delete(title: str):
    page = moderation.delete_page(
        context.db(), context.search(), context.user(), title, request.form.get("reason", "")
    )
    flash(f"La page « {page.title} » est supprimée ; son historique est conservé.", "success")
    return redirect(url_for("portals.home"))


@bp.post("/wiki/<title>/restore")
def restore(title: str):
    page = moderation.restore_page(
        context.db(), context.search(), context.user(), title, request.form.get("reason", "")
    )
    flash(f"La page « {page.title} » est restaurée.", "success")
    return redirect(_page_url(page.title))


@bp.route("/wiki/<title>/report", methods=["GET", "POST"])
def report(title: str):
    session = context.db()
    page = pages.get_page(session, title)
    revision_id = request.values.get("revision_id", "")
    if request.method == "GET":
        return render_template(
            "moderation/report.html", page=page, revision_id=revision_id, reason="", error=None
        )
    try:
        moderation.report(
            session, context.user(), title, request.form.get("reason", ""), revision_id
        )
    except WikiError as exc:
        return render_template(
            "moderation/report.html",
            page=page,
            revision_id=revision_id,
            reason=request.form.get("reason", ""),
            error=exc.message,
        ), exc.status
    flash("Merci : votre signalement a été transmis aux modérateurs.", "success")
    return redirect(_page_url(page.title))


@bp.post("/user/<name>/block")
def block(name: str):
    target = moderation.block(
        context.db(),
        context.user(),
        name,
        _until(request.form.get("hours")),
        request.form.get("reason", ""),
    )
    flash(f"Le compte « {target.name} » est bloqué.", "success")
    return redirect(url_for("users.show", name=titles.to_path(target.name)))


@bp.post("/user/<name>/role")
def set_role(name: str):
    target = moderation.set_role(
        context.db(),
        context.user(),
        name,
        request.form.get("role", ""),
        request.form.get("reason", ""),
    )
    flash(f"« {target.name} » est maintenant {ROLE_NAMES[target.role]}.", "success")
    return redirect(url_for("users.show", name=titles.to_path(target.name)))


@bp.post("/user/<name>/unblock")
def unblock(name: str):
    target = moderation.unblock(context.db(), context.user(), name)
    flash(f"Le compte « {target.name} » est débloqué.", "success")
    return redirect(url_for("users.show", name=titles.to_path(target.name)))


@bp.post("/user/<name>/rollback-all")
def rollback_all(name: str):
    since = utcnow() - _duration(request.form.get("hours") or "24")
    report = moderation.rollback_all(
        context.db(),
        context.search(),
        context.user(),
        name,
        since,
        delete_created=request.form.get("delete_created") == "yes",
        reason=request.form.get("reason", ""),
    )
    return render_template(
        "moderation/mass_rollback.html", name=usernames.normalize(name), report=report
    )


@bp.get("/moderation")
def hub():
    """The moderators' and patrollers' desk: links to every self-regulation tool."""
    user = context.user()
    pages.check_can_write(user)
    if not user.has_role("confirmed"):
        raise PermissionDenied("Cette page est réservée aux contributeurs confirmés.")
    return render_template("moderation/index.html")


@bp.route("/moderation/reports", methods=["GET", "POST"])
def reports():
    session = context.db()
    user = context.user()
    if request.method == "POST":
        moderation.close_report(
            session, user, request.form.get("report_id", ""), request.form.get("status", "")
        )
        flash("Signalement traité.", "success")
        return redirect(url_for("moderation.reports"))
    return render_template(
        "moderation/reports.html", reports=moderation.open_reports(session, user)
    )


@bp.get("/log")
def log():
    return render_template("moderation/log.html", entries=events.recent(context.db()))
