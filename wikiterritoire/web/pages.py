"""Article pages: read, edit with preview and conflict handling, history, diff, revert."""

import functools

from flask import Blueprint, flash, redirect, render_template, request, url_for

from .. import diff, markup, titles
from ..errors import (
    CaptchaRequired,
    EditConflict,
    EditWarning,
    InvalidInput,
    InvalidTitle,
    NotFound,
    RateLimited,
    WikiError,
)
from ..services import captcha, pages, portals, queue, visibility, watchlist
from ..services import history as history_service
from . import caching, context, guard

bp = Blueprint("pages", __name__)


def canonical_title(view):
    """Hand the view a normalized title; a GET spelling it otherwise is redirected (301)."""

    @functools.wraps(view)
    def wrapper(title: str):
        normalized = titles.validate(title)
        if titles.to_path(normalized) != title and request.method == "GET":
            args = request.args.to_dict()
            target = url_for(request.endpoint, title=titles.to_path(normalized), **args)
            return redirect(target, 301)
        return view(normalized)

    return wrapper


@bp.route("/wiki/<title>")
@canonical_title
@caching.anonymous_cache
def show(title: str):
    session = context.db()
    page = pages.find_page(session, title)
    # The author's own held edits: the page says they await review.
    awaiting = queue.own_pending(session, context.user(), title)
    if page is None:
        deleted = pages.is_deleted(session, title)
        return render_template(
            "wiki/missing.html", title=title, deleted=deleted, awaiting=awaiting
        ), 404
    rendered = pages.rendered(session, page.latest)
    return render_template(
        "wiki/page.html",
        page=page,
        revision=page.latest,
        rendered=rendered,
        backlinks=history_service.backlinks(session, page),
        contributors=history_service.contributors(session, page),
        watching=watchlist.is_watching(session, context.user(), page),
        old=False,
        awaiting=awaiting,
    )


@bp.route("/revision/<int:revision_id>")
def revision(revision_id: int):
    session = context.db()
    user = context.user()
    rev = visibility.check_readable(user, pages.get_revision(session, revision_id))
    masked = not visibility.may_read_text(user, rev)
    return render_template(
        "wiki/page.html",
        page=rev.page,
        revision=rev,
        rendered=None if masked else pages.rendered(session, rev),
        masked_text=visibility.HIDDEN_TEXT if masked else None,
        backlinks=[],
        contributors=[],
        old=rev.id != rev.page.latest_revision_id,
    )


@bp.route("/new", methods=["GET"])
def new():
    """The "Nouvel article" form: a title, then the editor."""
    raw = request.args.get("title")
    if raw is None:
        return render_template("wiki/new.html", title_value="", error=None)
    try:
        title = titles.validate(raw)
    except InvalidTitle as exc:
        return render_template("wiki/new.html", title_value=raw, error=exc.message), 400
    if pages.find_page(context.db(), title):
        flash(f"La page « {title} » existe déjà : vous pouvez la compléter.", "info")
    return redirect(url_for("pages.edit", title=titles.to_path(title)))


def _editor(
    title,
    page,
    *,
    text,
    summary,
    base_id,
    chosen,
    kind,
    acknowledged=False,
    captcha_id="",
    captcha_answer="",
    status=200,
    **extra,
):
    session = context.db()
    if captcha_id and "captcha" not in extra:
        extra["captcha"] = captcha.question_for(session, captcha_id)
    return (
        render_template(
            "wiki/edit.html",
            title=title,
            page=page,
            text=text,
            summary=summary,
            base_revision_id=base_id,
            chosen_portals=set(chosen),
            kind=kind,
            acknowledged=acknowledged,
            captcha_id=captcha_id,
            captcha_answer=captcha_answer,
            kinds=pages.KINDS,
            all_portals=portals.ordered(session),
            charter=context.charter(),
            **extra,
        ),
        status,
    )


@bp.route("/wiki/<title>/edit", methods=["GET", "POST"])
@canonical_title
def edit(title: str):
    user = context.user()
    if user is None:
        flash("Connectez-vous (ou créez un compte) pour écrire sur le wiki.", "info")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    session = context.db()
    page = pages.find_page(session, title)
    if request.method == "GET":
        pages.check_can_edit(user, page)
        return _editor(
            title,
            page,
            text=page.latest.text if page else "",
            summary="",
            base_id=page.latest_revision_id if page else "",
            chosen=[p.slug for p in page.portals] if page else request.args.getlist("portal"),
            kind=page.kind if page else "description",
        )
    form = request.form
    fields = {
        "text": form.get("text", ""),
        "summary": form.get("summary", ""),
        "base_id": form.get("base_revision_id", ""),
        "chosen": form.getlist("portals"),
        "kind": form.get("kind") or (page.kind if page else "description"),
        "acknowledged": form.get("acknowledged") == "1",
        "captcha_id": form.get("captcha_id", ""),
        "captcha_answer": form.get("captcha_answer", ""),
    }
    if form.get("action") == "preview":
        preview = markup.render(fields["text"], lambda c: pages.existing_titles(session, c))
        return _editor(title, page, preview=preview, **fields)
    try:
        with guard.limited("edit", *(() if page else ("create",))):
            result = pages.save_edit(
                session,
                context.search(),
                user,
                title,
                fields["text"],
                summary=fields["summary"],
                base_revision_id=_int_or_none(fields["base_id"]),
                portals=fields["chosen"],
                kind=fields["kind"],
                acknowledged=fields["acknowledged"],
                answer=captcha.Answer(fields["captcha_id"], fields["captcha_answer"])
                if fields["captcha_id"]
                else None,
            )
    except EditConflict as exc:
        current_id = exc.details["current_revision_id"]
        return _editor(
            title,
            page,
            status=409,
            conflict=exc.message,
            current_text=exc.details["current_text"],
            conflict_rows=diff.diff_rows(exc.details["current_text"], fields["text"]),
            **{**fields, "base_id": current_id or ""},
        )
    except EditWarning as exc:
        warned = {**fields, "acknowledged": True}
        return _editor(title, page, status=exc.status, warnings=exc.details["warnings"], **warned)
    except CaptchaRequired as exc:
        asked = {**fields, "captcha_id": exc.details["captcha"]["id"], "captcha_answer": ""}
        return _editor(
            title,
            page,
            status=exc.status,
            error=exc.message,
            captcha=exc.details["captcha"],
            **asked,
        )
    except RateLimited as exc:
        # The editor comes back with the text as typed: nothing is lost while waiting.
        body, status = _editor(title, page, status=exc.status, error=exc.message, **fields)
        return body, status, guard.retry_after(exc)
    except WikiError as exc:
        return _editor(title, page, status=exc.status, error=exc.message, **fields)
    if result.held:
        flash(
            "Merci ! Votre modification a été enregistrée et sera publiée dès qu'un contributeur "
            "confirmé l'aura relue.",
            "info",
        )
        if not page:
            return redirect(url_for("portals.home"))
    elif not result.changed:
        flash("Aucune modification : le texte est identique à la version actuelle.", "info")
    elif result.created:
        flash("La page a été créée. Merci pour votre contribution !", "success")
    else:
        flash("Votre modification a été enregistrée.", "success")
    return redirect(url_for("pages.show", title=titles.to_path(result.page.title)))


def _int_or_none(value: str) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise InvalidInput("Le numéro de version de départ est invalide.")
    return int(value)


@bp.route("/wiki/<title>/history")
@canonical_title
def history(title: str):
    session = context.db()
    page = pages.get_page(session, title)
    offset = request.args.get("offset", "0")
    offset = min(int(offset), 10**9) if offset.isdigit() else 0
    revisions = history_service.page_history(session, page, limit=100, offset=offset)
    return render_template(
        "wiki/history.html",
        page=page,
        revisions=revisions,
        offset=offset,
        total=history_service.revision_count(session, page),
    )


@bp.route("/wiki/<title>/diff")
@canonical_title
def compare(title: str):
    session = context.db()
    page = pages.get_page(session, title)
    to_id = request.args.get("to") or page.latest_revision_id
    from_id = request.args.get("from")
    viewer = context.user()
    if not from_id:
        newer = visibility.check_readable(viewer, pages.get_revision(session, to_id))
        from_id = newer.parent_id or newer.id
    old, new, rows = history_service.compare(session, from_id, to_id, viewer)
    if old.page_id != page.id:
        raise NotFound("Ces versions n'appartiennent pas à cette page.")
    if old.id > new.id:
        old, new, rows = history_service.compare(session, new.id, old.id, viewer)
    return render_template(
        "wiki/diff.html", page=page, old=old, new=new, rows=rows, masked=visibility.HIDDEN_TEXT
    )


@bp.route("/wiki/<title>/revert", methods=["POST"])
@canonical_title
def revert(title: str):
    user = context.user()
    if user is None:
        return redirect(
            url_for("auth.login", next=url_for("pages.history", title=titles.to_path(title)))
        )
    with guard.limited("edit"):
        result = pages.revert(
            context.db(),
            context.search(),
            user,
            title,
            request.form.get("revision_id", ""),
            request.form.get("summary", ""),
        )
    if result.changed:
        flash(
            "La page a été rétablie dans cette version (une nouvelle version a été ajoutée à l'historique).",
            "success",
        )
    else:
        flash("Cette version est identique à la version actuelle : rien à rétablir.", "info")
    return redirect(url_for("pages.show", title=titles.to_path(result.page.title)))
