"""API twins of the self-regulation actions: patrol, rollback, blocks, protection, deletion, reports."""

from datetime import UTC, datetime

from flask import Blueprint, jsonify, request

from ..errors import InvalidInput
from ..models import Report, User
from ..services import moderation
from . import context
from .api import authenticate, body, field, revision_json

bp = Blueprint("api_moderation", __name__, url_prefix="/api/v1")
bp.before_request(authenticate)


def parse_when(value, name: str) -> datetime | None:
    """An ISO 8601 date-time (UTC when no offset is given), or None."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput(f"« {name} » doit être une date ISO 8601, par ex. 2026-11-22T14:00:00Z.")
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(
            f"« {name} » n'est pas une date valide (ISO 8601, par ex. 2026-11-22T14:00:00Z)."
        ) from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def user_json(user: User) -> dict:
    return {
        "name": user.name,
        "role": user.role,
        "blocked": user.is_blocked(),
        "blocked_until": user.blocked_until.isoformat() if user.is_blocked() else None,
        "block_reason": user.block_reason if user.is_blocked() else "",
    }


def report_json(item: Report) -> dict:
    return {
        "id": item.id,
        "page": item.page.title,
        "revision_id": item.revision_id,
        "reason": item.reason,
        "status": item.status,
        "created_at": item.created_at.isoformat(),
    }


@bp.post("/revisions/<revision_id>/patrol")
def patrol(revision_id: str):
    revision = moderation.patrol(context.db(), context.user(), revision_id)
    return jsonify(revision_json(revision))


@bp.post("/pages/<title>/rollback")
def rollback(title: str):
    data = body()
    result = moderation.rollback(
        context.db(),
        context.search(),
        context.user(),
        title,
        field(data, "summary", str, default=""),
    )
    return jsonify(
        {
            "page": result.page.title,
            "undone": result.undone,
            "undone_author": result.vandal,
            "revision": revision_json(result.revision),
        }
    )


@bp.post("/users/<name>/rollback-all")
def rollback_all(name: str):
    data = body()
    since = parse_when(field(data, "since", str, required=True), "since")
    report = moderation.rollback_all(
        context.db(),
        context.search(),
        context.user(),
        name,
        since,
        delete_created=field(data, "delete_created", bool, default=False),
        reason=field(data, "reason", str, default=""),
    )
    return jsonify(
        {"reverted": report.reverted, "deleted": report.deleted, "skipped": report.skipped}
    )


@bp.post("/users/<name>/block")
def block(name: str):
    data = body()
    user = moderation.block(
        context.db(),
        context.user(),
        name,
        parse_when(data.get("until"), "until"),
        field(data, "reason", str, required=True),
    )
    return jsonify(user_json(user))


@bp.put("/users/<name>/role")
def set_role(name: str):
    data = body()
    user = moderation.set_role(
        context.db(),
        context.user(),
        name,
        field(data, "role", str, required=True),
        field(data, "reason", str, default=""),
    )
    return jsonify(user_json(user))


@bp.delete("/users/<name>/block")
def unblock(name: str):
    data = request.get_json(silent=True) or {}
    reason = data.get("reason", "") if isinstance(data, dict) else ""
    user = moderation.unblock(
        context.db(), context.user(), name, reason if isinstance(reason, str) else ""
    )
    return jsonify(user_json(user))


@bp.put("/pages/<title>/protection")
def protect(title: str):
    data = body()
    page = moderation.protect(
        context.db(),
        context.user(),
        title,
        field(data, "level", str, required=True),
        parse_when(data.get("until"), "until"),
        field(data, "reason", str, default=""),
    )
    return jsonify(
        {
            "page": page.title,
            "level": page.protection,
            "until": page.protection_until.isoformat() if page.protection_until else None,
            "reason": page.protection_reason,
        }
    )


@bp.delete("/pages/<title>")
def delete(title: str):
    data = body()
    page = moderation.delete_page(
        context.db(),
        context.search(),
        context.user(),
        title,
        field(data, "reason", str, required=True),
    )
    return jsonify({"page": page.title, "deleted": True})


@bp.post("/pages/<title>/restore")
def restore(title: str):
    data = body()
    page = moderation.restore_page(
        context.db(),
        context.search(),
        context.user(),
        title,
        field(data, "reason", str, default=""),
    )
    return jsonify({"page": page.title, "deleted": False})


@bp.post("/reports")
def create_report():
    data = body()
    revision_id = data.get("revision_id")
    if revision_id is not None and (
        not isinstance(revision_id, int) or isinstance(revision_id, bool)
    ):
        raise InvalidInput("« revision_id » doit être un numéro de version (entier).")
    item = moderation.report(
        context.db(),
        context.user(),
        field(data, "title", str, required=True),
        field(data, "reason", str, required=True),
        revision_id,
    )
    return jsonify(report_json(item)), 201


@bp.get("/reports")
def list_reports():
    return jsonify(
        {"reports": [report_json(r) for r in moderation.open_reports(context.db(), context.user())]}
    )


@bp.post("/reports/<report_id>/close")
def close_report(report_id: str):
    data = body()
    item = moderation.close_report(
        context.db(), context.user(), report_id, field(data, "status", str, required=True)
    )
    return jsonify(report_json(item))
