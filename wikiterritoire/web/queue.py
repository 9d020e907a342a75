"""Review pages: the queue of held edits and its settings, and hiding a revision's text."""

from flask import Blueprint, flash, redirect, render_template, request, url_for

from .. import risk
from ..errors import Conflict
from ..services import portals, queue, suppression, visibility
from . import context

bp = Blueprint("queue", __name__)


@bp.app_context_processor
def _globals():
    def queue_pending_count() -> int:
        """Held edits waiting for review, for the links that lead to the queue."""
        return queue.pending_count(context.db())

    return {"queue_pending_count": queue_pending_count}


@bp.get("/moderation/queue")
def show():
    """Held edits, oldest first, with their changes; moderators also get the settings."""
    session = context.db()
    items = queue.pending(session, context.user())
    return render_template(
        "moderation/queue.html",
        items=items,
        settings=queue.get_settings(session),
        all_portals=portals.ordered(session),
        signal_labels=risk.SIGNAL_LABELS,
        risky=risk.RISKY,
        masked=visibility.HIDDEN_TEXT,
    )


def _back():
    return redirect(url_for("queue.show"))


@bp.post("/revision/<int:revision_id>/approve")
def approve(revision_id: int):
    try:
        revision = queue.approve(context.db(), context.search(), context.user(), revision_id)
    except Conflict as exc:
        flash(exc.message, "error")
        return _back()
    flash(f"Modification de « {revision.page.title} » acceptée et publiée. Merci !", "success")
    return _back()


@bp.post("/revision/<int:revision_id>/reject")
def reject(revision_id: int):
    revision = queue.reject(
        context.db(), context.user(), revision_id, request.form.get("reason", "")
    )
    flash(
        f"Modification de « {revision.page.title} » refusée : elle est conservée "
        "mais n'est pas publiée.",
        "success",
    )
    return _back()


@bp.post("/moderation/queue/settings")
def settings():
    form = request.form
    raw = form.get("first_edits", "").strip()
    queue.update_settings(
        context.db(),
        context.user(),
        all_pages=form.get("all_pages") == "yes",
        # Not a number: the service refuses it with its own message (after the role check).
        first_edits=int(raw) if raw.isdigit() and len(raw) < 8 else -1,
        portals=form.getlist("portals"),
    )
    flash("Réglages de la file de relecture enregistrés.", "success")
    return _back()


@bp.post("/revision/<int:revision_id>/hide")
def hide(revision_id: int):
    suppression.hide_text(context.db(), context.user(), revision_id, request.form.get("reason", ""))
    flash(
        "Le texte de cette version est masqué : seuls les modérateurs peuvent le lire.", "success"
    )
    return redirect(url_for("pages.revision", revision_id=revision_id))


@bp.post("/revision/<int:revision_id>/unhide")
def unhide(revision_id: int):
    suppression.unhide_text(
        context.db(), context.user(), revision_id, request.form.get("reason", "")
    )
    flash("Le texte de cette version est de nouveau visible.", "success")
    return redirect(url_for("pages.revision", revision_id=revision_id))
